import ArgumentParser
import Foundation
import PatinoxMemory

/// `memtop snapshot`: runs the in-process demo engine headless and prints its snapshots.
struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Run the built-in demo engine headless and print a snapshot every interval.",
        discussion: """
            With --json each snapshot is one line of JSON (an EngineSnapshot, schema version 1), for
            scripts and tests. Without it, a short summary per snapshot.
            """
    )

    @Option(help: "How long to run, in seconds.")
    var seconds: Double = 3

    @Option(help: "Milliseconds between snapshots.")
    var interval: Int = 1_000

    @Option(help: "Concurrent request loops driving the demo.")
    var workers: Int = 16

    @Flag(help: "Print each snapshot as one line of JSON.")
    var json = false

    func validate() throws {
        guard seconds > 0, seconds <= 86_400 else { throw ValidationError("--seconds must be in (0, 86400].") }
        guard interval >= 10 else { throw ValidationError("--interval must be at least 10 ms.") }
        guard (1...10_000).contains(workers) else { throw ValidationError("--workers must be in 1...10000.") }
    }

    func run() async throws {
        let demo = try DemoLoad()
        let load = Task { await demo.run(workers: workers) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        repeat {
            try await Task.sleep(for: .milliseconds(interval))
            let snapshot = demo.engine.snapshot()
            if json {
                print(String(decoding: try encoder.encode(snapshot), as: UTF8.self))
            } else {
                print(Self.summary(snapshot))
            }
        } while ContinuousClock.now < deadline
        load.cancel()
        await load.value
        await demo.pool.shutdown(deadline: .seconds(1))
    }

    static func summary(_ snapshot: EngineSnapshot) -> String {
        var lines = ["engine '\(snapshot.engine)' · health \(snapshot.health.overall.rawValue)"]
        for pool in snapshot.pools {
            lines.append(
                "  pool \(pool.name): \(pool.leased)/\(pool.total) leased, \(pool.waiters) waiting, "
                    + "p99 \(pool.acquireLatency.p99.humanReadable)"
            )
        }
        for cache in snapshot.caches {
            lines.append("  cache \(cache.name): \(cache.count) entries, hit ratio \(cache.stats.hitRatio.percentText)")
        }
        for registry in snapshot.guards {
            lines.append(
                "  guards \(registry.name): \(registry.status.cleaned) cleaned, \(registry.status.pending) pending"
            )
        }
        return lines.joined(separator: "\n")
    }
}
