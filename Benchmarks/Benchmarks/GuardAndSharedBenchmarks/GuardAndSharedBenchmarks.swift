import Benchmark
import PatinoxMemory

// SharedData reads and updates (with and without a reader holding the current version), and the cost
// of a resource guard from creation to cleanup.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 2_000
    )

    Benchmark(
        "SharedData: read value",
        configuration: .init(thresholds: [.mallocCountTotal: .init(absolute: [.p90: 0])])
    ) { benchmark in
        let shared = SharedData(name: "bench", Settings())
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(shared.value.limit) }
    }

    Benchmark("SharedData: update, nobody holds the version (in place)") { benchmark in
        let shared = SharedData(name: "bench", ChunkedArray(0..<100_000))
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations { shared.update { $0[index % 100_000] = index } }
    }

    Benchmark("SharedData: update, a reader holds the version (copy, 100k chunked)") { benchmark in
        let shared = SharedData(name: "bench", ChunkedArray(0..<100_000))
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            let held = shared.snapshot()
            shared.update { $0[index % 100_000] = index }
            blackHole(held)
        }
    }

    Benchmark("SharedData: update, a reader holds the version (copy, 100k Array)") { benchmark in
        let shared = SharedData(name: "bench", Array(0..<100_000))
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            let held = shared.snapshot()
            shared.update { $0[index % 100_000] = index }
            blackHole(held)
        }
    }

    Benchmark("ResourceGuard: create + cleanup") { benchmark in
        let registry = CleanupRegistry(name: "bench")
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            let guarded = ResourceGuard(index, name: "r", registry: registry) { blackHole($0) }
            try await guarded.cleanup()
        }
    }
}

struct Settings: Sendable {
    var limit = 100
    var name = "default"
}
