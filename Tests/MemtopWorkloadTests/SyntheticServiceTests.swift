import Foundation
import MemtopTestSupport
import PatinoxMemory
import Testing

@testable import MemtopWorkload

/// Each test runs a tiny scenario against the real components, on a manual clock that a ``ClockDriver`` moves
/// on in small steps (scenario seconds pass in a fraction of real time), and watches the engine's snapshots
/// for the signature of its story. The tests poll for an effect instead of asserting after a fixed time; the
/// suite runs its tests one at a time and at modest rates, so that its request loops never starve the
/// timing-sensitive suites running beside it.
@Suite("Synthetic service", .serialized, .timeLimit(.minutes(2)))
struct SyntheticServiceTests {
    func scenario(_ body: String) throws -> Scenario {
        try Scenario.parse("name = \"test\"\nrepeat = false\n" + body, file: "test.toml")
    }

    /// Runs `scenario` on a manual clock until `condition` holds for a snapshot (up to `seconds` of scenario
    /// time), returns that snapshot.
    func run(
        _ scenario: Scenario,
        seconds: Double = 20,
        until condition: (EngineSnapshot) -> Bool
    ) async throws -> (EngineSnapshot, SyntheticService) {
        let clock = ManualClock()
        let service = try SyntheticService(scenario: scenario, clock: clock)
        let driver = ClockDriver(clock)
        let load = Task { await service.run() }
        let deadline = clock.now() + .seconds(seconds)
        var snapshot = service.engine.snapshot()
        while !condition(snapshot), clock.now() < deadline {
            try await Task.sleep(for: .milliseconds(5))
            snapshot = service.engine.snapshot()
        }
        await service.shutdown()  // its 1 s drain deadline is on the manual clock too: the driver goes on
        await load.value
        driver.stop()
        return (snapshot, service)
    }

    @Test("a spike beyond the pool makes waiters and acquire timeouts (flash sale)")
    func spikeExhaustsThePool() async throws {
        let spike = try scenario(
            """
            [pool]
            minimum = 1
            maximum = 1
            acquire_timeout_ms = 30
            [backend]
            latency_median_ms = 20
            latency_p99_ms = 40
            [cache]
            key_space = 1000000
            [[phase]]
            name = "sale"
            duration_seconds = 30
            rate = 400
            concurrency = 16
            """
        )
        var sawWaiters = false
        let (snapshot, _) = try await run(spike) { snapshot in
            sawWaiters = sawWaiters || snapshot.pools[0].waiters > 0
            return sawWaiters && snapshot.pools[0].counters.timedOut > 0
        }
        #expect(sawWaiters)
        #expect(snapshot.pools[0].counters.timedOut > 0)
        #expect(snapshot.events.contains { $0.kind == .phase && $0.message.contains("'sale'") })
    }

    @Test("a flaky backend gets broken connections replaced, then an outage opens the breaker")
    func flakyBackend() async throws {
        let flaky = try scenario(
            """
            [pool]
            minimum = 2
            maximum = 4
            acquire_timeout_ms = 100
            breaker_threshold = 3
            [[phase]]
            name = "flaky"
            duration_seconds = 2
            rate = 300
            concurrency = 4
            failure_rate = 0.5
            [[phase]]
            name = "outage"
            duration_seconds = 30
            rate = 300
            concurrency = 4
            failure_rate = 1.0
            connect_failure_rate = 1.0
            """
        )
        var sawReplacement = false
        let (snapshot, _) = try await run(flaky) { snapshot in
            sawReplacement = sawReplacement || snapshot.pools[0].counters.replaced > 0
            return sawReplacement && snapshot.pools[0].circuitOpen
        }
        #expect(sawReplacement)
        #expect(snapshot.pools[0].circuitOpen)
        #expect(snapshot.health.overall == .unhealthy)
        #expect(snapshot.pools[0].counters.createFailures >= 3)
    }

    @Test("scan bursts dent the hit ratio (cache thrash)")
    func scansDentTheHitRatio() async throws {
        let thrash = try scenario(
            """
            [cache]
            maximum_count = 500
            key_space = 2000
            zipf_alpha = 1.0
            [[phase]]
            name = "warm"
            duration_seconds = 1.5
            rate = 400
            concurrency = 4
            [[phase]]
            name = "reports"
            duration_seconds = 1.5
            rate = 400
            concurrency = 4
            scan_every_seconds = 0.25
            scan_length = 1500
            """
        )
        let clock = ManualClock()
        let service = try SyntheticService(scenario: thrash, clock: clock)
        let driver = ClockDriver(clock)
        defer { driver.stop() }
        service.pool.running()
        // Phase by phase, so that however busy the machine is, each phase's traffic is measured apart. The warm
        // phase runs twice and only the second run counts: the first one's compulsory misses weigh more the fewer
        // requests a loaded machine manages in 1.5 s.
        await service.runPhase(0)
        let cold = service.engine.snapshot().caches[0].stats
        await service.runPhase(0)
        let warm = service.engine.snapshot().caches[0].stats
        await service.runPhase(1)
        let after = service.engine.snapshot().caches[0].stats
        await service.shutdown()
        func ratio(from start: CacheStats, to end: CacheStats) -> (ratio: Double, lookups: Int) {
            let lookups = end.hits + end.misses - start.hits - start.misses
            return (Double(end.hits - start.hits) / Double(max(lookups, 1)), lookups)
        }
        let (warmRatio, warmLookups) = ratio(from: cold, to: warm)
        let (scanRatio, lookups) = ratio(from: warm, to: after)
        #expect(warmLookups > 100, "the warm phase ran")
        #expect(warmRatio > 0.5, "a Zipf(1.0) load over 2000 keys keeps a 500-entry LRU warm: \(warmRatio)")
        #expect(lookups > 1_500, "at least one scan ran")
        #expect(scanRatio < warmRatio - 0.2, "scans: \(scanRatio) vs warm \(warmRatio)")
        #expect(after.evictions > 1_000)
    }

