import Foundation
import Logging
import MemtopTestSupport
import PatinoxMemory
import PatinoxPostgres
import PostgresNIO
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Every suite that talks to the test PostgreSQL, one at a time: the outage suite stops the server and the
/// others terminate backends, which would hit each other's connections.
@Suite(
    "PostgreSQL (real server)",
    .serialized,
    .enabled(if: PostgresServer.mustRun, "set POSTGRES_PORT and POSTGRES_DIR (bash .ci/run starts PostgreSQL)")
)
enum PostgresSuites {}

/// The test PostgreSQL: `POSTGRES_PORT` on 127.0.0.1, user and database `memtop`, trust auth, its cluster in
/// `POSTGRES_DIR` (so the outage tests can stop and start it with Scripts/postgres.sh). `.ci/run` starts it;
/// outside CI, without it, the suites skip and say why.
enum PostgresServer {
    static let host = "127.0.0.1"
    static var port: Int? { ProcessInfo.processInfo.environment["POSTGRES_PORT"].flatMap(Int.init) }
    static var directory: String? { ProcessInfo.processInfo.environment["POSTGRES_DIR"] }
    /// In CI the server must be there: the tests run (and fail loudly) instead of being skipped.
    static var mustRun: Bool { port != nil || isContinuousIntegration }
    static let logger = Logger(label: "memtop.tests.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    static func configuration(user: String = "memtop") throws -> PostgresConnection.Configuration {
        guard let port else {
            throw PatinoxError.invalidInput(
                .other,
                name: "POSTGRES_PORT",
                operation: "test",
                message: "POSTGRES_PORT is not set",
                hint: "start PostgreSQL with Scripts/postgres.sh (bash .ci/run does)"
            )
        }
        return .init(host: host, port: port, username: user, password: nil, database: "memtop", tls: .disable)
    }

    static func factory(user: String = "memtop") throws -> PostgresConnectionFactory {
        try PostgresConnectionFactory(configuration: configuration(user: user), logger: logger)
    }

    /// A connection outside any pool, for what the tests do to the server (terminate backends, count sessions).
    static func admin() async throws -> PostgresConnection {
        try await PostgresConnection.connect(configuration: configuration(), id: 0, logger: logger)
    }

    /// Runs `Scripts/postgres.sh ACTION POSTGRES_DIR` (stop, start, restart), waiting for it.
    static func control(_ action: String) throws {
        guard let directory, let port else {
            throw PatinoxError.invalidInput(
                .other,
                name: "POSTGRES_DIR",
                operation: "test",
                message: "POSTGRES_DIR or POSTGRES_PORT is not set",
                hint: "bash .ci/run sets both"
            )
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../Scripts/postgres.sh"
        ).standardized.path
        // system(3), not Foundation's Process: `start` leaves the server running in the background with the
        // script's descriptors, and Process.waitUntilExit() then never returned.
        let status = system("/bin/bash '\(script)' \(action) '\(directory)' \(port) > /dev/null")
        guard status == 0 else {
            throw PatinoxError.invalidInput(
                .other,
                name: script,
                operation: action,
                message: "exited with status \(status)",
                hint: "see \(directory)/server.log"
            )
        }
    }
}
