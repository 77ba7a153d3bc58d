import Benchmark
import Foundation
import Glibc
import PatinoxMemory

// SharedData reads and updates (with and without a reader holding the current version), the cost of a
// resource guard from creation to cleanup, and a MappedFile scan against pread of the same file.

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

    Benchmark(
        "MappedFile: sequential scan of 64 MiB (withElements)",
        configuration: .init(scalingFactor: .one, maxIterations: 50)
    ) { benchmark in
        let mapping = try MappedFile<UInt64>(path: scanFile, safety: .ownFile)
        try mapping.advise(.sequential)
        benchmark.startMeasurement()
        let sum = try mapping.withElements(0..<mapping.count) { $0.reduce(0, &+) }
        blackHole(sum)
    }

    Benchmark(
        "pread: sequential scan of 64 MiB (1 MiB reads)",
        configuration: .init(scalingFactor: .one, maxIterations: 50)
    ) { benchmark in
        let descriptor = open(scanFile, O_RDONLY)
        defer { close(descriptor) }
        var buffer = [UInt64](repeating: 0, count: 1 << 17)
        var sum: UInt64 = 0
        benchmark.startMeasurement()
        for chunk in 0..<64 {
            let read = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(chunk << 20)) }
            precondition(read == 1 << 20)
            sum = buffer.reduce(sum, &+)
        }
        blackHole(sum)
    }

    Benchmark(
        "Engine: snapshot of 20 pools, 20 caches, 1000 guards, 10 mappings",
        configuration: .init(scalingFactor: .one)
    ) {
        benchmark in
        let setup = try EngineSetup()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(setup.engine.snapshot()) }
        benchmark.stopMeasurement()
        blackHole(setup)
    }

    // 1000 events per iteration; the ring holds 256. "storm": one component fails the same way (folded into
    // the newest entry); "distinct": 1000 different components (each takes a slot, the fold search misses).
    let storm = (0..<1000).map { ("cache/users", "load-failed", "load failed after \($0 % 50) µs") }
    let distinct = (0..<1000).map { ("pool/p\($0)", "resized", "resized") }
    for (name, events) in [("a storm of repeats (folded)", storm), ("all different (no fold)", distinct)] {
        Benchmark("Engine: record 1000 events, \(name)", configuration: .init(scalingFactor: .one)) { benchmark in
            let engine = Engine(name: "bench")
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                for (component, kind, message) in events {
                    engine.record(component: component, kind: kind, message: message)
                }
            }
            benchmark.stopMeasurement()
            blackHole(engine.snapshot().events.count)
        }
    }

    Benchmark("Engine: JSON encoding of that snapshot (jsonData)", configuration: .init(scalingFactor: .one)) {
        benchmark in
        let setup = try EngineSetup()
        let snapshot = setup.engine.snapshot()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try snapshot.jsonData()) }
        benchmark.stopMeasurement()
        blackHole(setup)
    }

    Benchmark("Engine: JSON encoding of that snapshot (Foundation)", configuration: .init(scalingFactor: .one)) {
        benchmark in
        let setup = try EngineSetup()
        let snapshot = setup.engine.snapshot()
        let encoder = JSONEncoder()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try encoder.encode(snapshot)) }
        benchmark.stopMeasurement()
        blackHole(setup)
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

/// A 64 MiB file of UInt64s in /tmp, written once per process.
let scanFile: String = {
    let path = "/tmp/memtop-bench-scan.bin"
    let descriptor = open(path, O_CREAT | O_RDWR | O_TRUNC, 0o644)
    var values = (0..<(8 << 20)).map { UInt64($0) }
    _ = values.withUnsafeMutableBytes { write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
    return path
}()

/// An engine with 20 pools, 20 caches, a registry holding 1000 live guards and 10 mapped files.
struct EngineSetup {
    let engine = Engine(name: "bench")
    let pools: [Pool<NoopCleanFactory>]
    let caches: [Cache<Int, Int>]
    let guards: [ResourceGuard<Int>]
    let mappings: [MappedFile<UInt64>]

    init() throws {
        pools = try (0..<20).map { try Pool(name: "pool\($0)", factory: NoopCleanFactory()) }
        for pool in pools { Task { try await pool.run() } }  // they open their connections while they run
        caches = try (0..<20).map { index in
            var configuration = CacheConfiguration<Int, Int>()
            configuration.maximumCount = 1000
            let cache = try Cache<Int, Int>(name: "cache\(index)", configuration: configuration)
            for key in 0..<500 { cache.put(key, key) }
            return cache
        }
        let registry = CleanupRegistry(name: "guards")
        guards = (0..<1000).map { ResourceGuard($0, name: "g", registry: registry) { blackHole($0) } }
        mappings = try (0..<10).map { _ in try MappedFile<UInt64>(path: scanFile, elementCount: 1 << 17) }
        pools.forEach(engine.register)
        caches.forEach(engine.register)
        engine.register(registry)
        mappings.forEach(engine.register)
    }
}

struct NoopCleanFactory: ConnectionFactory {
    func makeConnection() async throws -> Int { 1 }
    func validate(_ connection: Int) async -> Bool { true }
    func close(_ connection: Int) async {}
}

struct Settings: Sendable {
    var limit = 100
    var name = "default"
}