    @Test("each phase resizes the pool, guards are cleaned, the mapping is read, and a non-repeating run ends")
    func phasesResizeAndEnd() async throws {
        let phased = try scenario(
            """
            [pool]
            minimum = 1
            maximum = 3
            [guards]
            cleanup_failure_rate = 0.5
            [mapped_file]
            size_mib = 1
            reads_per_request = 8
            [[phase]]
            duration_seconds = 0.3
            rate = 200
            concurrency = 2
            [[phase]]
            name = "bigger"
            duration_seconds = 0.3
            rate = 200
            concurrency = 2
            pool_maximum = 7
            """
        )
        let clock = ManualClock()
        let service = try SyntheticService(scenario: phased, clock: clock)
        let driver = ClockDriver(clock)
        defer { driver.stop() }
        service.pool.running()  // run() would keep the pool serving after the phases: run them alone
        await service.runPhases()  // returns by itself: repeat = false
        let snapshot = service.engine.snapshot()
        #expect(service.currentPhase == "bigger")
        #expect(snapshot.pools[0].maximum == 7)
        #expect(snapshot.guards[0].status.cleaned > 0)
        #expect(
            snapshot.guards[0].status.failed > 0,
            "with a failure rate of 0.5 and two attempts, a quarter of the cleanups fail"
        )
        #expect(snapshot.mappings.count == 1 && snapshot.mappings[0].residentPages > 0)
        #expect(snapshot.events.filter { $0.kind == .phase }.count == 2)
        await service.shutdown()
    }

    @Test("on a manual clock a scenario runs in its own time: phases last their manual duration, not real time")
    func manualTime() async throws {
        let phased = try scenario(
            """
            [pool]
            minimum = 1
            maximum = 2
            [[phase]]
            name = "first"
            duration_seconds = 30
            rate = 20
            concurrency = 2
            [[phase]]
            name = "second"
            duration_seconds = 30
            rate = 20
            concurrency = 2
            pool_maximum = 4
            """
        )
        let clock = ManualClock()
        let service = try SyntheticService(scenario: phased, clock: clock)
        let start = clock.now
        let wall = ContinuousClock.now
        service.pool.running()
        let run = Task { await service.runPhases() }
        // A minute of scenario time: the clock moves in 10 ms steps, the service's tasks run in between.
        let driver = ClockDriver(clock, step: .milliseconds(10), pause: .microseconds(200))
        await run.value
        driver.stop()
        let scenarioTime = start.duration(to: clock.now)
        let snapshot = service.engine.snapshot()
        // A phase ends after its last request slot, less than one interval (0.1 s here) before its duration.
        #expect(scenarioTime >= .seconds(59.8), "both phases ran their manual duration: \(scenarioTime)")
        #expect(ContinuousClock.now - wall < .seconds(30), "a minute of scenario time in seconds of real time")
        #expect(snapshot.events.filter { $0.kind == .phase }.count == 2 && service.currentPhase == "second")
        #expect(snapshot.pools[0].maximum == 4 && snapshot.pools[0].counters.acquired > 100)
        await service.shutdown()
    }

    @Test("shutdown under load closes the mapping only after the last request reading it has ended")
    func mappingOutlivesItsReaders() async throws {
        // Found by running `memtop snapshot`: shutdown() unmapped while request loops were still reading, and a
        // read between its `closed` check and its load raised SIGSEGV. That window is nanoseconds wide, so this
        // stress (many loops reading, shut down at once, 20 rounds) rarely hits it; what it always checks is
        // that run() itself closes the mapping, which is where the close now is: after its request loops.
        let busy = try scenario(
            """
            [pool]
            minimum = 2
            maximum = 4
            [backend]
            latency_median_ms = 1
            latency_p99_ms = 2
            [mapped_file]
            size_mib = 1
            reads_per_request = 1000
            [[phase]]
            name = "busy"
            duration_seconds = 30
            rate = 5000
            concurrency = 32
            """
        )
        for _ in 0..<20 {
            let service = try SyntheticService(scenario: busy)
            let load = Task { await service.run() }
            while service.engine.snapshot().pools.first.map({ $0.counters.acquired < 20 }) ?? true {
                try await Task.sleep(for: .milliseconds(1))
            }
            await service.shutdown()
            let mapping = try #require(service.mapping)
            await load.value
            #expect(throws: PatinoxError.self, "closed once run() returned") { try mapping.element(at: 0) }
        }
    }
}

/// Moves a manual clock on by `step` every `pause` of real time, so that a scenario's minutes pass in seconds
/// while its tasks run between the steps.
final class ClockDriver: Sendable {
    private let task: Task<Void, Never>

    init(_ clock: ManualClock, step: Duration = .milliseconds(5), pause: Duration = .microseconds(500)) {
        task = Task {
            while !Task.isCancelled {
                clock.advance(by: step)
                try? await Task.sleep(for: pause)
            }
        }
    }

    func stop() { task.cancel() }
}
