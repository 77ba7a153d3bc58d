/// The whole logic of a ``Pool``, as a pure value: every method takes an event (with the current time
/// where it matters) and returns the effects the shell must run, as ``Action``s. No I/O, no clock,
/// no lock, so tests drive it on any timeline they like.
///
/// `Waiter` is whatever the shell needs to wake a waiting caller (a continuation); tests use plain values.
@usableFromInline
struct PoolStateMachine<Connection: Sendable, Waiter> {
    @usableFromInline
    enum Action {
        /// Wake `waiter` with `lease`; it started waiting at `since`.
        case lease(Waiter, PoolLease<Connection>, since: MonotonicInstant)
        /// Wake `waiter` with an error.
        case fail(Waiter, PatinoxError)
        /// Open a connection for the creating slot `id`, then report `connectionCreated` or `createFailed`.
        case create(ConnectionID)
        /// Give up on the connection attempt `id` (it timed out or is no longer wanted).
        case cancelCreate(ConnectionID)
        case close(Connection, CloseReason)
        /// Health-check an idle connection in the background, then report `checkFinished`.
        case check(ConnectionID, Connection)
        case event(PoolEvent)
        /// Shutdown is complete: every connection is closed.
        case shutdownComplete
    }

    enum AcquireResult {
        case leased(PoolLease<Connection>)
        /// The caller fails at once; run the actions (closes of expired connections found on the way).
        case failed(PatinoxError, [Action] = [])
        /// The caller now waits; run the actions (connection attempts) and suspend.
        case queued([Action])
    }

    let name: String
    private(set) var configuration: PoolConfiguration
    @usableFromInline var slots = ConnectionSlots<Connection>()
    @usableFromInline var waiters = WaiterQueue<Waiter>()
    @usableFromInline var counters = PoolCounters()
    @usableFromInline var phase = PoolPhase.running
    /// The latest time any event brought; the hot paths (lease, release) stamp with it instead of reading a clock.
    @usableFromInline var now: MonotonicInstant
    var nextScanAt: MonotonicInstant
    var rng: SplitMix64
    /// Whether connection attempts are failing, since when and how soon the next may start.
    var attempts = AttemptState.healthy
    /// `initialConnections` until that many are open once; then the minimum alone is kept.
    var startupTarget = 0
    // Cached nanosecond forms of the configuration for the hot path.
    @usableFromInline var validateAfterIdleNanos: UInt64

    init(name: String, configuration: PoolConfiguration, now: MonotonicInstant, seed: UInt64) {
        self.name = name
        self.configuration = configuration
        self.now = now
        self.nextScanAt = now + configuration.housekeepingInterval
        self.rng = SplitMix64(seed: seed)
        self.validateAfterIdleNanos = configuration.validateAfterIdle?.nanosecondsClamped ?? .max
    }

    /// Opens the initial connections.
    mutating func start() -> [Action] {
        startupTarget = configuration.initialConnections
        var actions: [Action] = []
        planCreates(into: &actions)
        return actions
    }

    mutating func advance(to time: MonotonicInstant) {
        if time > now { now = time }
    }

    // MARK: - Acquire

    /// The fast path: lease the most recently used idle connection to the caller at `site`, if it can be handed
    /// out without any other effect. `nil` means: take the slow path (``acquire(requestID:waiter:site:now:)``).
    @inlinable
    mutating func leaseIdle(site: LeaseSite = .unknown) -> PoolLease<Connection>? {
        // An idle slot always holds its connection; the check keeps that an invariant, not a trap.
        guard phase == .running, let index = slots.mostRecentIdle, let connection = slots.connection(at: index)
        else { return nil }
        let slot = slots[index]
        guard slot.expiresAt > now else { return nil }
        let idleFor = now.nanoseconds &- slot.idleSince.nanoseconds
        let id = slots.lease(index, site: site, now: now)
        counters.acquired += 1
        return PoolLease(connection: connection, id: id, needsValidation: idleFor >= validateAfterIdleNanos)
    }

