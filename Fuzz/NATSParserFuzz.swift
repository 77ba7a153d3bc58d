// libFuzzer entry for the NATS protocol parser (issue #7): any bytes, in two fragments, must parse to
// messages or a NATSProtocolError — never crash, hang or trap. Built and run by Fuzz/run.sh.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    var parser = NATSParser(maximumPayload: 4_096)
    do {
        _ = try parser.feed(bytes[..<cut])
        _ = try parser.feed(bytes[cut...])
    } catch {
        // A protocol error is a correct answer to garbage.
    }
    return 0
}
