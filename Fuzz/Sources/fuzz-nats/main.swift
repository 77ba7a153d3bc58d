// libFuzzer entry for the NATS protocol parser (issue #7, #15): any bytes, in two fragments, must parse to
// messages or a NATSProtocolError — never crash, hang or trap, whatever sizes INFO and MSG lines claim. The first
// byte picks where the input is cut and the parser's starting payload limit (4 KiB, or the 64 MiB ceiling an INFO
// may raise it to). Built and run by Fuzz/run.sh.
import FuzzDriver
import MemtopFeed

runFuzzer { bytes in
    let first = Int(bytes.first ?? 0)
    let cut = first % (bytes.count + 1)
    var parser = first & 1 == 0 ? NATSParser(maximumPayload: 4_096) : NATSParser()
    do {
        _ = try parser.feed(bytes[..<cut])
        _ = try parser.feed(bytes[cut...])
    } catch {
        // A protocol error is a correct answer to garbage.
    }
    precondition((0...NATSParser.payloadCeiling).contains(parser.maximumPayload), "\(parser.maximumPayload)")
}
