import CLibFuzzer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs libFuzzer over `body` with this process's arguments (libFuzzer's flags and corpus folders) and
/// exits with its status: 0 when every input passed, non-zero after a crash, timeout or out-of-memory.
/// `body` gets each input's bytes; anything it does not trap on is a pass.
public func runFuzzer(_ body: @escaping ([UInt8]) -> Void) -> Never {
    FuzzerBody.current = body
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        // SAFETY: libFuzzer passes `size` readable bytes at `data` (a null `data` only with size 0).
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        FuzzerBody.current?(bytes)
        return 0
    }
    exit(status)
}

/// The body `runFuzzer` calls: a C callback cannot capture it.
private enum FuzzerBody {
    nonisolated(unsafe) static var current: (([UInt8]) -> Void)?
}

/// A 64-bit FNV-1a hash of `bytes`: what a fuzz target derives its choices from, so that an input alone
/// reproduces what it did.
public func fingerprint(_ bytes: some Sequence<UInt8>) -> UInt64 {
    bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
}
