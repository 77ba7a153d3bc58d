// The terminal UI's own cost: one 120×40 frame from a state holding recorded snapshots (goal ≤ 1 ms), and the
// fleet view's per-engine work at 10,000 engines (issue #17: a summary read per message, the table once a second).
import Benchmark
import Foundation
import MemtopFeed
import MemtopSource
import MemtopUI
import PatinoxMemory

/// The recorded snapshots the UI tests use (Tests/MemtopUITests/Fixtures).
func fixtureState(width: Int, height: Int) throws -> AppState {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Tests/MemtopUITests/Fixtures")
    var state = AppState(source: SourceInfo(kind: .local, detail: "benchmark"))
    _ = state.reduce(.resize(width: width, height: height))
    for (index, name) in ["flaky-1", "flaky-2"].enumerated() {
        let data = try Data(contentsOf: folder.appendingPathComponent("\(name).json"))
        _ = state.reduce(.snapshot(try JSONDecoder().decode(EngineSnapshot.self, from: data), now: .seconds(index)))
    }
    return state
}

/// A summary as Benchmarks/fleet/loadgen.py publishes it: engine `index` of services of ten replicas.
func summaryPayload(_ index: Int, takenAt: UInt64 = 1_234_567_890_123) -> [UInt8] {
    let engine = "e-" + String(repeating: "0", count: max(0, 5 - String(index).count)) + String(index)
    let service = "svc-" + String(repeating: "0", count: max(0, 4 - String(index / 10).count)) + String(index / 10)
    return Array(
        (#"{"summaryVersion":1,"engine":"\#(engine)","service":"\#(service)","instance":"\#(index % 10)","#
            + #""labels":{"region":"eu-west"},"takenAt":\#(takenAt),"health":"healthy","reasons":[],"#
            + #""pools":[{"name":"db","leased":\#(index * 7 % 10),"maximum":10,"waiters":0,"timeoutsPerSecond":0,"#
            + #""waitingSeconds":0}],"caches":[{"name":"users","hitRatio":0.82}],"guardFailures":0,"faults":0,"#
            + #""warnings":[]}"#).utf8
    )
}

/// A broker's fleet of `count` engines as the source lists them.
func fleetListing(_ count: Int) -> [EngineListing] {
    (0..<count).map { index in
        guard case .success(let summary) = RemoteSource.decodeSummary(summaryPayload(index)) else {
            fatalError("the benchmark's summary decodes")
        }
        return EngineListing(
            name: summary.engine,
            silentFor: .milliseconds(index % 1000),
            rate: 1,
            bytes: 340,
            summary: summary
        )
    }
}

/// A 120×40 state on the fleet view of `count` engines.
func fleetState(_ count: Int) -> AppState {
    var state = AppState(source: SourceInfo(kind: .remote, detail: "benchmark"))
    _ = state.reduce(.resize(width: 120, height: 40))
    _ = state.reduce(.engines(fleetListing(count)))
    _ = state.reduce(.openFleet)
    return state
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(2))

    Benchmark("Screen: render one 120x40 frame (256 events)") { benchmark in
        let state = try fixtureState(width: 120, height: 40)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(Screen.render(state, glyphs: .unicode)) }
    }

    Benchmark("Screen: render one 80x24 frame") { benchmark in
        let state = try fixtureState(width: 80, height: 24)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(Screen.render(state, glyphs: .unicode)) }
    }

    Benchmark("AppState: take in a snapshot (rates, history, warnings)") { benchmark in
        var state = try fixtureState(width: 120, height: 40)
        guard let snapshot = state.snapshot else { fatalError("the fixture state has a snapshot") }
        var now = Duration.seconds(2)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            now += .milliseconds(200)
            blackHole(state.reduce(.snapshot(snapshot, now: now)))
        }
    }

    // Made once: the benchmarks below run their closures several times, and 10,000 summaries take a while.
    let fleet = fleetState(10_000)
    let listing = fleetListing(10_000)

    Benchmark("Fleet: decode one summary (read, version and limits checked)") { benchmark in
        let payload = summaryPayload(4_321)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(RemoteSource.decodeSummary(payload, engine: "e-04321")) }
    }

    Benchmark("Fleet: take in a listing of 10,000 engines (group, order)", configuration: .init(maxIterations: 200)) {
        benchmark in
        var state = fleet
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(state.reduce(.engines(listing))) }
    }

    Benchmark("Fleet: render the fleet view of 10,000 engines, 120x40") { benchmark in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(Screen.render(fleet, glyphs: .unicode)) }
    }
}
