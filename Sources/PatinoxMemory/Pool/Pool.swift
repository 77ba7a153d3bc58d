import Histogram
import Logging
import NIOConcurrencyHelpers
import Synchronization

/// A generic async connection pool.
///
/// - Acquire returns at once, without suspending or allocating, when a connection is idle; otherwise the
///   caller waits in strict FIFO order and a release hands the connection straight to the oldest waiter.
/// - Waiters fail after `acquireTimeout` (one timer for all of them) or when their task is cancelled.
/// - Connections are health-checked after idling, kept alive, retired by age, replaced when broken, and
///   re-created with jittered exponential backoff behind a circuit breaker when the backend is down.
/// - ``resize(minimum:maximum:)``, ``kill(_:)`` and ``faults`` steer it at runtime; ``status()`` shows it.
///
/// ```swift
/// let pool = try Pool(name: "db", configuration: configuration, factory: PostgresFactory())
/// let running = Task { try await pool.run() }  // or put the pool in a ServiceGroup
/// let rows = try await pool.withConnection { connection in try await connection.query("SELECT 1") }
/// await pool.shutdown(deadline: .seconds(5))  // run() returns once everything is closed
/// ```
///
/// All logic lives in a pure state machine (`PoolStateMachine`) behind one lock; this class only runs the
/// effects it asks for (connect, check, close, wake waiters) outside the lock, the slow ones as child tasks
/// of ``run()``: nothing of the pool outlives it.
public final class Pool<Factory: ConnectionFactory>: Sendable {
    /// The connection type of the factory.
    public typealias Connection = Factory.Connection
    @usableFromInline typealias Waiter = UnsafeContinuation<PoolLease<Connection>, any Error>
    @usableFromInline typealias Machine = PoolStateMachine<Connection, Waiter>

    @usableFromInline
    struct State: Sendable {
        @usableFromInline var machine: Machine
        @usableFromInline var faults = PoolFaults.none
        var latency = Histogram<UInt64>(
            highestTrackableValue: 3_600_000_000_000,
            numberOfSignificantValueDigits: .three
        )
        /// Acquires served at once, recorded into `latency` as zero when a status is taken.
        @usableFromInline var immediateAcquires: UInt64 = 0
        /// Work for `run()`'s task group, in the order the machine asked for it.
        var work: [Work] = []
        var runner = Runner.idle
        /// The machine's `shutdownComplete` has been performed: every action before it (the last closes) is
        /// queued in `work`, so `run()` may end once the queue is empty. The machine's phase alone is not
        /// enough: it turns `closed` under the lock, and the closes are queued just after it is released.
        var shutdownDelivered = false
        /// Said once: an acquire waits while nothing runs the pool.
        var warnedNotRunning = false
        /// What ends each hold of ``Pool/holdLeases(_:for:)`` early.
        var heldLeaseReleases: [WakeSignal] = []
        /// The cancel signal of each connection attempt in flight.
        var createCancels: [ConnectionID: WakeSignal] = [:]
        /// Tasks waiting in `shutdown(deadline:)` or a second `run()` for `run()` to end.
        var shutdownWaiters: [CheckedContinuation<Void, Never>] = []
        var armedWakeup = MonotonicInstant.distantFuture
        var nextSampleAt = MonotonicInstant.zero
    }

    /// The name given at creation; it appears in errors, events and metrics.
    public let name: String
    @usableFromInline let state: NIOLockedValueBox<State>
    @usableFromInline let factory: Factory
    let clock: any MonotonicClock
    let monitor: any Monitor
    let logger: Logger
    let requestIDs = Atomic<UInt64>(0)
    /// Wakes `run()`'s loop when work is queued or the pool has closed.
    let workArrived = WakeSignal()
    /// Cuts the housekeeping sleep short when the machine needs to wake earlier.
    let housekeepingWake = WakeSignal()
    var component: ComponentID { ComponentID(kind: .pool, name: name) }

