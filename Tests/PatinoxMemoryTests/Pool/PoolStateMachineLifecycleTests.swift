import Testing

@testable import PatinoxMemory

@Suite("Pool state machine: resize, lifetime, leaks and shutdown")
struct PoolStateMachineLifecycleTests {
    /// A pool of `maximum` connections, all leased by waiters 0..<maximum, with `queued` more waiting.
    static func busyPool(maximum: Int, queued: Int) -> PoolHarness {
        var pool = PoolHarness {
            $0.maximumConnections = maximum
            $0.maxConcurrentCreates = 8
        }
        for waiter in 0..<(maximum + queued) { pool.acquire(waiter) }
        pool.completeCreates()
        return pool
    }

    @Test("growing while busy opens connections for the waiters at once")
    func growWhileBusy() throws {
        var pool = Self.busyPool(maximum: 2, queued: 3)
        #expect(pool.counts.leased == 2)
        pool.apply(try pool.machine.resize(minimum: 0, maximum: 5))
        #expect(pool.pendingCreates.count == 3)
        pool.completeCreates()
        #expect(pool.servedOrder == [0, 1, 2, 3, 4])
        #expect(pool.events.contains(.resized(minimum: 0, maximum: 5)))
    }

    @Test("shrinking while busy closes idle connections now and retires leased ones as they return")
    func shrinkWhileBusy() throws {
        var pool = Self.busyPool(maximum: 4, queued: 0)
        pool.release(0)
        pool.apply(try pool.machine.resize(minimum: 0, maximum: 1))
        #expect(pool.closed.map(\.reason) == [.shrink])
        #expect(pool.counts.retiring == 2)
        #expect(pool.counts.live == 1)
        pool.acquire(10)
        pool.release(1)
        pool.release(2)
        #expect(pool.closed.count == 3, "two retired on return")
        #expect(pool.leases[10] == nil, "the waiter gets the one connection the new maximum allows")
        pool.release(3)
        #expect(pool.leases[10] != nil)
        #expect(pool.counts.occupied == 1)
    }

    @Test("invalid sizes are rejected with the reason and leave the old size in place")
    func invalidResize() {
        var pool = PoolHarness { $0.maximumConnections = 4 }
        for (minimum, maximum, fragment) in [
            (5, 4, "minimum 5"), (0, 0, "maximum is 0"), (0, PoolConfiguration.hardLimit + 1, "hard limit"),
        ] {
            #expect {
                try pool.machine.resize(minimum: minimum, maximum: maximum)
            } throws: { error in
                let error = error as! PatinoxError
                return error.code == .invalidConfiguration && error.message.contains(fragment)
                    && !error.recovery.isRetryable
            }
        }
        #expect(pool.machine.configuration.maximumConnections == 4)
    }

    @Test("shutdown fails waiters, closes idle connections, waits for leased ones")
    func shutdownWithLeased() {
        var pool = Self.busyPool(maximum: 2, queued: 1)
        pool.release(0)  // handed to waiter 2
        pool.apply(pool.machine.beginShutdown())
        #expect(!pool.shutdownCompleted)
        pool.acquire(9)
        #expect(pool.failures[9]?.code == .poolClosed)
        pool.release(1)
        #expect(!pool.shutdownCompleted)
        pool.release(2)
        #expect(pool.shutdownCompleted)
        #expect(pool.closed.count == 2)
        #expect(pool.machine.beginShutdown().isEmpty, "a second shutdown does nothing")
    }

    @Test("at the deadline, shutdown force-closes what is still leased; late releases are ignored")
    func forcedShutdown() {
        var pool = Self.busyPool(maximum: 3, queued: 0)
        pool.apply(pool.machine.beginShutdown())
        pool.apply(pool.machine.forceClose())
        #expect(pool.shutdownCompleted)
        #expect(pool.closed.map(\.reason) == [.forcedShutdown, .forcedShutdown, .forcedShutdown])
        #expect(pool.events.contains(.shutdownFinished(forceClosed: 3)))
        pool.release(0)
        #expect(pool.machine.counters.staleReleases == 1)
    }

    @Test("max lifetime is jittered per connection and retires idle and leased connections")
    func lifetimeJitter() {
        var pool = PoolHarness {
            $0.minimumConnections = 20
            $0.maximumConnections = 20
            $0.maxConcurrentCreates = 20
            $0.maxLifetime = .seconds(100)
            $0.lifetimeJitter = 0.2
        }
        pool.completeCreates()
        let start = pool.now
        let lifetimes = pool.machine.slots.slots.map { $0.expiresAt - start }
        #expect(lifetimes.allSatisfy { $0 <= .seconds(100) && $0 >= .seconds(80) })
        #expect(Set(lifetimes).count == 20, "each connection gets its own lifetime")
        pool.acquire(1)
        pool.advance(.seconds(101))
        #expect(pool.closed.count == 19)
        #expect(pool.closed.allSatisfy { $0.reason == .lifetimeExpired })
        #expect(pool.counts.retiring == 1)
        pool.release(1)
        #expect(pool.closed.count == 20)
    }

    @Test("idle timeout closes idle connections above the minimum only")
    func idleTimeout() {
        var pool = PoolHarness {
            $0.minimumConnections = 1
            $0.initialConnections = 3
            $0.idleTimeout = .seconds(10)
        }
        pool.completeCreates()
        pool.completeCreates()
        #expect(pool.counts.idle == 3)
        pool.advance(.seconds(11))
        #expect(pool.counts.idle == 1)
        #expect(pool.closed.map(\.reason) == [.idleTimeout, .idleTimeout])
    }

    @Test("a lease held past the leak threshold is reported once")
    func leakDetection() {
        var pool = PoolHarness {
            $0.initialConnections = 1
            $0.leakThreshold = .seconds(5)
        }
        pool.completeCreates()
        let lease = pool.acquire(1)!
        pool.advance(.seconds(4))
        #expect(pool.machine.counters.leaks == 0)
        pool.advance(.seconds(2))
        pool.advance(.seconds(2))
        #expect(pool.machine.counters.leaks == 1)
        #expect(pool.events.contains { if case .leakDetected(let id, _) = $0 { id == lease.id } else { false } })
    }

    @Test("status shows sizes, limits and counters")
    func status() {
        var pool = Self.busyPool(maximum: 2, queued: 1)
        let status = pool.machine.status()
        #expect(status.leased == 2 && status.waiters == 1 && status.maximum == 2 && status.total == 2)
        #expect(status.description.contains("2 leased"))
        pool.release(0)
        #expect(pool.machine.status().counters.acquired == 3)
    }
}