    /// The slow path: retire expired idle connections, lease one if any is left, or queue the caller.
    mutating func acquire(
        requestID: UInt64,
        waiter: Waiter,
        site: LeaseSite = .unknown,
        now time: MonotonicInstant
    ) -> AcquireResult {
        advance(to: time)
        guard phase == .running else { return .failed(.poolClosed(pool: name, operation: "acquire")) }
        var actions: [Action] = []
        while let index = slots.mostRecentIdle, slots[index].expiresAt <= now {
            close(index, reason: .lifetimeExpired, into: &actions)
        }
        if let lease = leaseIdle(site: site) {
            planCreates(into: &actions)
            return actions.isEmpty ? .leased(lease) : .queued(actions + [.lease(waiter, lease, since: now)])
        }
        if attempts.isCircuitOpen {
            // The expired connections closed above must still reach the shell (found by the model checker).
            planCreates(into: &actions)
            return .failed(circuitOpenError(), actions)
        }
        counters.waited += 1
        waiters.append(
            .init(
                requestID: requestID,
                deadline: now + configuration.acquireTimeout,
                enqueuedAt: now,
                payload: waiter,
                site: site
            )
        )
        planCreates(into: &actions)
        return .queued(actions)
    }

    /// A waiting caller's task was cancelled; returns its waiter if it was still queued.
    mutating func cancel(requestID: UInt64) -> Waiter? {
        guard let entry = waiters.remove(requestID: requestID) else { return nil }
        counters.cancelled += 1
        return entry.payload
    }

    // MARK: - Release

    /// What a release asks the shell to do. The two common outcomes carry no array, so a release
    /// never allocates.
    @usableFromInline
    enum ReleaseOutcome {
        /// The connection went back to the idle list.
        case parked
        /// Wake `waiter` with `lease` (the connection passed straight to the oldest waiter).
        case handOff(Waiter, PoolLease<Connection>, since: MonotonicInstant)
        /// Anything else (close, replace, finish shutdown).
        case actions([Action])

        /// The outcome as a list of actions (for tests and the slow paths).
        var asActions: [Action] {
            switch self {
            case .parked: return []
            case .handOff(let waiter, let lease, let since): return [.lease(waiter, lease, since: since)]
            case .actions(let actions): return actions
            }
        }
    }

    /// Takes a lease back. With `discard`, the connection is closed and replaced (it is broken).
    /// Hands the connection straight to the oldest waiter when there is one.
    @inlinable
    mutating func release(_ id: ConnectionID, discard: Bool = false) -> ReleaseOutcome {
        guard slots.isCurrentLease(id) else {
            counters.staleReleases += 1
            return .parked
        }
        let index = id.slot
        if discard || slots[index].retiring || phase != .running || slots[index].expiresAt <= now {
            var actions: [Action] = []
            let reason: CloseReason =
                discard
                ? .discarded : phase != .running ? .shutdown : slots[index].retiring ? .shrink : .lifetimeExpired
            if discard { counters.replaced += 1 }
            close(index, reason: reason, into: &actions)
            planCreates(into: &actions)
            finishShutdownIfDrained(into: &actions)
            return .actions(actions)
        }
        guard let connection = slots.connection(at: index) else {
            // Unreachable (a leased slot holds its connection); should it happen, free the slot and replace it.
            var actions: [Action] = []
            close(index, reason: .discarded, into: &actions)
            planCreates(into: &actions)
            return .actions(actions)
        }
        if let waiter = waiters.popFirst() {
            let lease = slots.handOver(index, site: waiter.site, now: now)
            counters.acquired += 1
            return .handOff(
                waiter.payload,
                PoolLease(connection: connection, id: lease, needsValidation: false),
                since: waiter.enqueuedAt
            )
        }
        slots.park(index, now: now)
        return .parked
    }

    /// The caller's health check of a `needsValidation` lease failed: close and replace the connection.
    @usableFromInline
    mutating func validationFailed(_ id: ConnectionID) -> [Action] {
        guard slots.isCurrentLease(id) else { return [] }
        counters.validationFailures += 1
        var actions: [Action] = [.event(.validationFailed)]
        counters.replaced += 1
        close(id.slot, reason: .validationFailed, into: &actions)
        planCreates(into: &actions)
        finishShutdownIfDrained(into: &actions)  // it may have been the last slot a shutdown waited for
        return actions
    }

    // MARK: - Connection attempts and checks

    mutating func connectionCreated(_ id: ConnectionID, _ connection: Connection, now time: MonotonicInstant)
        -> [Action]
    {
        advance(to: time)
        guard isPendingCreate(id) else { return [.close(connection, .abandonedCreate)] }
        var actions: [Action] = [.event(.connectionCreated)]
        counters.created += 1
        if attempts.isCircuitOpen { actions.append(.event(.circuitClosed)) }
        attempts = .healthy
        slots.setConnection(connection, at: id.slot)
        slots[id.slot].expiresAt = lifetimeDeadline()
        if phase != .running {
            close(id.slot, reason: .shutdown, into: &actions)
            finishShutdownIfDrained(into: &actions)
        } else {
            serveOldestWaiterOrPark(id.slot, into: &actions)
        }
        planCreates(into: &actions)
        return actions
    }

