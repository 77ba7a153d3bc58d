import Foundation
import NIOConcurrencyHelpers

/// A fake server on loopback that accepts one connection, sends `greeting` (a made-up INFO line, or nothing),
/// and keeps every byte the client sends until it hangs up or `seconds` pass: what crossed the wire, for tests
/// that check a client sent nothing in clear.
public final class RecordingListener: Sendable {
    /// The port it listens on.
    public let port: Int
    private let received = NIOLockedValueBox<(bytes: [UInt8], done: Bool)>(([], false))

    /// Listens on a free loopback port and serves one connection on a thread of its own.
    public init(greeting: String, seconds: Double = 3) throws {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.EMFILE) }
        var address = NATSServerProcess.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        guard bound == 0, listen(socket, 4) == 0 else {
            close(socket)
            throw POSIXError(.EADDRINUSE)
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        let received = received
        Thread.detachNewThread {
            defer {
                close(socket)
                received.withLockedValue { $0.done = true }
            }
            let connection = accept(socket, nil, nil)
            guard connection >= 0 else { return }
            defer { close(connection) }
            var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int(seconds.truncatingRemainder(dividingBy: 1) * 1e6))
            setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let line = Array(greeting.utf8)
            _ = line.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { return }
                received.withLockedValue { $0.bytes += buffer[..<count] }
            }
        }
    }

    /// `nats://127.0.0.1:PORT`.
    public var url: String { "nats://127.0.0.1:\(port)" }

    /// What the client sent, once it hung up or the time ran out (waits for that, up to 10 s).
    public func bytes() async -> [UInt8] {
        for _ in 0..<1_000 where !received.withLockedValue({ $0.done }) {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return received.withLockedValue { $0.bytes }
    }
}