    /// Creates a pool; its initial connections open once ``run()`` runs (in a task of its own or a
    /// `ServiceGroup`).
    ///
    /// - Parameters:
    ///   - name: appears in errors, events and metrics.
    ///   - configuration: validated first; an inconsistent one throws ``PatinoxError/Code/invalidConfiguration``
    ///     naming the field to fix.
    ///   - factory: opens, checks and closes connections.
    ///   - clock: the time source (``ManualClock`` in tests).
    ///   - monitor: where events and samples go (``MetricsMonitor`` for swift-metrics).
    ///   - logger: where the diagnostics an operator needs go — failed connection attempts, the breaker, leaks,
    ///     shutdown — with the pool's name as metadata. Silent by default.
    ///   - seed: seeds the jitter of backoff and lifetimes.
    public init(
        name: String,
        configuration: PoolConfiguration = PoolConfiguration(),
        factory: Factory,
        clock: any MonotonicClock = SystemClock(),
        monitor: any Monitor = NoopMonitor(),
        logger: Logger = .disabled,
        seed: UInt64 = UInt64.random(in: 0...UInt64.max)
    ) throws(PatinoxError) {
        try configuration.validate(poolName: name)
        self.name = name
        self.factory = factory
        self.clock = clock
        self.monitor = monitor
        self.logger = logger
        var machine = Machine(name: name, configuration: configuration, now: clock.now(), seed: seed)
        let actions = machine.start()
        state = NIOLockedValueBox(State(machine: machine))
        perform(actions)
    }

    // MARK: - Leasing

    /// Leases a connection: at once when one is idle, otherwise after waiting in FIFO order.
    ///
    /// The lease remembers `file`, `line` and the task's name, for the lease inspector (``PoolStatus/leases``) and
    /// the leak warning; leave them to their defaults (the caller's location), or pass your caller's when you wrap
    /// the pool.
    ///
    /// Throws ``PatinoxError`` with `.acquireTimeout`, `.poolClosed`, `.circuitOpen` or `.cancelled`.
    @inlinable
    public func acquire(file: StaticString = #fileID, line: UInt = #line) async throws -> PoolLease<Connection> {
        let site = LeaseSite.here(file: file, line: line)
        while true {
            let lease = try await acquireUnchecked(site: site)
            guard lease.needsValidation else { return lease }
            if await healthCheck(lease.connection) { return lease }
            perform(state.withLockedValue { $0.machine.validationFailed(lease.id) })
        }
    }

    /// Leases an idle connection that needs no health check, or returns `nil` at once. `file` and `line` are
    /// remembered as by ``acquire(file:line:)``.
    @inlinable
    public func tryAcquire(file: StaticString = #fileID, line: UInt = #line) -> PoolLease<Connection>? {
        let site = LeaseSite.here(file: file, line: line)
        return state.withLockedValue { state in
            guard state.faults.acquireLatency == .zero, let lease = state.machine.leaseIdle(site: site) else {
                return nil
            }
            state.immediateAcquires &+= 1
            return lease
        }
    }

    /// Gives a lease back. With `discard: true` the connection is closed and replaced (use it when the
    /// connection is broken). Releasing the same lease twice is ignored.
    @inlinable
    public func release(_ lease: PoolLease<Connection>, discard: Bool = false) {
        switch state.withLockedValue({ $0.machine.release(lease.id, discard: discard) }) {
        case .parked:
            return
        case .handOff(let waiter, let lease, let since):
            recordLatency(since: since)
            waiter.resume(returning: lease)
        case .actions(let actions):
            perform(actions)
        }
    }

    /// Leases a connection for the duration of `body` and always gives it back, also when `body` throws
    /// or the task is cancelled. When `body` throws and the factory's
    /// ``ConnectionFactory/shouldDiscard(_:after:)`` says the connection is broken, it is replaced. `file` and
    /// `line` are remembered as by ``acquire(file:line:)``.
    @inlinable
    public func withConnection<Result>(
        isolation: isolated (any Actor)? = #isolation,
        file: StaticString = #fileID,
        line: UInt = #line,
        _ body: (Connection) async throws -> Result
    ) async throws -> Result {
        let lease = try await acquire(file: file, line: line)
        do {
            let result = try await body(lease.connection)
            release(lease)
            return result
        } catch {
            release(lease, discard: factory.shouldDiscard(lease.connection, after: error))
            throw error
        }
    }

    @inlinable
    func acquireUnchecked(site: LeaseSite) async throws -> PoolLease<Connection> {
        let lease = state.withLockedValue { state -> PoolLease<Connection>? in
            guard state.faults.acquireLatency == .zero, let lease = state.machine.leaseIdle(site: site) else {
                return nil
            }
            state.immediateAcquires &+= 1
            return lease
        }
        if let lease { return lease }
        return try await acquireSlowly(site: site)
    }