    mutating func createFailed(_ id: ConnectionID, error: (any Error & Sendable)?, now time: MonotonicInstant)
        -> [Action]
    {
        advance(to: time)
        guard isPendingCreate(id) else { return [] }
        _ = slots.free(id.slot)
        var actions: [Action] = []
        recordCreateFailure(
            .connectionFailed(pool: name, attempt: attempts.failures + 1, cause: error),
            into: &actions
        )
        finishShutdownIfDrained(into: &actions)
        return actions
    }

    mutating func checkFinished(_ id: ConnectionID, healthy: Bool, now time: MonotonicInstant) -> [Action] {
        advance(to: time)
        guard slots.isCurrentCheck(id) else { return [] }
        var actions: [Action] = []
        if !healthy {
            counters.validationFailures += 1
            counters.replaced += 1
            actions.append(.event(.validationFailed))
            close(id.slot, reason: .validationFailed, into: &actions)
        } else if slots[id.slot].retiring || phase != .running {
            close(id.slot, reason: phase == .running ? .shrink : .shutdown, into: &actions)
        } else {
            serveOldestWaiterOrPark(id.slot, into: &actions)
        }
        planCreates(into: &actions)
        finishShutdownIfDrained(into: &actions)
        return actions
    }

    // MARK: - Shared steps

    /// A connection became available (opened or checked): lease it to the oldest waiter, or park it.
    mutating func serveOldestWaiterOrPark(_ index: Int32, into actions: inout [Action]) {
        guard let connection = slots.connection(at: index) else {
            // Unreachable (an opened or checked slot holds its connection); should it happen, free the slot:
            // the caller plans the attempt that replaces it.
            _ = slots.free(index)
            return
        }
        if slots[index].expiresAt <= now {
            // Its lifetime ended while it was opened or checked: retire it, as a lease or a release would.
            close(index, reason: .lifetimeExpired, into: &actions)
            return
        }
        guard let waiter = waiters.popFirst() else {
            slots.park(index, now: now)
            return
        }
        let lease = slots.lease(index, site: waiter.site, now: now)
        counters.acquired += 1
        actions.append(
            .lease(
                waiter.payload,
                PoolLease(connection: connection, id: lease, needsValidation: false),
                since: waiter.enqueuedAt
            )
        )
    }

    /// Frees the slot and closes its connection (unless it was closed already).
    @usableFromInline
    mutating func close(_ index: Int32, reason: CloseReason, into actions: inout [Action]) {
        if let connection = slots.free(index) {
            counters.closed += 1
            actions.append(.close(connection, reason))
            actions.append(.event(.connectionClosed(reason)))
        }
    }

    func isPendingCreate(_ id: ConnectionID) -> Bool {
        Int(id.slot) < slots.slots.count && slots[id.slot].state == .creating && slots[id.slot].epoch == id.epoch
    }

    /// Starts connection attempts for the minimum (or the initial size at start), the waiters, within the maximum,
    /// the concurrency cap and the backoff (one probe at a time while attempts are failing).
    @usableFromInline
    mutating func planCreates(into actions: inout [Action]) {
        guard phase == .running else { return }
        let counts = slots.counts
        if counts.live - counts.creating >= startupTarget { startupTarget = 0 }
        let target = max(configuration.minimumConnections, startupTarget)
        // An open breaker has no waiters (they fail fast), so it probes on its own to notice recovery.
        let probe = attempts.isCircuitOpen ? 1 - counts.creating : 0
        let wanted = max(target - counts.live, waiters.count - counts.creating, probe, 0)
        var allowed = min(
            wanted,
            configuration.maximumConnections - counts.live,
            configuration.maxConcurrentCreates - counts.creating
        )
        if let retryAt = attempts.retryAt {
            allowed = now >= retryAt && counts.creating == 0 ? min(allowed, 1) : 0
        }
        for _ in 0..<max(allowed, 0) {
            let index = slots.allocateCreating(now: now)
            actions.append(.create(ConnectionID(slot: index, epoch: slots[index].epoch)))
        }
    }

