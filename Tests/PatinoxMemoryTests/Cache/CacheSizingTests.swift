import Foundation
import Testing

@testable import PatinoxMemory

@Suite("Cache: the live sizing curve and the eviction causes")
struct CacheSizingTests {
    static func cache(
        _ bound: Int,
        policy: CachePolicy = .lru,
        sizing: Bool = true
    ) throws -> Cache<Int, Int> {
        var configuration = CacheConfiguration<Int, Int>()
        configuration.maximumCount = bound
        configuration.policy = policy
        configuration.shards = 1
        configuration.sizingCurve = sizing
        return try Cache(name: "sized", configuration: configuration, seed: 3)
    }

    @Test("the sampling rate leaves the ¼× shadow 1,024 entries at least, and samples every key of a small cache")
    func samplingRate() {
        #expect(SizingShadows.rate(forBound: 100) == 1)
        #expect(SizingShadows.rate(forBound: 2_000) == 1)
        #expect(SizingShadows.rate(forBound: 100_000) == 16)
        for bound in [4_096, 50_000, 1_000_000] {
            let rate = SizingShadows.rate(forBound: bound)
            #expect(Double(bound) / 4 / Double(rate) >= 1_024, "\(bound): 1 in \(rate)")
            #expect(Double(bound) / 4 / Double(rate * 2) < 1_024, "\(bound): 1 in \(rate) is not the sparsest")
        }
    }

    @Test(
        "a loop over 1.5× the bound: LRU gets nothing at 1×, everything at 2× and 4× (exact when every key is sampled)"
    )
    func loopCurve() throws {
        let cache = try Self.cache(1_000)
        for _ in 0..<20 {
            for key in 0..<1_500 where cache.get(key) == nil { cache.put(key, key) }
        }
        let curve = try #require(cache.status().sizing)
        #expect(curve.sampleRate == 1)
        #expect(curve.points.map(\.capacity) == [250, 500, 1_000, 2_000, 4_000])
        let ratios = curve.points.map(\.hitRatio)
        #expect(ratios[0] == 0 && ratios[1] == 0 && ratios[2] == 0)
        // 2× and 4× hold the whole loop: every read but the first pass's hits.
        #expect(abs(ratios[3] - 19.0 / 20) < 1e-9 && abs(ratios[4] - 19.0 / 20) < 1e-9)
        #expect(curve.policies.map(\.policy) == [.sieve, .wTinyLFU])
        #expect(curve.policies[1].hitRatio > 0.3, "W-TinyLFU keeps part of a loop LRU loses")
        #expect(curve.sampledReads == 30_000)
        #expect(abs(cache.status().stats.hitRatio - ratios[2]) < 1e-9, "the 1× shadow is the cache itself")
    }

    @Test("off by default and free of shadows; needs a count bound; a reset forgets the counts; a resize re-centres")
    func lifecycle() throws {
        #expect(try Self.cache(100, sizing: false).status().sizing == nil)
        var configuration = CacheConfiguration<Int, Int>()
        configuration.maximumCount = nil
        configuration.maximumWeight = 100
        configuration.weigher = { _, _ in 1 }
        configuration.sizingCurve = true
        #expect(throws: PatinoxError.self) { try Cache(name: "w", configuration: configuration) }
        let cache = try Self.cache(100)
        for key in 0..<300 where cache.get(key % 150) == nil { cache.put(key % 150, key) }
        #expect(cache.status().sizing?.sampledReads == 300)
        cache.resetStatistics()
        #expect(cache.status().sizing?.sampledReads == 0)
        try cache.resize(maximumCount: 400)
        #expect(cache.status().sizing?.points.map(\.capacity) == [100, 200, 400, 800, 1_600])
    }

    @Test("eviction causes: evicted (and their weight), expired, removed on request, replaced")
    func evictionCauses() throws {
        var configuration = CacheConfiguration<Int, Int>()
        configuration.maximumCount = nil
        configuration.maximumWeight = 10
        configuration.weigher = { _, value in value }
        configuration.shards = 1
        let cache = try Cache(name: "causes", configuration: configuration)
        cache.put(1, 4)
        cache.put(2, 4)
        cache.put(3, 4)  // evicts key 1 (weight 4)
        cache.put(2, 3)  // replaces
        cache.remove(3)
        cache.put(5, 1)
        cache.invalidateAll()  // removes 2 and 5
        let stats = cache.status().stats
        #expect(stats.evictions == 1 && stats.evictedWeight == 4)
        #expect(stats.replacements == 1)
        #expect(stats.removals == 3)
        // A snapshot from an engine without the new counts still decodes, with zeros.
        let old = #"{"hits":1,"misses":2,"evictions":3,"expirations":4,"loads":5,"loadFailures":6,"rejections":7}"#
        let decoded = try JSONDecoder().decode(CacheStats.self, from: Data(old.utf8))
        #expect(decoded.evictions == 3 && decoded.removals == 0 && decoded.evictedWeight == 0)
        let again = try JSONDecoder().decode(CacheStats.self, from: try JSONEncoder().encode(stats))
        #expect(again == stats)
    }

    @Test("the resizeCache command applies a size, within the ceiling, to caches only")
    func resizeCommand() throws {
        let engine = Engine(name: "sizing")
        let cache = try Self.cache(1_000)
        engine.register(cache)
        let result = try engine.apply(.resizeCache(cache: "sized", maximumCount: 2_000), sender: "t")
        #expect(result == "resized to 2000 entries")
        #expect(cache.status().maximumCount == 2_000)
        #expect(throws: PatinoxError.self) {
            try engine.apply(.resizeCache(cache: "sized", maximumCount: Engine.commandCacheCeiling + 1), sender: "t")
        }
        #expect(throws: PatinoxError.self) {
            try engine.apply(.resizeCache(cache: "sized", maximumCount: 0), sender: "t")
        }
        let json = #"{"command":"resizeCache","cache":"sized","maximumCount":500}"#
        let command = try JSONDecoder().decode(ControlCommand.self, from: Data(json.utf8))
        #expect(command == .resizeCache(cache: "sized", maximumCount: 500))
        #expect(try JSONDecoder().decode(ControlCommand.self, from: try JSONEncoder().encode(command)) == command)
    }
}
