import Foundation

/// A nats-server of the test's own on a free port (Debian's `nats-server`, installed by .ci/run), so tests
/// can stop and restart it and give it an authorization config.
public final class NATSServerProcess: @unchecked Sendable {
    public static let binary = ["/usr/sbin/nats-server", "/usr/bin/nats-server"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    public let port: Int
    let configPath: String?
    private var pid: pid_t = 0

    public init(config: String? = nil) throws {
        port = Self.freePort()
        if let config {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("nats-\(UUID()).conf").path
            try config.write(toFile: path, atomically: true, encoding: .utf8)
            configPath = path
        } else {
            configPath = nil
        }
        try start()
    }

    public var url: String { "nats://127.0.0.1:\(port)" }

    public func start() throws {
        guard let binary = Self.binary else { throw POSIXError(.ENOENT) }
        var words = [binary, "-a", "127.0.0.1", "-p", String(port)]
        if let configPath { words += ["-c", configPath] }
        pid = try spawn(words, quiet: true)
        // Ready when the port accepts connections.
        for _ in 0..<100 where !Self.accepts(port) { usleep(50_000) }
    }

    public func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGKILL)
        _ = waitForExit(pid)
        pid = 0
    }

    deinit {
        stop()
        if let configPath { try? FileManager.default.removeItem(atPath: configPath) }
    }

    static func accepts(_ port: Int) -> Bool {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            } == 0
        }
    }

    public static func freePort() -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Whether the NATS tests can run here; in CI they must (never skipped silently).
public func natsAvailable() -> Bool {
    if NATSServerProcess.binary != nil { return true }
    precondition(
        ProcessInfo.processInfo.environment["CI"] == nil,
        "nats-server is required in CI (.ci/run installs it)"
    )
    print("nats-server not installed: NATS tests skipped outside CI")
    return false
}

/// Starts `words[0]` with the arguments that follow (output discarded when `quiet`); returns its pid.
public func spawn(_ words: [String], quiet: Bool = false) throws -> pid_t {
    let argv: [UnsafeMutablePointer<CChar>?] = words.map { word in word.withCString { strdup($0) } } + [nil]
    defer { argv.forEach { free($0) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if quiet {
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, words[0], &actions, nil, argv, environ)
    guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO) }
    return pid
}

/// Waits for `pid` to exit and returns its exit status.
public func waitForExit(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return (status >> 8) & 0xFF
}

/// Polls `condition` every 20 ms for up to `seconds`; whether it came true.
public func eventually(_ seconds: Double = 5, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return true
}
