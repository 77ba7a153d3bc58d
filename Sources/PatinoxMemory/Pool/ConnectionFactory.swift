/// Opens, checks and closes the connections a ``Pool`` manages. Implement it for any connection type.
///
/// ```swift
/// struct RedisFactory: ConnectionFactory {
///     func makeConnection() async throws -> RedisConnection { try await RedisConnection.connect(to: address) }
///     func validate(_ connection: RedisConnection) async -> Bool { (try? await connection.ping()) == "PONG" }
///     func close(_ connection: RedisConnection) async { try? await connection.close() }
/// }
/// ```
public protocol ConnectionFactory: Sendable {
    /// The connection type the factory makes and the pool lends.
    associatedtype Connection: Sendable

    /// Opens a new connection. Throw to report failure; the pool backs off and retries.
    /// The pool cancels the task when the attempt exceeds `createTimeout`.
    func makeConnection() async throws -> Connection

    /// A health check: `true` when the connection can be used. Called on acquire after the
    /// `validateAfterIdle` window and in the background every `keepaliveInterval`.
    func validate(_ connection: Connection) async -> Bool

    /// Closes a connection the pool no longer wants. Must not throw; log failures instead.
    func close(_ connection: Connection) async

    /// Whether a connection is broken after `error` escaped a ``Pool/withConnection(isolation:file:line:_:)`` body
    /// (for example an I/O error rather than a query error). Broken connections are closed and replaced.
    /// The default keeps the connection.
    func shouldDiscard(_ connection: Connection, after error: any Error) -> Bool
}

extension ConnectionFactory {
    public func shouldDiscard(_ connection: Connection, after error: any Error) -> Bool { false }
}

/// Faults a ``Pool`` can be told to simulate, for chaos testing from the engine or the keyboard.
public struct PoolFaults: Sendable, Hashable {
    /// Every health check reports the connection broken.
    public var failHealthChecks = false
    /// Every connection attempt fails.
    public var failCreates = false
    /// Added to every acquire before it looks for a connection.
    public var acquireLatency: Duration = .zero
    /// Added to every connection attempt.
    public var createLatency: Duration = .zero

    /// Faults to inject; every one is off by default.
    public init(
        failHealthChecks: Bool = false,
        failCreates: Bool = false,
        acquireLatency: Duration = .zero,
        createLatency: Duration = .zero
    ) {
        self.failHealthChecks = failHealthChecks
        self.failCreates = failCreates
        self.acquireLatency = acquireLatency
        self.createLatency = createLatency
    }

    /// No faults.
    public static let none = PoolFaults()
}
