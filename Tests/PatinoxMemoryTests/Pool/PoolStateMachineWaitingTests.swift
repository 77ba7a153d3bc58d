import Testing

@testable import PatinoxMemory

@Suite("Pool state machine: leasing and waiting")
struct PoolStateMachineWaitingTests {
    @Test("an idle connection is leased at once and comes back to the idle list")
    func idleLeaseAndRelease() {
        var pool = PoolHarness { $0.initialConnections = 1 }
        #expect(pool.pendingCreates.count == 1)
        pool.completeCreates()
        #expect(pool.counts.idle == 1)
        let lease = pool.acquire(1)
        #expect(lease?.connection == 1)
        #expect(pool.counts == .init(idle: 0, leased: 1))
        pool.release(1)
        #expect(pool.counts == .init(idle: 1, leased: 0))
        #expect(pool.machine.counters.acquired == 1)
    }

    @Test("1000 waiters are served in strict FIFO order, each by a direct handoff")
    func fifoWithThousandWaiters() {
        var pool = PoolHarness { $0.maximumConnections = 10 }
        for waiter in 0..<1000 { pool.acquire(waiter) }
        #expect(pool.machine.waiters.count == 1000)
        #expect(pool.pendingCreates.count == 2)  // maxConcurrentCreates
        while !pool.pendingCreates.isEmpty { pool.completeCreates(1) }
        #expect(pool.counts.leased == 10)
        #expect(pool.servedOrder == Array(0..<10))
        var holder = 0
        while holder < 1000 {
            pool.release(holder)
            holder += 1
        }
        #expect(pool.servedOrder == Array(0..<1000))
        #expect(pool.counts.idle == 10)
        #expect(pool.machine.waiters.isEmpty)
        #expect(pool.failures.isEmpty)
        #expect(pool.machine.counters.created == 10)
    }

    @Test("waiters time out at their deadline, oldest first, with a message that has the numbers")
    func acquireTimeout() throws {
        var pool = PoolHarness {
            $0.maximumConnections = 1
            $0.acquireTimeout = .seconds(2)
        }
        pool.acquire(1)
        pool.completeCreates()
        pool.acquire(2)
        pool.advance(.seconds(1))
        pool.acquire(3)
        #expect(pool.machine.waiters.first?.deadline == pool.now + .seconds(1))
        #expect(pool.machine.nextWakeup <= pool.now + .seconds(1))
        pool.advance(.seconds(1))
        let error = try #require(pool.failures[2])
        #expect(error.code == .acquireTimeout)
        #expect(error.recovery.isRetryable)
        #expect(error.description.contains("1 of 1 leased"))
        #expect(pool.failures[3] == nil)
        pool.advance(.seconds(1))
        #expect(pool.failures[3]?.code == .acquireTimeout)
        #expect(pool.machine.counters.timedOut == 2)
    }

    @Test("a cancelled waiter leaves the queue in O(1) and the next one is served")
    func cancellation() {
        var pool = PoolHarness { $0.maximumConnections = 1 }
        pool.acquire(1)
        pool.completeCreates()
        for waiter in 2...5 { pool.acquire(waiter) }
        #expect(pool.machine.cancel(requestID: 3) == 3)  // waiter 3 was request 3
        #expect(pool.machine.cancel(requestID: 3) == nil)
        pool.release(1)
        pool.release(2)
        #expect(pool.servedOrder == [1, 2, 4])
        #expect(pool.machine.counters.cancelled == 1)
    }

    @Test("a stale or double release is ignored and never leases a connection twice")
    func doubleRelease() {
        var pool = PoolHarness { $0.initialConnections = 1 }
        pool.completeCreates()
        let first = pool.acquire(1)!
        pool.release(1)
        let second = pool.acquire(2)!
        #expect(first.connection == second.connection)
        #expect(first.id != second.id)
        pool.apply(pool.machine.release(first.id).asActions)
        #expect(pool.machine.counters.staleReleases == 1)
        #expect(pool.counts.leased == 1)
        #expect(pool.acquire(3) == nil)
    }

    @Test("the most recently used idle connection is leased first, so extra ones can time out")
    func lifoIdle() {
        var pool = PoolHarness { $0.initialConnections = 2 }
        pool.completeCreates()
        let a = pool.acquire(1)!
        let b = pool.acquire(2)!
        pool.release(1)
        pool.release(2)
        #expect(pool.acquire(3)?.connection == b.connection)
        #expect(pool.acquire(4)?.connection == a.connection)
    }

    @Test("acquire validates a connection that idled past validateAfterIdle; a failed check replaces it")
    func validateAfterIdle() {
        var pool = PoolHarness {
            $0.initialConnections = 1
            $0.validateAfterIdle = .milliseconds(500)
        }
        pool.completeCreates()
        #expect(pool.acquire(1)?.needsValidation == false)
        pool.release(1)
        pool.advance(.seconds(1))
        let stale = pool.acquire(2)!
        #expect(stale.needsValidation)
        pool.leases[2] = nil
        pool.apply(pool.machine.validationFailed(stale.id))
        #expect(pool.closed.map(\.reason) == [.validationFailed])
        #expect(pool.machine.counters.validationFailures == 1)
        #expect(pool.pendingCreates.isEmpty)  // minimum 0 and nobody waiting: nothing to replace yet
        pool.acquire(3)
        #expect(pool.pendingCreates.count == 1)
    }

    @Test("acquire on a closed pool fails fast with poolClosed")
    func acquireAfterShutdown() {
        var pool = PoolHarness()
        pool.apply(pool.machine.beginShutdown())
        #expect(pool.shutdownCompleted)
        pool.acquire(1)
        #expect(pool.failures[1]?.code == .poolClosed)
        #expect(pool.failures[1]?.recovery == .failFast)
    }
}

extension PoolSlotCounts {
    init(idle: Int = 0, leased: Int = 0, creating: Int = 0, checking: Int = 0, retiring: Int = 0) {
        self.init()
        self.idle = idle
        self.leased = leased
        self.creating = creating
        self.checking = checking
        self.retiring = retiring
    }
}
