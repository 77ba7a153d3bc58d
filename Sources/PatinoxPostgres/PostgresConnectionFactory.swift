import Logging
import NIOCore
import NIOPosix
import PatinoxMemory
import PostgresNIO
import Synchronization

/// Opens, checks and closes PostgreSQL connections for a ``PatinoxMemory/Pool``: `Pool<PostgresConnectionFactory>`
/// lends postgres-nio `PostgresConnection`s.
///
/// ```swift
/// let factory = PostgresConnectionFactory(
///     configuration: .init(host: "127.0.0.1", port: 5432, username: "app", password: "secret",
///                          database: "shop", tls: .disable))
/// var configuration = PoolConfiguration()
/// configuration.maximumConnections = 20
/// let pool = try Pool(name: "db", configuration: configuration, factory: factory)
/// // run the pool (pool.run() in a ServiceGroup, or pool.running()), then:
/// let count = try await pool.withConnection { connection in
///     try await connection.query("SELECT count(*) FROM orders", logger: logger).collect().count
/// }
/// ```
///
/// The health check is one round trip, `SELECT 1`, bounded by the pool's `validationTimeout`. A connection is
/// discarded after an error when it is closed or the error says the server or the link went away (SQLSTATE
/// classes 08 and 57, a closed or broken connection); a query's own error (a syntax error, a violated
/// constraint) keeps it. Connection failures come out as ``PatinoxMemory/PatinoxError``s with the server's
/// SQLSTATE and message in the cause chain (``PostgresServerError``).
public struct PostgresConnectionFactory: ConnectionFactory {
    /// Where and how to connect: host, port, user, password, database and TLS, as postgres-nio takes them.
    public var configuration: PostgresConnection.Configuration
    /// The event loops the connections run on.
    public var eventLoopGroup: any EventLoopGroup
    /// Where postgres-nio logs a connection's background events (and the health check its query).
    public var logger: Logger
    private let ids = ConnectionIDs()

    /// A factory connecting with `configuration` on `eventLoopGroup` (NIO's shared one by default).
    public init(
        configuration: PostgresConnection.Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "memtop.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// The server's address as errors name it (`postgresql://user@host:port/database`, never the password).
    public var address: String {
        let place =
            configuration.unixSocketPath
            ?? "\(configuration.host ?? "?"):\(configuration.port.map(String.init) ?? "?")"
        return "postgresql://\(configuration.username)@\(place)/\(configuration.database ?? configuration.username)"
    }

    public func makeConnection() async throws -> PostgresConnection {
        do {
            return try await PostgresConnection.connect(
                on: eventLoopGroup.next(),
                configuration: configuration,
                id: ids.next(),
                logger: logger
            )
        } catch {
            throw PatinoxError.postgres(error, component: .other, name: address, operation: "connect")
        }
    }

    public func validate(_ connection: PostgresConnection) async -> Bool {
        guard !connection.isClosed else { return false }
        do {
            _ = try await connection.query("SELECT 1", logger: logger).collect()
            return true
        } catch {
            return false
        }
    }

    public func close(_ connection: PostgresConnection) async {
        guard !connection.isClosed else { return }
        do {
            try await connection.close()
        } catch {
            logger.debug("closing a PostgreSQL connection failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    public func shouldDiscard(_ connection: PostgresConnection, after error: any Error) -> Bool {
        connection.isClosed || Self.meansBrokenConnection(error)
    }

    /// Whether `error` (postgres-nio's, or a ``PatinoxMemory/PatinoxError`` made of one) says the connection it
    /// came on cannot be used again.
    public static func meansBrokenConnection(_ error: any Error) -> Bool {
        if let error = error as? PatinoxError {
            if let server = error.causeChain.lazy.compactMap({ $0 as? PostgresServerError }).first {
                return server.isConnectionLost
            }
            return error.causeChain.lazy.compactMap { $0 as? PSQLError }.first.map(meansBrokenConnection) ?? false
        }
        guard let error = error as? PSQLError else { return false }
        if let server = PostgresServerError(error) { return server.isConnectionLost }
        switch error.code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown,
            .messageDecodingFailure, .unexpectedBackendMessage:
            return true
        default:
            return false
        }
    }
}

extension PostgresServerError {
    /// Whether the server ended the session: a connection exception (class 08) or operator intervention
    /// (class 57: terminated, shut down, restarting) but a cancelled statement (57014), which keeps the session.
    public var isConnectionLost: Bool {
        sqlStateClass == "08" || (sqlStateClass == "57" && sqlState != "57014") || severity == "FATAL"
            || severity == "PANIC"
    }
}

/// Connection ids for postgres-nio's log metadata, unique per factory.
private final class ConnectionIDs: Sendable {
    private let last = Atomic<Int>(0)
    func next() -> Int { last.wrappingAdd(1, ordering: .relaxed).newValue }
}
