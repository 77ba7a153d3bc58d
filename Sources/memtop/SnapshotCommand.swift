import ArgumentParser
import Foundation
import MemtopWorkload
import PatinoxMemory

/// `memtop snapshot`: runs a demo scenario's engine headless and prints its snapshots.
struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Run a demo scenario headless and print the engine's snapshot every interval.",
        discussion: """
            With --json each snapshot is one line of JSON (an EngineSnapshot, schema version 1), for \
            scripts and tests; with --prometheus, Prometheus text exposition; otherwise a short summary. \
            Without --scenario the built-in steady scenario runs (demo/steady.toml).
            """
    )

    @Option(help: "A scenario file (demo/*.toml). Default: the built-in steady scenario.")
    var scenario: String?

    @Option(help: "How long to run, in seconds.")
    var seconds: Double = 3

    @Option(help: "Milliseconds between snapshots.")
    var interval: Int = 1_000

    @Flag(help: "Print each snapshot as one line of JSON.")
    var json = false

    @Flag(help: "Print each snapshot as Prometheus text (separated by a blank line).")
    var prometheus = false

    func validate() throws {
        guard seconds > 0, seconds <= 86_400 else { throw ValidationError("--seconds must be in (0, 86400].") }
        guard interval >= 10 else { throw ValidationError("--interval must be at least 10 ms.") }
        guard !(json && prometheus) else { throw ValidationError("choose one of --json and --prometheus.") }
    }

    func run() async throws {
        let scenario = try scenario.map { path throws(PatinoxError) in try Scenario.load(path: path) } ?? .builtin
        let service = try SyntheticService(scenario: scenario)
        let load = Task { await service.run() }
        let exporter = PrometheusExporter()
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        repeat {
            try await Task.sleep(for: .milliseconds(interval))
            let snapshot = service.engine.snapshot()
            if json {
                print(String(decoding: try snapshot.jsonData(), as: UTF8.self))
            } else if prometheus {
                print(exporter.render(snapshot))
            } else {
                print(Self.summary(snapshot, phase: service.currentPhase))
            }
            fflush(nil)  // all streams: a pipe reader sees each snapshot as it is taken
        } while ContinuousClock.now < deadline
        await service.shutdown()  // drains the pool; run() then returns
        await load.value
    }

    static func summary(_ snapshot: EngineSnapshot, phase: String) -> String {
        var lines = ["engine '\(snapshot.engine)' · phase '\(phase)' · health \(snapshot.health.overall.rawValue)"]
        for pool in snapshot.pools {
            lines.append(
                "  pool \(pool.name): \(pool.leased)/\(pool.total) leased (max \(pool.maximum)), "
                    + "\(pool.waiters) waiting, \(pool.counters.timedOut) timed out, "
                    + "\(pool.counters.replaced) replaced, p99 \(pool.acquireLatency.p99.humanReadable)"
            )
        }
        for cache in snapshot.caches {
            lines.append("  cache \(cache.name): \(cache.count) entries, hit ratio \(cache.stats.hitRatio.percentText)")
        }
        for registry in snapshot.guards {
            lines.append(
                "  guards \(registry.name): \(registry.status.cleaned) cleaned, \(registry.status.failed) failed, "
                    + "\(registry.status.pending) pending"
            )
        }
        for mapping in snapshot.mappings {
            lines.append("  mapping \(mapping.path): \(mapping.bytes) bytes")
        }
        return lines.joined(separator: "\n")
    }
}
