import MemtopTestSupport
import NIOCore
import NIOPosix
import PatinoxMemory

/// Pools Redis connections: health check is `PING` answered by `+PONG`.
struct RedisFactory: ConnectionFactory {
    let host: String
    let port: Int
    let group: any EventLoopGroup

    func makeConnection() async throws -> RedisConnection {
        try await RedisConnection.connect(host: host, port: port, group: group)
    }

    func validate(_ connection: RedisConnection) async -> Bool {
        guard connection.isActive else { return false }
        return (try? await connection.send("PING")) == .simple("PONG")
    }

    func close(_ connection: RedisConnection) async {
        await connection.close()
    }

    func shouldDiscard(_ connection: RedisConnection, after error: any Error) -> Bool {
        error is RedisConnectionClosed || !connection.isActive
    }
}

/// Where the test redis-server listens: `REDIS_PORT` (set by .ci/run) on 127.0.0.1.
enum RedisServer {
    static let host = "127.0.0.1"
    static var port: Int? {
        ProcessInfoLite.environment("REDIS_PORT").flatMap(Int.init)
    }
    /// In CI the server must be there: tests that need it run (and fail loudly) instead of being skipped.
    static var mustRun: Bool { port != nil || isContinuousIntegration }
}

#if canImport(Glibc)
    import Glibc
#endif

enum ProcessInfoLite {
    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
