import MemtopTestSupport
import Testing

@testable import PatinoxMemory

@Suite("Pool: health, recovery and injected faults", .timeLimit(.minutes(2)))
struct PoolFaultTests {
    @Test("failing creates back off, open the breaker, and the pool recovers by itself when they succeed")
    func outageAndRecovery() async throws {
        let factory = TestFactory()
        let monitor = RecordingMonitor()
        var configuration = PoolTests.configuration { $0.circuitBreakerThreshold = 3 }
        configuration.backoff.initial = .milliseconds(5)
        configuration.backoff.maximum = .milliseconds(20)
        configuration.acquireTimeout = .seconds(60)  // the breaker, not the timeout, must end the wait
        let pool = try Pool(name: "t", configuration: configuration, factory: factory, monitor: monitor).running()
        factory.state.withLockedValue { $0.failCreates = true }
        await #expect {
            try await pool.acquire()
        } throws: { error in
            let error = error as! PatinoxError
            return error.code == .circuitOpen && error.causeChain.count >= 2
        }
        #expect(pool.status().circuitOpen)
        let failuresAtOpen = pool.status().counters.createFailures
        try await Task.sleep(for: .milliseconds(100))
        let failuresLater = pool.status().counters.createFailures
        #expect(failuresLater - failuresAtOpen <= 8, "backoff: no spinning (\(failuresLater - failuresAtOpen) probes)")
        factory.state.withLockedValue { $0.failCreates = false }
        #expect(await eventually { !pool.status().circuitOpen })
        _ = try await pool.withConnection { $0 }
        #expect(monitor.operations().contains("circuit-open"))
        #expect(monitor.operations().contains("circuit-close"))
        await pool.shutdown()
    }

    @Test("the failCreates and createLatency faults act on connection attempts")
    func createFaults() async throws {
        // A second: room for the retry after backoff on a loaded machine. No breaker: five failed attempts come
        // within 0.6 s (backoff 100 ms × 1.25ⁿ), and an open breaker would fail the second acquire at once.
        let pool = try makeTestPool(factory: TestFactory()) {
            $0.acquireTimeout = .seconds(1)
            $0.circuitBreakerThreshold = nil
        }
        pool.faults = PoolFaults(failCreates: true)
        await #expect {
            try await pool.acquire()
        } throws: { error in
            (error as? PatinoxError)?.rootCause is PatinoxError
        }
        pool.faults = PoolFaults(createLatency: .milliseconds(30))
        let start = ContinuousClock.now
        let lease = try await pool.acquire()
        #expect(ContinuousClock.now - start >= .milliseconds(30))
        pool.release(lease)
        #expect(pool.faults.createLatency == .milliseconds(30))
        await pool.shutdown()
    }

    @Test("acquireLatency delays every acquire")
    func acquireLatencyFault() async throws {
        let pool = try makeTestPool(factory: TestFactory())
        _ = try await pool.withConnection { $0 }
        pool.faults = PoolFaults(acquireLatency: .milliseconds(20))
        #expect(pool.tryAcquire() == nil, "no instant lease while latency is injected")
        let start = ContinuousClock.now
        _ = try await pool.withConnection { $0 }
        #expect(ContinuousClock.now - start >= .milliseconds(20))
        await pool.shutdown()
    }

    @Test("failHealthChecks makes keepalive replace idle connections")
    func keepaliveReplacesBrokenConnections() async throws {
        let factory = TestFactory()
        let pool = try makeTestPool(factory: factory) {
            $0.minimumConnections = 2
            $0.keepaliveInterval = .milliseconds(20)
            $0.housekeepingInterval = .milliseconds(10)
        }
        #expect(await eventually { pool.status().idle == 2 })
        pool.faults = PoolFaults(failHealthChecks: true)
        #expect(await eventually { pool.status().counters.validationFailures >= 2 })
        pool.faults = .none
        #expect(await eventually { pool.status().idle == 2 && factory.created >= 4 })
        await pool.shutdown()
    }

    @Test("acquire re-validates a connection idle past the window and replaces a dead one transparently")
    func validateOnAcquire() async throws {
        let factory = TestFactory()
        let pool = try await makePoolWithIdleConnection(factory: factory)
        factory.state.withLockedValue { $0.healthy = false }
        let connection = try await pool.withConnection { $0 }
        #expect(connection == 2, "the dead connection 1 was replaced by 2")
        #expect(pool.status().counters.validationFailures == 1)
        #expect(factory.closed.contains(1))
        await pool.shutdown()
    }

    @Test("kill closes connections; leased holders keep theirs until release, then it is replaced")
    func kill() async throws {
        let factory = TestFactory()
        let pool = try makeTestPool(factory: factory) { $0.minimumConnections = 2 }
        #expect(await eventually { pool.status().idle == 2 })
        let held = try await pool.acquire()
        #expect(pool.kill(2) == 2)
        pool.release(held)
        #expect(await eventually { pool.status().idle == 2 && factory.created == 4 })
        #expect(pool.status().counters.replaced == 2)
        await pool.shutdown()
    }

    @Test("a lease held past the leak threshold is reported to the monitor")
    func leak() async throws {
        let monitor = RecordingMonitor()
        let pool = try makeTestPool(factory: TestFactory(), monitor: monitor) {
            $0.leakThreshold = .milliseconds(20)
            $0.housekeepingInterval = .milliseconds(10)
        }
        let lease = try await pool.acquire()
        #expect(await eventually { monitor.operations().contains("leak") })
        #expect(pool.status().counters.leaks == 1)
        pool.release(lease)
        #expect(await eventually { !monitor.samples.withLockedValue { $0.isEmpty } })
        await pool.shutdown()
    }
}
