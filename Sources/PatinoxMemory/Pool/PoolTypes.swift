/// A leased connection. Give it back with ``Pool/release(_:discard:)``, or use ``Pool/withConnection(_:)``.
public struct PoolLease<Connection: Sendable>: Sendable {
    /// The connection, yours until you release the lease.
    public let connection: Connection
    /// Which lease this is; releasing a stale lease is ignored.
    public let id: ConnectionID
    /// The connection was idle longer than `validateAfterIdle` and must be health-checked before use.
    @usableFromInline let needsValidation: Bool

    @inlinable
    init(connection: Connection, id: ConnectionID, needsValidation: Bool) {
        self.connection = connection
        self.id = id
        self.needsValidation = needsValidation
    }
}

/// Why the pool closed a connection.
public enum CloseReason: String, Sendable, Hashable, CaseIterable {
    case idleTimeout = "idle-timeout"
    case lifetimeExpired = "lifetime-expired"
    case validationFailed = "validation-failed"
    case discarded
    case shrink
    case shutdown
    case forcedShutdown = "forced-shutdown"
    case killed
    case abandonedCreate = "abandoned-create"
}

/// Something notable that happened in a pool, reported to its ``Monitor``.
public enum PoolEvent: Sendable, Equatable {
    case connectionCreated
    case createFailed(PatinoxError)
    case connectionClosed(CloseReason)
    case validationFailed
    case acquireTimedOut
    case leakDetected(ConnectionID, heldFor: Duration)
    case circuitOpened(failures: Int)
    case circuitClosed
    case resized(minimum: Int, maximum: Int)
    case shutdownStarted
    case shutdownFinished(forceClosed: Int)
    case killed(count: Int)
}

/// Running totals of what a pool has done.
public struct PoolCounters: Sendable, Hashable, Codable {
    public var acquired = 0
    public var timedOut = 0
    public var cancelled = 0
    public var created = 0
    public var createFailures = 0
    public var validationFailures = 0
    /// Connections closed because they were broken (failed check, discarded, killed) and so replaced.
    public var replaced = 0
    public var leaks = 0
    public var closed = 0
    /// Releases of a lease that was no longer current (double release, or after kill/force close).
    public var staleReleases = 0
    public init() {}
}

/// Where a pool is in its life.
public enum PoolPhase: String, Sendable, Hashable, Codable {
    case running
    case shuttingDown = "shutting-down"
    case closed
}

/// A point-in-time view of a pool, for status pages, the engine and tests.
public struct PoolStatus: Sendable, Hashable, Codable {
    public var name: String
    public var phase: PoolPhase
    /// Connections open or being opened (idle + leased + creating + checking).
    public var total: Int
    public var idle: Int
    public var leased: Int
    public var creating: Int
    /// Idle connections being health-checked in the background.
    public var checking: Int
    public var waiters: Int
    public var minimum: Int
    public var maximum: Int
    public var circuitOpen: Bool
    public var consecutiveCreateFailures: Int
    public var counters: PoolCounters
    /// Acquire latency (time from call to lease) percentiles, from an HdrHistogram.
    public var acquireLatency: LatencySummary
}

/// Latency percentiles.
public struct LatencySummary: Sendable, Hashable, Codable {
    public var count: UInt64 = 0
    public var p50: Duration = .zero
    public var p90: Duration = .zero
    public var p99: Duration = .zero
    public var p999: Duration = .zero
    public var max: Duration = .zero
    public init() {}
}

extension LatencySummary {
    private enum CodingKeys: String, CodingKey { case count, p50, p90, p99, p999, max }

    /// Encoded as whole nanoseconds (compact, and readable by any JSON consumer).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(count, forKey: .count)
        try container.encode(p50.nanosecondsClamped, forKey: .p50)
        try container.encode(p90.nanosecondsClamped, forKey: .p90)
        try container.encode(p99.nanosecondsClamped, forKey: .p99)
        try container.encode(p999.nanosecondsClamped, forKey: .p999)
        try container.encode(max.nanosecondsClamped, forKey: .max)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        func read(_ key: CodingKeys) throws -> Duration {
            .nanoseconds(Int64(clamping: try container.decode(UInt64.self, forKey: key)))
        }
        count = try container.decode(UInt64.self, forKey: .count)
        p50 = try read(.p50)
        p90 = try read(.p90)
        p99 = try read(.p99)
        p999 = try read(.p999)
        max = try read(.max)
    }
}
