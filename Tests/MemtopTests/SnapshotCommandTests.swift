import Foundation
import MemtopWorkload
import PatinoxMemory
import Testing

@testable import memtop

@Suite("memtop snapshot", .timeLimit(.minutes(2)))
struct SnapshotCommandTests {
    @Test("the built-in scenario drives the real components; summary, JSON and Prometheus all show it")
    func builtinScenarioSnapshot() async throws {
        let service = try SyntheticService(scenario: .builtin)
        let load = Task { await service.run() }
        // Other suites run in parallel and share the two cooperative threads: wait for progress, not a time.
        var snapshot = service.engine.snapshot()
        for _ in 0..<200 {
            snapshot = service.engine.snapshot()
            let busy =
                snapshot.pools.first?.counters.acquired ?? 0 > 0 && snapshot.caches.first?.stats.hits ?? 0 > 0
                && snapshot.guards.first?.status.cleaned ?? 0 > 0
            if busy { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        load.cancel()
        await load.value
        await service.shutdown()
        let pool = try #require(snapshot.pools.first)
        let cache = try #require(snapshot.caches.first)
        #expect(pool.counters.acquired > 0 && cache.stats.hits > 0)
        #expect(snapshot.guards.first?.status.cleaned ?? 0 > 0)
        let decoded = try JSONDecoder().decode(EngineSnapshot.self, from: Data(try snapshot.jsonData()))
        #expect(decoded == snapshot)
        let summary = SnapshotCommand.summary(snapshot, phase: "morning")
        #expect(summary.contains("pool db:") && summary.contains("cache users:") && summary.contains("phase 'morning'"))
        let text = PrometheusExporter().render(snapshot)
        #expect(text.contains("# TYPE memtop_pool_acquired_total counter"))
        #expect(text.contains("memtop_pool_acquired_total{pool=\"db\"} \(pool.counters.acquired)\n"))
        #expect(text.contains("memtop_cache_hits_total{cache=\"users\"} \(cache.stats.hits)\n"))
        #expect(text.contains("memtop_pool_connections{pool=\"db\",state=\"leased\"}"))
        #expect(text.contains("memtop_engine_health 0.0") || text.contains("memtop_engine_health 1.0"))
    }

    @Test("a counter set after a stats reset reads as a Prometheus counter reset")
    func prometheusCountersFollowResets() {
        let exporter = PrometheusExporter()
        var snapshot = EngineSnapshot(engine: "e", takenAt: 0)
        var guards = GuardRegistrySnapshot(name: "r", status: GuardStatus(), failingCleanups: false)
        guards.status.cleaned = 50
        snapshot.guards = [guards]
        #expect(exporter.render(snapshot).contains("memtop_guards_cleaned_total{registry=\"r\"} 50\n"))
        snapshot.guards[0].status.cleaned = 3
        #expect(exporter.render(snapshot).contains("memtop_guards_cleaned_total{registry=\"r\"} 3\n"))
    }

    @Test("bad options are refused with the reason")
    func validation() {
        #expect(throws: (any Error).self) { try SnapshotCommand.parse(["--interval", "1"]) }
        #expect(throws: (any Error).self) { try SnapshotCommand.parse(["--seconds", "0"]) }
        #expect(throws: (any Error).self) { try SnapshotCommand.parse(["--json", "--prometheus"]) }
        #expect((try? SnapshotCommand.parse(["--seconds", "2", "--json"]))?.json == true)
        #expect((try? SnapshotCommand.parse(["--scenario", "demo/x.toml"]))?.scenario == "demo/x.toml")
    }
}
