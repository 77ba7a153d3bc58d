import Testing

@testable import PatinoxMemory

@Suite("Pool state machine: failures, backoff and the circuit breaker")
struct PoolStateMachineRecoveryTests {
    @Test("create failures back off 100 ms × 1.25ⁿ with jitter, capped, one probe at a time")
    func backoffGrowth() throws {
        var pool = PoolHarness {
            $0.minimumConnections = 3
            $0.circuitBreakerThreshold = nil
            $0.backoff.maximum = .seconds(1)
        }
        #expect(pool.pendingCreates.count == 2)
        pool.failCreate()
        // Another attempt is already in flight, but no new one starts while backing off.
        #expect(pool.pendingCreates.count == 1)
        pool.failCreate()
        #expect(pool.pendingCreates.isEmpty)
        var delays: [Duration] = []
        for _ in 0..<14 {
            let delay = try #require(pool.machine.attempts.retryAt) - pool.now
            delays.append(delay)
            pool.advance(delay)
            #expect(pool.pendingCreates.count == 1, "exactly one probe while failing")
            pool.failCreate()
        }
        let expected = (2...15).map { PoolConfiguration.Backoff().delay(afterFailures: $0) }
        for (delay, base) in zip(delays, expected) {
            let ratio = Double(delay.nanosecondsClamped) / Double(min(base, .seconds(1)).nanosecondsClamped)
            #expect(ratio >= 0.8 && ratio <= 1.2, "delay \(delay) within ±20 % of \(base)")
        }
        #expect(delays.last! <= .milliseconds(1200))
        #expect(Set(delays).count == delays.count, "jitter makes every delay different")
        #expect(pool.machine.counters.createFailures == 16)
    }

    @Test("the breaker opens after the threshold, fails waiters fast, and closes on a successful probe")
    func circuitBreaker() throws {
        var pool = PoolHarness {
            $0.maximumConnections = 2
            $0.maxConcurrentCreates = 1
            $0.circuitBreakerThreshold = 3
        }
        pool.acquire(1)
        pool.failCreate()
        pool.advance(try #require(pool.machine.attempts.retryAt) - pool.now)
        pool.failCreate()
        #expect(pool.failures[1] == nil, "below the threshold waiters keep waiting")
        pool.advance(try #require(pool.machine.attempts.retryAt) - pool.now)
        pool.failCreate()
        let error = try #require(pool.failures[1])
        #expect(error.code == .circuitOpen)
        #expect(error.underlying is PatinoxError)
        #expect(pool.events.contains(.circuitOpened(failures: 3)))
        pool.acquire(2)
        #expect(pool.failures[2]?.code == .circuitOpen, "acquire fails fast while open")
        #expect(pool.machine.nextWakeup <= (try #require(pool.machine.attempts.retryAt)))
        pool.advance(try #require(pool.machine.attempts.retryAt) - pool.now)
        #expect(pool.pendingCreates.count == 1, "the open breaker probes by itself, once")
        pool.completeCreates()
        #expect(pool.events.contains(.circuitClosed))
        #expect(!pool.machine.attempts.isCircuitOpen)
        #expect(pool.acquire(3) != nil)
    }

    @Test("a connection attempt that outlives createTimeout counts as failed and is cancelled")
    func createTimeout() {
        var pool = PoolHarness {
            $0.initialConnections = 1
            $0.createTimeout = .seconds(1)
        }
        let attempt = pool.pendingCreates[0]
        pool.advance(.milliseconds(1250))
        #expect(pool.cancelledCreates == [attempt])
        #expect(pool.machine.counters.createFailures == 1)
        // The late connection arrives after all: it is closed, not leaked.
        pool.apply(pool.machine.connectionCreated(attempt, 99, now: pool.now))
        #expect(pool.closed.map(\.connection) == [99])
    }

    @Test("keepalive checks idle connections in the background; a failed one is replaced")
    func keepalive() {
        var pool = PoolHarness {
            $0.minimumConnections = 2
            $0.keepaliveInterval = .seconds(1)
        }
        pool.completeCreates()
        pool.advance(.milliseconds(1250))
        #expect(pool.checks.count == 2)
        #expect(pool.counts.checking == 2)
        let (good, bad) = (pool.checks[0], pool.checks[1])
        pool.apply(pool.machine.checkFinished(good.id, healthy: true, now: pool.now))
        pool.apply(pool.machine.checkFinished(bad.id, healthy: false, now: pool.now))
        #expect(pool.closed.map(\.connection) == [bad.connection])
        #expect(pool.counts.idle == 1)
        #expect(pool.pendingCreates.count == 1, "replaced to keep the minimum")
        #expect(pool.machine.counters.replaced == 1)
    }

    @Test("kill closes idle connections first, then leased ones, which are replaced")
    func kill() {
        var pool = PoolHarness { $0.minimumConnections = 3 }
        pool.completeCreates()
        pool.completeCreates()
        pool.acquire(1)
        pool.apply(pool.machine.kill(count: 3))
        #expect(pool.events.contains(.killed(count: 3)))
        #expect(pool.closed.count == 3)
        #expect(pool.counts.retiring == 1)
        pool.release(1)
        #expect(pool.closed.count == 3, "the killed leased connection is not closed twice")
        #expect(pool.counts.leased == 0)
        pool.completeCreates()
        pool.completeCreates()
        #expect(pool.counts.idle == 3)
    }

    @Test("a lease discarded as broken is closed and replaced for the next waiter")
    func discard() {
        var pool = PoolHarness { $0.maximumConnections = 1 }
        pool.acquire(1)
        pool.completeCreates()
        pool.acquire(2)
        pool.release(1, discard: true)
        #expect(pool.closed.map(\.reason) == [.discarded])
        #expect(pool.pendingCreates.count == 1)
        pool.completeCreates()
        #expect(pool.leases[2] != nil)
    }
}
