import Benchmark
import Foundation
import PatinoxMemory

// Cache benchmarks: get on a hit (ns, mallocs) per policy. The mixed 90/10 workload with peers
// (Caffeine, NSCache) and the scale runs (1 thousand to 10 million entries) are in CacheWorkload.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 2_000
    )

    for policy in CachePolicy.allCases {
        Benchmark(
            "Cache: get hit, 1 task, \(policy), 10k entries",
            configuration: .init(thresholds: [.mallocCountTotal: .init(absolute: [.p90: 0])])
        ) { benchmark in
            let cache = try filledCache(policy: policy, entries: 10_000)
            var key = 0
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(cache.get(key))
                key = key == 9_999 ? 0 : key + 1
            }
            benchmark.stopMeasurement()
        }
    }

    // Expiry costs what expired, not what is stored: 1,000,000 entries with a time-to-live, 1 % of them due.
    Benchmark(
        "Cache: expiry sweep, 1M entries, 1% expired",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], scalingFactor: .one, maxIterations: 60)
    ) { benchmark in
        let clock = ManualClock()
        var configuration = CacheConfiguration<Int, Int>()
        configuration.maximumCount = 2_000_000
        // Housekeeping would sweep on its own when the clock moves: once an hour of manual time, never here.
        let cache = try Cache<Int, Int>(
            name: "sweep",
            configuration: configuration,
            clock: clock,
            housekeepingInterval: .seconds(3_600)
        )
        for key in 10_000..<1_000_000 { cache.put(key, key, timeToLive: .seconds(3_000)) }
        for _ in benchmark.scaledIterations {
            for key in 0..<10_000 { cache.put(key, key, timeToLive: .seconds(1)) }
            clock.advance(by: .seconds(2))
            benchmark.startMeasurement()
            blackHole(cache.cleanUp())
            benchmark.stopMeasurement()
        }
    }
}

/// A cache of `entries` integers, full, with every key present.
func filledCache(policy: CachePolicy, entries: Int) throws -> Cache<Int, Int> {
    var configuration = CacheConfiguration<Int, Int>()
    configuration.maximumCount = entries
    configuration.policy = policy
    let cache = try Cache<Int, Int>(name: "bench", configuration: configuration)
    for key in 0..<entries { cache.put(key, key) }
    for key in 0..<entries { _ = cache.get(key) }  // leave every key hit once (TinyLFU keeps them all)
    return cache
}
