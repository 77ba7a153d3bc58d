// The terminal UI's own cost: one 120×40 frame from a state holding recorded snapshots (goal ≤ 1 ms).
import Benchmark
import Foundation
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
        _ = state.reduce(.snapshot(try JSONDecoder().decode(EngineSnapshot.self, from: data), now: Double(index)))
    }
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
        var now = 2.0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            now += 0.2
            blackHole(state.reduce(.snapshot(snapshot, now: now)))
        }
    }
}