    @usableFromInline
    func acquireSlowly(site: LeaseSite) async throws -> PoolLease<Connection> {
        let injected = state.withLockedValue { $0.faults.acquireLatency }
        if injected > .zero { try await clock.sleep(until: clock.now() + injected) }
        let requestID = requestIDs.wrappingAdd(1, ordering: .relaxed).newValue
        let start = clock.now()
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (waiter: Waiter) in
                let (result, warn) = state.withLockedValue { state -> (Machine.AcquireResult, Bool) in
                    if Task.isCancelled { return (.failed(.cancelled(pool: name)), false) }
                    let warn = state.runner == .idle && !state.warnedNotRunning
                    if warn { state.warnedNotRunning = true }
                    return (state.machine.acquire(requestID: requestID, waiter: waiter, site: site, now: start), warn)
                }
                if warn { warnNotRunning() }
                switch result {
                case .leased(let lease):
                    recordLatency(since: start)
                    waiter.resume(returning: lease)
                case .failed(let error, let actions):
                    waiter.resume(throwing: error)
                    perform(actions)
                case .queued(let actions):
                    perform(actions)
                }
            }
        } onCancel: {
            if let waiter = state.withLockedValue({ $0.machine.cancel(requestID: requestID) }) {
                waiter.resume(throwing: PatinoxError.cancelled(pool: name))
            }
        }
    }

    // MARK: - Steering

    /// Changes the pool's size at runtime. Growing opens connections at once; shrinking closes idle
    /// connections now and leased ones as they come back. Invalid values throw and change nothing.
    public func resize(minimum: Int, maximum: Int) throws(PatinoxError) {
        let result = state.withLockedValue { state in
            Result { () throws(PatinoxError) in try state.machine.resize(minimum: minimum, maximum: maximum) }
        }
        perform(try result.get())
    }

    /// Closes `count` connections as a dying backend would (idle first, then leased); returns how many.
    @discardableResult
    public func kill(_ count: Int) -> Int {
        let actions = state.withLockedValue { $0.machine.kill(count: max(count, 0)) }
        perform(actions)
        for case .event(.killed(let killed)) in actions { return killed }
        return 0
    }

    /// The faults the pool simulates; set them to chaos-test the code that uses it.
    public var faults: PoolFaults {
        get { state.withLockedValue { $0.faults } }
        set { state.withLockedValue { $0.faults = newValue } }
    }

    /// A snapshot of sizes, counters, acquire-latency percentiles and who holds the connections
    /// (``PoolStatus/leases``).
    public func status() -> PoolStatus { status(includingLeases: true) }

    /// The status; without the lease report for the once-a-second monitor sample, which reads none of it.
    func status(includingLeases: Bool) -> PoolStatus {
        state.withLockedValue { state in
            if state.immediateAcquires > 0 {
                state.latency.record(0, count: state.immediateAcquires)
                state.immediateAcquires = 0
            }
            return state.machine.status(
                acquireLatency: LatencySummary(state.latency),
                now: clock.now(),
                includingLeases: includingLeases
            )
        }
    }

    /// Zeroes the counters and the latency histogram (sizes and connections are untouched).
    public func resetStatistics() {
        state.withLockedValue { state in
            state.machine.counters = PoolCounters()
            state.latency.reset()
            state.immediateAcquires = 0
        }
    }

    @usableFromInline
    func warnNotRunning() {
        logger.warning(
            "an acquire waits, but nothing runs the pool: call run() (in a task or a ServiceGroup) to open connections",
            metadata: ["pool": "\(name)"]
        )
    }

    @usableFromInline
    func recordLatency(since start: MonotonicInstant) {
        let waited = clock.now() - start
        state.withLockedValue { _ = $0.latency.record(waited.nanosecondsClamped) }
    }
}

extension LatencySummary {
    init(_ histogram: Histogram<UInt64>) {
        self.init()
        count = histogram.totalCount
        guard count > 0 else { return }
        func at(_ percentile: Double) -> Duration {
            .nanoseconds(Int64(clamping: histogram.valueAtPercentile(percentile)))
        }
        p50 = at(50)
        p90 = at(90)
        p99 = at(99)
        p999 = at(99.9)
        max = .nanoseconds(Int64(clamping: histogram.max))
    }
}
