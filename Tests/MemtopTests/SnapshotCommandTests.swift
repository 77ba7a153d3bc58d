import Foundation
import PatinoxMemory
import Testing

@testable import memtop

@Suite("memtop snapshot")
struct SnapshotCommandTests {
    @Test("the demo load drives the real components and the snapshot shows it")
    func demoSnapshot() async throws {
        let demo = try DemoLoad()
        let load = Task { await demo.run(workers: 8) }
        // Other suites run in parallel and share the two cooperative threads: wait for progress, not a time.
        var snapshot = demo.engine.snapshot()
        for _ in 0..<200 {
            snapshot = demo.engine.snapshot()
            let busy =
                snapshot.pools.first?.counters.acquired ?? 0 > 0 && snapshot.caches.first?.stats.hits ?? 0 > 0
                && snapshot.guards.first?.status.cleaned ?? 0 > 0
            if busy { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        load.cancel()
        await load.value
        #expect(snapshot.pools.first?.counters.acquired ?? 0 > 0)
        #expect(snapshot.caches.first?.stats.hits ?? 0 > 0)
        #expect(snapshot.guards.first?.status.cleaned ?? 0 > 0)
        let decoded = try JSONDecoder().decode(EngineSnapshot.self, from: JSONEncoder().encode(snapshot))
        #expect(decoded == snapshot)
        let summary = SnapshotCommand.summary(snapshot)
        #expect(summary.contains("pool db:") && summary.contains("cache users:") && summary.contains("hit ratio"))
        await demo.pool.shutdown(deadline: .seconds(1))
    }

    @Test("bad options are refused with the reason")
    func validation() {
        #expect(throws: (any Error).self) { try SnapshotCommand.parse(["--interval", "1"]) }
        #expect(throws: (any Error).self) { try SnapshotCommand.parse(["--seconds", "0"]) }
        #expect(throws: (any Error).self) { try SnapshotCommand.parse(["--workers", "0"]) }
        #expect((try? SnapshotCommand.parse(["--seconds", "2", "--json"]))?.json == true)
    }
}
