/// A leased connection. Give it back with ``Pool/release(_:discard:)``, or use
/// ``Pool/withConnection(isolation:file:line:_:)``.
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
    /// Idle for longer than the idle timeout, above the minimum.
    case idleTimeout = "idle-timeout"
    /// Older than its (jittered) maximum lifetime.
    case lifetimeExpired = "lifetime-expired"
    /// The factory's health check rejected it.
    case validationFailed = "validation-failed"
    /// Its borrower released it with `discard: true`.
    case discarded
    /// The pool was resized below its count.
    case shrink
    /// The pool shut down and it was idle or returned.
    case shutdown
    /// The pool's shutdown deadline passed while it was leased.
    case forcedShutdown = "forced-shutdown"
    /// Closed by ``Pool/kill(_:)`` (fault injection).
    case killed
    /// Its creation outlived the create timeout; the connection is closed when it arrives.
    case abandonedCreate = "abandoned-create"
}

/// Something notable that happened in a pool, reported to its ``Monitor``.
public enum PoolEvent: Sendable, Equatable {
    /// A new connection was opened.
    case connectionCreated
    /// Opening a connection failed.
    case createFailed(PatinoxError)
    /// A connection was closed, for this reason.
    case connectionClosed(CloseReason)
    /// A health check rejected a connection.
    case validationFailed
    /// A caller waited past the acquire timeout.
    case acquireTimedOut
    /// A lease has been held past the leak threshold.
    case leakDetected(ConnectionID, heldFor: Duration)
    /// After this many failed creates in a row the pool fails fast.
    case circuitOpened(failures: Int)
    /// A create succeeded again; the pool accepts acquires.
    case circuitClosed
    /// The pool's bounds changed.
    case resized(minimum: Int, maximum: Int)
    /// Shutdown began: new acquires fail, leases may finish.
    case shutdownStarted
    /// Shutdown ended; `forceClosed` leases were closed at the deadline.
    case shutdownFinished(forceClosed: Int)
    /// ``Pool/kill(_:)`` closed this many connections.
    case killed(count: Int)
}

/// Running totals of what a pool has done.
public struct PoolCounters: Sendable, Hashable, Codable {
    /// Leases handed out.
    public var acquired = 0
    /// Acquires that failed with ``PatinoxError/Code/acquireTimeout``.
    public var timedOut = 0
    /// Acquires whose task was cancelled while waiting.
    public var cancelled = 0
    /// Connections opened.
    public var created = 0
    /// Connection attempts that failed.
    public var createFailures = 0
    /// Health checks that rejected a connection.
    public var validationFailures = 0
    /// Connections closed because they were broken (failed check, discarded, killed) and so replaced.
    public var replaced = 0
    /// Leases reported as held past the leak threshold.
    public var leaks = 0
    /// Connections closed, for any reason.
    public var closed = 0
    /// Releases of a lease that was no longer current (double release, or after kill/force close).
    public var staleReleases = 0
    /// Acquires that found no idle connection and waited in the queue (served, timed out or cancelled).
    public var waited = 0
    public init() {}

    private enum CodingKeys: String, CodingKey {
        case acquired, timedOut, cancelled, created, createFailures, validationFailures, replaced, leaks, closed
        case staleReleases, waited
    }

    /// Decodes the counters; `waited`, added later, is 0 when a snapshot from an older engine lacks it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        acquired = try container.decode(Int.self, forKey: .acquired)
        timedOut = try container.decode(Int.self, forKey: .timedOut)
        cancelled = try container.decode(Int.self, forKey: .cancelled)
        created = try container.decode(Int.self, forKey: .created)
        createFailures = try container.decode(Int.self, forKey: .createFailures)
        validationFailures = try container.decode(Int.self, forKey: .validationFailures)
        replaced = try container.decode(Int.self, forKey: .replaced)
        leaks = try container.decode(Int.self, forKey: .leaks)
        closed = try container.decode(Int.self, forKey: .closed)
        staleReleases = try container.decode(Int.self, forKey: .staleReleases)
        waited = try container.decodeIfPresent(Int.self, forKey: .waited) ?? 0
    }
}

/// Where a pool is in its life.
public enum PoolPhase: String, Sendable, Hashable, Codable {
    /// Lending connections.
    case running
    /// Refusing new acquires; waiting for leases to come back before the deadline.
    case shuttingDown = "shutting-down"
    /// Every connection closed; acquires fail with ``PatinoxError/Code/poolClosed``.
    case closed
}

/// A point-in-time view of a pool, for status pages, the engine and tests.
public struct PoolStatus: Sendable, Hashable, Codable {
    /// The pool's name (its engine and metrics label).
    public var name: String
    /// Running, shutting down or closed.
    public var phase: PoolPhase
    /// Connections open or being opened (idle + leased + creating + checking).
    public var total: Int
    /// Open connections waiting to be leased.
    public var idle: Int
    /// Connections lent out.
    public var leased: Int
    /// Connections being opened.
    public var creating: Int
    /// Idle connections being health-checked in the background.
    public var checking: Int
    /// Callers waiting for a connection.
    public var waiters: Int
    /// The fewest connections the pool keeps open.
    public var minimum: Int
    /// The most connections the pool opens.
    public var maximum: Int
    /// Whether creates failed often enough that acquires fail fast (probing continues).
    public var circuitOpen: Bool
    /// Failed creates since the last success.
    public var consecutiveCreateFailures: Int
    /// Running totals since creation or the last statistics reset.
    public var counters: PoolCounters
    /// Acquire latency (time from call to lease) percentiles, from an HdrHistogram.
    public var acquireLatency: LatencySummary
    /// Who holds the connections: the oldest leases and their sites, lease ages (nil from an older engine).
    public var leases: LeaseReport? = nil
}

/// Latency percentiles.
public struct LatencySummary: Sendable, Hashable, Codable {
    public var count: UInt64 = 0
    /// The median.
    public var p50: Duration = .zero
    /// The 90th percentile.
    public var p90: Duration = .zero
    /// The 99th percentile.
    public var p99: Duration = .zero
    /// The 99.9th percentile.
    public var p999: Duration = .zero
    /// The largest value recorded.
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
