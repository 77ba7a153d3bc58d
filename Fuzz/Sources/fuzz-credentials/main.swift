// libFuzzer entry for the login files memtop reads (issue #16): any text is read as an NKEY seed file and as a
// `.creds` file — a key pair or an error naming the file, never a trap. A seed that decodes must give a public
// key that starts with U and encodes back to 56 characters, and must sign. Built and run by Fuzz/run.sh.
import FuzzDriver
import MemtopFeed
import PatinoxMemory

func check(_ pair: NKeyPair) {
    precondition(pair.publicKey.hasPrefix("U") && pair.publicKey.count == 56, "public key \(pair.publicKey)")
    precondition((try? pair.sign([1, 2, 3]))?.count == 64, "a key pair that does not sign")
}

runFuzzer { bytes in
    let text = String(decoding: bytes, as: UTF8.self)
    if let pair = try? NKeyPair(seed: text, source: "fuzz.nk") { check(pair) }
    do throws(PatinoxError) {
        let credentials = try NATSCredentials.userCredentials(text: text, source: "fuzz.creds")
        precondition(credentials.jwt.split(separator: ".").count == 3, "a JWT without three parts")
        check(credentials.keyPair)
    } catch {
        precondition(error.code == .invalidInput && error.message.contains("fuzz.creds"), "\(error)")
    }
}
