import Foundation

/// A nats-server of the test's own on a free port (Debian's `nats-server`, installed by .ci/run), so tests
/// can stop and restart it and give it an authorization config.
public final class NATSServerProcess: @unchecked Sendable {
    public static let binary = ["/usr/sbin/nats-server", "/usr/bin/nats-server"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// The client port: below the kernel's ephemeral range, so the many outgoing connections other tests
    /// open cannot take it while the server is stopped and restarted.
    public private(set) var port: Int
    let configPath: String?
    /// Where nats-server writes `nats-server_<pid>.ports` once it listens: the sign that *this* server,
    /// not some other process, owns the port.
    private let portsDirectory: String
    private var pid: pid_t = 0

    /// Throws ``TestRequirement/Missing`` where nats-server is not installed (tests that need it carry
    /// `.requires(.natsServer)`, so this happens only in CI, where it must fail the test).
    public init(config: String? = nil) async throws {
        try TestRequirement.natsServer.require()
        let directory = temporaryURL("nats")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        portsDirectory = directory.path
        if let config {
            let path = directory.appendingPathComponent("server.conf").path
            try config.write(toFile: path, atomically: true, encoding: .utf8)
            configPath = path
        } else {
            configPath = nil
        }
        port = Self.unusedListeningPort()
        // A port another test process picked at the same moment makes the server exit: pick another one.
        for attempt in 1...5 {
            do {
                try await start()
                return
            } catch is ServerDidNotStart where attempt < 5 {
                port = Self.unusedListeningPort()
            }
        }
    }

    public var url: String { "nats://127.0.0.1:\(port)" }

    /// Why `start()` failed: the server exited (its port was taken?) or did not listen within 10 s, with the
    /// last lines of its log.
    public struct ServerDidNotStart: Error, CustomStringConvertible {
        public let port: Int
        public let exited: Bool
        public let log: String
        public var description: String {
            (exited
                ? "nats-server exited at start on port \(port)"
                : "nats-server did not listen on port \(port) within 10 s")
                + "; its log ends: \(log)"
        }
    }

    /// The server's log (`-l`), kept beside its ports file.
    private var logPath: String { "\(portsDirectory)/server.log" }

    private func failure(exited: Bool) -> ServerDidNotStart {
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "(no log)"
        return ServerDidNotStart(
            port: port,
            exited: exited,
            log: log.split(separator: "\n").suffix(3).joined(separator: " | ")
        )
    }

    /// Starts (or restarts) the server on `port` and returns once it listens there. Waits with
    /// `Task.sleep`, never blocking one of the two cooperative threads the other tests share.
    public func start() async throws {
        guard let binary = Self.binary else { throw TestRequirement.Missing(requirement: .natsServer) }
        var words = [binary, "-a", "127.0.0.1", "-p", String(port), "--ports_file_dir", portsDirectory, "-l", logPath]
        if let configPath { words += ["-c", configPath] }
        pid = try spawn(words, quiet: true)
        let portsFile = "\(portsDirectory)/nats-server_\(pid).ports"
        for _ in 0..<500 {
            if FileManager.default.fileExists(atPath: portsFile) { return }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                pid = 0
                throw failure(exited: true)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        stop()
        throw failure(exited: false)
    }

    public func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGKILL)
        _ = waitForExit(pid)
        try? FileManager.default.removeItem(atPath: "\(portsDirectory)/nats-server_\(pid).ports")
        pid = 0
    }

    /// Stops the server process (SIGSTOP): its sockets stay open but it answers nothing, as a partitioned or
    /// hung server would.
    public func pause() { if pid > 0 { kill(pid, SIGSTOP) } }

    /// Puts the server in lame-duck mode (`nats-server --signal ldm=PID`): it tells its clients to move, then
    /// shuts down after its grace period.
    public func enterLameDuckMode() throws {
        guard let binary = Self.binary, pid > 0 else { return }
        _ = waitForExit(try spawn([binary, "--signal", "ldm=\(pid)"], quiet: true))
    }

    /// Whether the server process is running.
    public var isRunning: Bool { pid > 0 && kill(pid, 0) == 0 }

    /// Lets a paused server go on (SIGCONT).
    public func resume() { if pid > 0 { kill(pid, SIGCONT) } }

    deinit {
        resume()
        stop()
        try? FileManager.default.removeItem(atPath: portsDirectory)
    }

    /// A port nothing listens on (nor connects from, being below the ephemeral range), for a server.
    public static func unusedListeningPort() -> Int {
        while true {
            let candidate = Int.random(in: 20_000..<32_000)
            if binds(candidate) { return candidate }
        }
    }

    /// A port nothing listens on right now, for a test that needs an address where no server answers.
    public static func freePort() -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        defer { close(socket) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func binds(_ port: Int) -> Bool {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        defer { close(socket) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            } == 0
        }
    }

    public static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
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

/// Waits for `pid` to end and returns its exit status, or 128 + the signal's number when a signal killed it
/// (as a shell reports it), so a crash never reads as a clean exit.
public func waitForExit(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let signal = status & 0x7F
    return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
}

/// Runs blocking work (processes, sleeps, pipe reads) on a thread of its own, never on the two cooperative
/// threads: blocking one of those stalls every other test running meanwhile.
public func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}
