/// How a ``Pool`` sizes, checks, retires and recovers its connections.
///
/// Every field has a production-sensible default; ``validate(poolName:operation:)`` rejects inconsistent values
/// with a ``PatinoxError`` naming the field and the fix.
///
/// ```swift
/// var configuration = PoolConfiguration()
/// configuration.minimumConnections = 2
/// configuration.maximumConnections = 20
/// configuration.acquireTimeout = .seconds(2)
/// configuration.leakThreshold = .seconds(30)
/// ```
public struct PoolConfiguration: Sendable, Hashable {
    /// The largest maximum any pool accepts.
    public static let hardLimit = 100_000

    /// Connections kept open even when idle (idle timeout never closes below this).
    public var minimumConnections: Int = 0
    /// Connections open at most, leased and idle together.
    public var maximumConnections: Int = 10
    /// Connections opened at start; between minimum and maximum.
    public var initialConnections: Int = 0
    /// How long `acquire` waits before failing with ``PatinoxError/Code/acquireTimeout``.
    public var acquireTimeout: Duration = .seconds(30)
    /// An idle connection is health-checked on acquire only when it has been idle at least this long
    /// (measured at housekeeping granularity); `.zero` checks on every acquire, `nil` never.
    public var validateAfterIdle: Duration? = .milliseconds(500)
    /// A health check that has not answered after this long counts as failed and the connection is replaced,
    /// so a check that hangs (a half-open TCP connection, a driver that never fails its pending reply) cannot
    /// hang the `acquire` that asked for it or keep a connection in checking for ever.
    public var validationTimeout: Duration = .seconds(5)
    /// Idle connections are health-checked in the background this often; `nil` disables keepalive.
    public var keepaliveInterval: Duration? = nil
    /// Idle connections above the minimum are closed after being idle this long; `nil` keeps them.
    public var idleTimeout: Duration? = .seconds(600)
    /// Connections are retired after this age (minus jitter); `nil` keeps them forever.
    public var maxLifetime: Duration? = .seconds(1800)
    /// Fraction of `maxLifetime` taken off at random per connection, so they do not all expire together.
    public var lifetimeJitter: Double = 0.1
    /// A connection attempt that takes longer than this counts as failed.
    public var createTimeout: Duration = .seconds(10)
    /// Connection attempts in flight at once.
    public var maxConcurrentCreates: Int = 2
    /// Delays between failed connection attempts.
    public var backoff: Backoff = Backoff()
    /// Consecutive create failures that open the circuit breaker (acquire then fails fast);
    /// `nil` never opens it.
    public var circuitBreakerThreshold: Int? = 5
    /// A lease held longer than this is reported as a leak (event + metric); `nil` disables it.
    public var leakThreshold: Duration? = nil
    /// How often the pool checks idle, expired and leaked connections.
    public var housekeepingInterval: Duration = .milliseconds(250)
    /// How long leases may finish when the pool runs as a service (``Pool/run()``) and the service group
    /// shuts down: then whatever is still leased is closed by force.
    public var shutdownDeadline: Duration = .seconds(30)

    public init() {}

    /// Exponential backoff with jitter: attempt *n* waits `initial × multiplier^(n-1)`, at most `maximum`,
    /// varied by ± `jitter` (a fraction).
    public struct Backoff: Sendable, Hashable {
        /// The delay after the first failure.
        public var initial: Duration = .milliseconds(100)
        /// How much each further failure multiplies the delay by.
        public var multiplier: Double = 1.25
        /// The longest delay.
        public var maximum: Duration = .seconds(10)
        /// The random share (0…1) added to or taken from each delay, so pools do not retry in step.
        public var jitter: Double = 0.2
        public init() {}

        /// The delay after `failures` consecutive failures, before jitter.
        public func delay(afterFailures failures: Int) -> Duration {
            let exponent = Double(max(failures - 1, 0))
            let raw = Double(initial.nanosecondsClamped) * _pow(multiplier, exponent)
            return .nanoseconds(Int64(min(raw, Double(maximum.nanosecondsClamped))))
        }
    }

    /// Checks that the values fit together; throws a ``PatinoxError`` with
    /// ``PatinoxError/Code/invalidConfiguration`` naming what to change.
    public func validate(poolName: String, operation: String = "configure") throws(PatinoxError) {
        func reject(_ problem: String, _ hint: String) -> PatinoxError {
            .invalidConfiguration(component: .pool, name: poolName, operation: operation, problem: problem, hint: hint)
        }
        if maximumConnections < 1 {
            throw reject("maximum is \(maximumConnections)", "set maximumConnections to at least 1.")
        }
        if maximumConnections > Self.hardLimit {
            throw reject(
                "maximum \(maximumConnections) is above the hard limit \(Self.hardLimit)",
                "set maximumConnections to \(Self.hardLimit) or less."
            )
        }
        if minimumConnections < 0 || minimumConnections > maximumConnections {
            throw reject(
                "minimum \(minimumConnections) is outside 0...\(maximumConnections) (the maximum)",
                "set minimumConnections between 0 and maximumConnections."
            )
        }
        if initialConnections < 0 || initialConnections > maximumConnections {
            throw reject(
                "initial \(initialConnections) is outside 0...\(maximumConnections)",
                "set initialConnections between 0 and maximumConnections."
            )
        }
        if acquireTimeout <= .zero || createTimeout <= .zero || validationTimeout <= .zero
            || housekeepingInterval <= .zero || shutdownDeadline <= .zero
        {
            throw reject("a timeout or interval is zero or negative", "use positive durations.")
        }
        if maxConcurrentCreates < 1 {
            throw reject("maxConcurrentCreates is \(maxConcurrentCreates)", "allow at least 1 create at a time.")
        }
        if !(0...0.5).contains(lifetimeJitter) || !(0...1).contains(backoff.jitter) {
            throw reject("jitter out of range", "keep lifetimeJitter in 0...0.5 and backoff.jitter in 0...1.")
        }
        if backoff.multiplier < 1 || backoff.initial <= .zero || backoff.maximum < backoff.initial {
            throw reject("backoff does not grow", "use multiplier ≥ 1 and 0 < initial ≤ maximum.")
        }
        if let threshold = circuitBreakerThreshold, threshold < 1 {
            throw reject("circuitBreakerThreshold is \(threshold)", "use at least 1, or nil to disable the breaker.")
        }
    }
}

#if canImport(Glibc)
    import Glibc
    private func _pow(_ base: Double, _ exponent: Double) -> Double { Glibc.pow(base, exponent) }
#elseif canImport(Darwin)
    import Darwin
    private func _pow(_ base: Double, _ exponent: Double) -> Double { Darwin.pow(base, exponent) }
#endif
