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
