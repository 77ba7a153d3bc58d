@testable import PatinoxMemory

/// Drives a `PoolStateMachine<Int, Int>` (connections and waiters are numbers) on a manual timeline and
/// records every effect it asks for, so tests can assert on them.
struct PoolHarness {
    typealias Machine = PoolStateMachine<Int, Int>

    var machine: Machine
    var now = MonotonicInstant(nanoseconds: 1_000_000_000)
    var nextConnection = 1
    var nextRequest: UInt64 = 1
    /// Waiter → the request ID of its slow-path acquire.
    var requestIDs: [Int: UInt64] = [:]
    /// Connection attempts the machine started and nobody completed yet.
    var pendingCreates: [ConnectionID] = []
    var cancelledCreates: [ConnectionID] = []
    /// Waiter → the lease it was woken with.
    var leases: [Int: PoolLease<Int>] = [:]
    /// Waiter → the error it was woken with.
    var failures: [Int: PatinoxError] = [:]
    /// Order in which waiters were served.
    var servedOrder: [Int] = []
    var closed: [(connection: Int, reason: CloseReason)] = []
    var checks: [(id: ConnectionID, connection: Int)] = []
    var events: [PoolEvent] = []
    var shutdownCompleted = false
    /// Waiters woken more than once (must stay empty).
    var doubleWakes: [Int] = []

    init(_ configure: (inout PoolConfiguration) -> Void = { _ in }, seed: UInt64 = 42) {
        var configuration = PoolConfiguration()
        configuration.maximumConnections = 4
        configuration.validateAfterIdle = nil
        configuration.idleTimeout = nil
        configuration.maxLifetime = nil
        configure(&configuration)
        machine = Machine(name: "test", configuration: configuration, now: now, seed: seed)
        apply(machine.start())
    }

    mutating func apply(_ actions: [Machine.Action]) {
        for action in actions {
            switch action {
            case .lease(let waiter, let lease, _):
                if leases[waiter] != nil || failures[waiter] != nil { doubleWakes.append(waiter) }
                leases[waiter] = lease
                servedOrder.append(waiter)
            case .fail(let waiter, let error):
                if leases[waiter] != nil || failures[waiter] != nil { doubleWakes.append(waiter) }
                failures[waiter] = error
            case .create(let id): pendingCreates.append(id)
            case .cancelCreate(let id):
                cancelledCreates.append(id)
                pendingCreates.removeAll { $0 == id }
            case .close(let connection, let reason): closed.append((connection, reason))
            case .check(let id, let connection): checks.append((id, connection))
            case .event(let event): events.append(event)
            case .shutdownComplete: shutdownCompleted = true
            }
        }
    }

    /// Acquires for `waiter`: the fast path first, then the slow path. Returns the lease when it was
    /// immediate; otherwise the waiter is queued (or failed) and the outcome shows up in `leases`/`failures`.
    @discardableResult
    mutating func acquire(_ waiter: Int, site: LeaseSite = .unknown) -> PoolLease<Int>? {
        if let lease = machine.leaseIdle(site: site) {
            leases[waiter] = lease
            servedOrder.append(waiter)
            return lease
        }
        let request = nextRequest
        nextRequest += 1
        requestIDs[waiter] = request
        switch machine.acquire(requestID: request, waiter: waiter, site: site, now: now) {
        case .leased(let lease):
            leases[waiter] = lease
            servedOrder.append(waiter)
            return lease
        case .failed(let error, let actions):
            failures[waiter] = error
            apply(actions)
        case .queued(let actions):
            apply(actions)
        }
        return leases[waiter]
    }

    /// Releases the lease held by `waiter`.
    mutating func release(_ waiter: Int, discard: Bool = false) {
        let lease = leases.removeValue(forKey: waiter)!
        apply(machine.release(lease.id, discard: discard).asActions)
    }

    /// Completes the oldest `count` pending connection attempts successfully (all by default).
    mutating func completeCreates(_ count: Int = .max) {
        for _ in 0..<min(count, pendingCreates.count) {
            let id = pendingCreates.removeFirst()
            let connection = nextConnection
            nextConnection += 1
            apply(machine.connectionCreated(id, connection, now: now))
        }
    }

    /// Completes connection attempts until none is pending (the machine starts a few at a time).
    mutating func openAll() {
        while !pendingCreates.isEmpty { completeCreates() }
    }

    /// Fails the oldest pending connection attempt.
    mutating func failCreate() {
        let id = pendingCreates.removeFirst()
        apply(machine.createFailed(id, error: nil, now: now))
    }

    /// Moves time forward and runs what is due.
    mutating func advance(_ duration: Duration) {
        now = now + duration
        apply(machine.tick(now: now))
    }

    func requestID(of waiter: Int) -> UInt64? { requestIDs[waiter] }

    var counts: PoolSlotCounts { machine.slots.counts }
}
