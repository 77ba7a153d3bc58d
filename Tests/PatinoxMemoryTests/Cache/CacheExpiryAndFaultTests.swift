import MemtopTestSupport
import Testing

@testable import PatinoxMemory

@Suite("Cache: time-to-live, time-to-idle and fault hooks on a manual clock")
struct CacheExpiryAndFaultTests {
    @Test("entries expire after the default TTL and are never returned after it")
    func defaultTimeToLive() throws {
        let clock = ManualClock()
        let log = RemovalLog<String, Int>()
        let cache = try makeCache(clock: clock, log: log) { $0.defaultTimeToLive = .seconds(10) }
        cache.put("a", 1)
        clock.advance(by: .seconds(9))
        #expect(cache.get("a") == 1)
        clock.advance(by: .seconds(1))
        #expect(cache.get("a") == nil)
        #expect(!cache.contains("a"))
        #expect(cache.status().stats.expirations == 1)
        #expect(log.causes == [.expired])
    }

    @Test("a per-entry TTL overrides the default, and turns on expiry for caches without one")
    func perEntryTimeToLive() throws {
        let clock = ManualClock()
        let cache = try makeCache(count: 10, clock: clock) as Cache<String, Int>
        cache.put("forever", 1)
        cache.put("short", 2, timeToLive: .seconds(1))
        clock.advance(by: .seconds(2))
        #expect(cache.get("short") == nil)
        #expect(cache.get("forever") == 1)
    }

    @Test("time-to-idle: reads keep an entry alive, but never past its TTL")
    func timeToIdle() throws {
        let clock = ManualClock()
        let cache = try makeCache(clock: clock) { (configuration: inout CacheConfiguration<String, Int>) in
            configuration.timeToIdle = .seconds(5)
            configuration.defaultTimeToLive = .seconds(12)
        }
        cache.put("a", 1)
        for _ in 0..<2 {
            clock.advance(by: .seconds(4))
            #expect(cache.get("a") == 1)
        }
        clock.advance(by: .seconds(4))  // 12 s: the TTL ends though the entry was read 4 s ago
        #expect(cache.get("a") == nil)
        cache.put("b", 2)
        clock.advance(by: .seconds(6))
        #expect(cache.get("b") == nil, "idle for 6 s > 5 s")
    }

    @Test("cleanUp sweeps expired entries without reads")
    func cleanUp() throws {
        let clock = ManualClock()
        let cache = try makeCache(count: 10, clock: clock) { $0.defaultTimeToLive = .seconds(1) } as Cache<String, Int>
        for key in ["a", "b", "c"] { cache.put(key, 0) }
        clock.advance(by: .seconds(2))
        #expect(cache.cleanUp() == 3)
        #expect(cache.status().count == 0)
    }

    @Test("flush empties the cache; forceMisses makes reads miss for a while")
    func flushAndForcedMisses() throws {
        let clock = ManualClock()
        let cache = try makeCache(clock: clock) as Cache<String, Int>
        cache.put("a", 1)
        cache.flush()
        #expect(cache.get("a") == nil)
        cache.put("a", 1)
        cache.forceMisses(for: .seconds(5))
        #expect(cache.status().forcingMisses)
        #expect(cache.get("a") == nil)
        clock.advance(by: .seconds(5))
        #expect(cache.get("a") == 1)
        #expect(!cache.status().forcingMisses)
    }

    @Test("squeezeCapacity evicts down to the squeezed size, then the bound comes back")
    func squeeze() async throws {
        let clock = ManualClock()
        var configuration = CacheConfiguration<Int, Int>()
        configuration.maximumCount = 100
        configuration.shards = 1
        let cache = try Cache(name: "squeeze", configuration: configuration, clock: clock)
        for key in 0..<100 { cache.put(key, key) }
        try cache.squeezeCapacity(to: 0.25, for: .seconds(3))
        #expect(cache.status().count == 25 && cache.status().squeezed)
        for key in 100..<200 { cache.put(key, key) }
        #expect(cache.status().count == 25)
        #expect(throws: PatinoxError.self) { try cache.squeezeCapacity(to: 1.5, for: .seconds(1)) }
        #expect(await eventually { clock.sleeperCount > 0 }, "the housekeeping task is asleep on the clock")
        clock.advance(by: .seconds(4))  // the housekeeping task wakes and lifts the squeeze
        #expect(await eventually { !cache.status().squeezed })
        for key in 200..<300 { cache.put(key, key) }
        #expect(cache.status().count == 100)
    }

    @Test("the housekeeping task samples to the monitor")
    func monitorSamples() async throws {
        let monitor = RecordingMonitor()
        var configuration = CacheConfiguration<Int, Int>()
        configuration.maximumCount = 10
        let cache = try Cache(
            name: "sampled",
            configuration: configuration,
            monitor: monitor,
            housekeepingInterval: .milliseconds(10)
        )
        cache.put(1, 1)
        _ = cache.get(1)
        // Generous: on a loaded two-core machine the first samples can wait for a free cooperative thread.
        #expect(await eventually(30) { monitor.samples.withLockedValue { $0.contains { $0.source.kind == .cache } } })
        let sample = try #require(monitor.samples.withLockedValue { $0.last })
        #expect(sample.totals.contains { $0.name == "cache_hits" && $0.value == 1 })
    }
}
