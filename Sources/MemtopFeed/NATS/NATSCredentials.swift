import Foundation
import PatinoxMemory

/// Reading the secrets a NATS login needs from files, so that they never sit on a command line (`ps` shows
/// it to every user of the machine).
public enum NATSCredentials {
    /// The most bytes a secret, seed or `.creds` file may hold: a user JWT is a few KiB.
    static let maximumFileBytes = 1 << 16

    /// The text of a secret file (a password, a token), its surrounding whitespace and final newline removed.
    /// - Parameter what: what the file holds, for the error ("password", "token").
    public static func secret(file path: String, what: String) throws(PatinoxError) -> String {
        let text = try read(path, what: what)
        let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else {
            throw failure(path, what, "'\(path)' is empty", "write the \(what) into it, on one line.")
        }
        return secret
    }

    /// The key pair of a user seed file (`SU…`, as `nk -gen user` or `nsc` writes it).
    public static func nkey(file path: String) throws(PatinoxError) -> NKeyPair {
        try NKeyPair(seed: try read(path, what: "NKEY seed"), source: path)
    }

    /// The user JWT and key pair of a `.creds` file (what `nsc generate creds` writes: a
    /// `-----BEGIN NATS USER JWT-----` block, then a `-----BEGIN USER NKEY SEED-----` block).
    public static func userCredentials(file path: String) throws(PatinoxError) -> (jwt: String, keyPair: NKeyPair) {
        try userCredentials(text: try read(path, what: "credentials"), source: path)
    }

    /// The user JWT and key pair of a `.creds` file's text.
    /// - Parameter source: where the text came from (its path), for the errors.
    public static func userCredentials(text: String, source path: String) throws(PatinoxError) -> (
        jwt: String, keyPair: NKeyPair
    ) {
        let blocks = armouredBlocks(text)
        guard let jwt = blocks["NATS USER JWT"], !jwt.isEmpty else {
            throw failure(
                path,
                "credentials",
                "'\(path)' has no -----BEGIN NATS USER JWT----- block",
                "give the .creds file `nsc generate creds` wrote (a seed alone goes to --nkey)."
            )
        }
        guard jwt.split(separator: ".").count == 3 else {
            throw failure(path, "credentials", "the user JWT in '\(path)' is not a JWT", "regenerate the file.")
        }
        guard let seed = blocks["USER NKEY SEED"] else {
            throw failure(
                path,
                "credentials",
                "'\(path)' has no -----BEGIN USER NKEY SEED----- block",
                "give the .creds file `nsc generate creds` wrote."
            )
        }
        return (jwt, try NKeyPair(seed: seed, source: path))
    }

    /// The text between each `-----BEGIN NAME-----` and the `------END NAME------` after it, by NAME.
    static func armouredBlocks(_ text: String) -> [String: String] {
        var blocks: [String: String] = [:]
        var open: (name: String, lines: [String])?
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let bare = line.trimmingCharacters(in: CharacterSet(charactersIn: "-")).trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("---"), bare.hasPrefix("BEGIN ") {
                open = (String(bare.dropFirst("BEGIN ".count)), [])
            } else if line.hasPrefix("---"), bare.hasPrefix("END "), let block = open {
                blocks[block.name] = block.lines.joined()
                open = nil
            } else if open != nil, !line.isEmpty {
                open?.lines.append(line)
            }
        }
        return blocks
    }

    private static func read(_ path: String, what: String) throws(PatinoxError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw failure(path, what, "cannot read '\(path)': no such file, or no permission", "check the path.")
        }
        defer { try? handle.close() }
        let data: Data?
        do {
            data = try handle.read(upToCount: maximumFileBytes + 1)
        } catch {
            throw failure(path, what, "reading '\(path)' failed: \(error)", "check the file.")
        }
        let bytes = data ?? Data()
        guard bytes.count <= maximumFileBytes else {
            throw failure(
                path,
                what,
                "'\(path)' is over \(maximumFileBytes) bytes, too large for a \(what) file",
                "check that the path names the \(what) file."
            )
        }
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw failure(path, what, "'\(path)' is not UTF-8 text", "check that the path names the \(what) file.")
        }
        return text
    }

    private static func failure(_ path: String, _ what: String, _ message: String, _ hint: String) -> PatinoxError {
        .invalidInput(.feed, name: path, operation: "read \(what) file", message: message + ".", hint: hint)
    }
}

extension [UInt8] {
    /// Base64 with the URL alphabet and no padding (RFC 4648 §5): how NATS wants the nonce's signature.
    var base64URLEncoded: String {
        Data(self).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