    mutating func recordCreateFailure(_ error: PatinoxError, into actions: inout [Action]) {
        let failures = attempts.failures + 1
        counters.createFailures += 1
        let spread = configuration.backoff.jitter * (2 * rng.nextUnit() - 1)
        let retryAt = now + configuration.backoff.delay(afterFailures: failures).scaled(by: 1 + spread)
        actions.append(.event(.createFailed(error)))
        let wasOpen = attempts.isCircuitOpen
        let tripped = configuration.circuitBreakerThreshold.map { failures >= $0 } ?? false
        if wasOpen || tripped {
            attempts = .circuitOpen(failures: failures, retryAt: retryAt, lastError: error)
            if !wasOpen {
                actions.append(.event(.circuitOpened(failures: failures)))
                let error = circuitOpenError()
                for waiter in waiters.removeAll() { actions.append(.fail(waiter.payload, error)) }
            }
        } else {
            attempts = .backingOff(failures: failures, retryAt: retryAt, lastError: error)
        }
        planCreates(into: &actions)
    }

    func circuitOpenError() -> PatinoxError {
        .circuitOpen(
            pool: name,
            failures: attempts.failures,
            retryAfter: (attempts.retryAt ?? now) - now,
            cause: attempts.lastError
        )
    }

    mutating func lifetimeDeadline() -> MonotonicInstant {
        guard let lifetime = configuration.maxLifetime else { return .distantFuture }
        return now + lifetime.scaled(by: 1 - configuration.lifetimeJitter * rng.nextUnit())
    }

    mutating func replaceConfiguration(_ configuration: PoolConfiguration) {
        self.configuration = configuration
        validateAfterIdleNanos = configuration.validateAfterIdle?.nanosecondsClamped ?? .max
    }

    /// When the next timed event is due: the oldest waiter's deadline, the next scan, or the next
    /// connection attempt after backoff.
    var nextWakeup: MonotonicInstant {
        var wakeup = nextScanAt
        if let first = waiters.first { wakeup = min(wakeup, first.deadline) }
        if let retryAt = attempts.retryAt, retryAt > now,
            attempts.isCircuitOpen || !waiters.isEmpty
                || slots.counts.live < max(configuration.minimumConnections, startupTarget)
        {
            wakeup = min(wakeup, retryAt)
        }
        return wakeup
    }
}

extension PoolStateMachine: Sendable where Waiter: Sendable {}
extension PoolStateMachine.Action: Sendable where Waiter: Sendable {}

/// Whether a pool's connection attempts succeed, and if not, since how many tries and how soon the next one
/// may start. Transitions (all in ``PoolStateMachine``):
/// - `healthy` → `backingOff(1)` on a failed attempt, or `circuitOpen(1)` when the breaker's threshold is 1;
/// - `backingOff(n)` → `backingOff(n + 1)`, or `circuitOpen(n + 1)` at the threshold (waiters then fail fast);
/// - `circuitOpen(n)` → `circuitOpen(n + 1)` while the probe keeps failing;
/// - any state → `healthy` when an attempt succeeds (from `circuitOpen`, with a `circuitClosed` event).
///
/// While failing, one attempt runs at a time, not before `retryAt` (backoff with jitter).
enum AttemptState: Sendable, Equatable {
    /// No attempt has failed since the last success.
    case healthy
    /// `failures` attempts in a row failed, the last with `lastError`; the next may start at `retryAt`.
    case backingOff(failures: Int, retryAt: MonotonicInstant, lastError: PatinoxError)
    /// As `backingOff`, at or past the breaker's threshold: acquires fail fast and the pool probes alone.
    case circuitOpen(failures: Int, retryAt: MonotonicInstant, lastError: PatinoxError)

    /// Failed attempts in a row (0 when healthy).
    var failures: Int {
        switch self {
        case .healthy: 0
        case .backingOff(let failures, _, _), .circuitOpen(let failures, _, _): failures
        }
    }

    /// When the next attempt may start; nil when attempts are not failing.
    var retryAt: MonotonicInstant? {
        switch self {
        case .healthy: nil
        case .backingOff(_, let retryAt, _), .circuitOpen(_, let retryAt, _): retryAt
        }
    }

    /// Why the last attempt failed; nil when attempts are not failing.
    var lastError: PatinoxError? {
        switch self {
        case .healthy: nil
        case .backingOff(_, _, let error), .circuitOpen(_, _, let error): error
        }
    }

    var isCircuitOpen: Bool {
        if case .circuitOpen = self { true } else { false }
    }
}
