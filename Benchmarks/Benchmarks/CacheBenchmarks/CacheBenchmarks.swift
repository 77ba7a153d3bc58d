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

    // The live sizing curve's cost per read: one read in 2 of a 10k cache is replayed into its seven shadows, one
    // in 16 of a 100k cache's (beside the same 100k cache without the curve).
    for (entries, sizing) in [(10_000, true), (100_000, false), (100_000, true)] {
        Benchmark(
            "Cache: get hit, 1 task, lru, \(entries / 1_000)k entries, sizing curve \(sizing ? "on" : "off")",
            configuration: .init(thresholds: [.mallocCountTotal: .init(absolute: [.p90: 0])])
        ) { benchmark in
            let cache = try filledCache(policy: .lru, entries: entries, sizingCurve: sizing)
            var key = 0
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(cache.get(key))
                key = key == entries - 1 ? 0 : key + 1
            }
            benchmark.stopMeasurement()
        }
    }

    // One sample per iteration: each sweep needs its own expired entries.
    let sweepConfiguration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal],
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 100
    )

    // Expiry costs what expired, not what is stored: 1,000,000 entries with a time-to-live, none of them due.
    Benchmark(
        "Cache: expiry sweep, 1M entries, none expired",
        configuration: sweepConfiguration
    ) { benchmark in
        let fixture = try SweepFixture.shared.get()
        benchmark.startMeasurement()
        blackHole(fixture.cache.cleanUp())
        benchmark.stopMeasurement()
    }

    // ... and with 1 % of them due: the removals themselves, the same before and after.
    Benchmark(
        "Cache: expiry sweep, 1M entries, 1% expired",
        configuration: sweepConfiguration
    ) { benchmark in
        let fixture = try SweepFixture.shared.get()
        for key in 0..<10_000 { fixture.cache.put(key, key, timeToLive: .seconds(1)) }
        fixture.clock.advance(by: .seconds(2))
        benchmark.startMeasurement()
        blackHole(fixture.cache.cleanUp())
        benchmark.stopMeasurement()
    }
}

/// 990,000 entries living 50 minutes of manual time, made once: each iteration adds 10,000 that live one
/// second, moves the clock two seconds and measures the sweep that removes them.
final class SweepFixture: Sendable {
    static let shared = Result { try SweepFixture() }
    let clock = ManualClock()
    let cache: Cache<Int, Int>

    init() throws {
        var configuration = CacheConfiguration<Int, Int>()
        configuration.maximumCount = 2_000_000
        // Housekeeping would sweep on its own when the clock moves: once an hour of manual time, never here.
        cache = try Cache(
            name: "sweep",
            configuration: configuration,
            clock: clock,
            housekeepingInterval: .seconds(3_600)
        )
        for key in 10_000..<1_000_000 { cache.put(key, key, timeToLive: .seconds(3_000)) }
    }
}

/// A cache of `entries` integers, full, with every key present.
func filledCache(policy: CachePolicy, entries: Int, sizingCurve: Bool = false) throws -> Cache<Int, Int> {
    var configuration = CacheConfiguration<Int, Int>()
    configuration.maximumCount = entries
    configuration.policy = policy
    configuration.sizingCurve = sizingCurve
    let cache = try Cache<Int, Int>(name: "bench", configuration: configuration)
    for key in 0..<entries { cache.put(key, key) }
    for key in 0..<entries { _ = cache.get(key) }  // leave every key hit once (TinyLFU keeps them all)
    return cache
}
