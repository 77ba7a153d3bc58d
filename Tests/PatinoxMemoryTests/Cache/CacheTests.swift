import NIOConcurrencyHelpers
import Testing

@testable import PatinoxMemory

/// Collects what an eviction listener hears.
final class RemovalLog<Key: Sendable, Value: Sendable>: Sendable {
    let entries = NIOLockedValueBox<[(Key, Value, RemovalCause)]>([])
    var listener: @Sendable (Key, Value, RemovalCause) -> Void {
        { key, value, cause in self.entries.withLockedValue { $0.append((key, value, cause)) } }
    }
    var causes: [RemovalCause] { entries.withLockedValue { $0.map(\.2) } }
    var keys: [Key] { entries.withLockedValue { $0.map(\.0) } }
}

func makeCache<Value: Sendable>(
    _ policy: CachePolicy = .lru,
    count: Int? = 3,
    clock: any MonotonicClock = SystemClock(),
    log: RemovalLog<String, Value>? = nil,
    _ configure: (inout CacheConfiguration<String, Value>) -> Void = { _ in }
) throws -> Cache<String, Value> {
    var configuration = CacheConfiguration<String, Value>()
    configuration.maximumCount = count
    configuration.policy = policy
    configuration.shards = 1
    configure(&configuration)
    return try Cache(name: "test", configuration: configuration, clock: clock, onRemoval: log?.listener)
}

@Suite("Cache: reads, writes, bounds, stats")
struct CacheTests {
    @Test("LRU evicts the least recently used entry and tells the listener")
    func lruOrder() throws {
        let log = RemovalLog<String, Int>()
        let cache = try makeCache(.lru, log: log)
        cache.put("a", 1)
        cache.put("b", 2)
        cache.put("c", 3)
        #expect(cache.get("a") == 1)
        cache.put("d", 4)
        #expect(cache.get("b") == nil)
        #expect(cache.get("a") == 1 && cache.get("c") == 3 && cache.get("d") == 4)
        #expect(log.keys == ["b"] && log.causes == [.evicted])
        let status = cache.status()
        #expect(status.count == 3 && status.stats.hits == 4 && status.stats.misses == 1 && status.stats.evictions == 1)
        #expect(status.stats.hitRatio == 0.8)
        #expect(status.description.contains("hit ratio 80.00%"))
    }

    @Test("SIEVE keeps visited entries and evicts the first unvisited one from the hand")
    func sieveOrder() throws {
        let cache = try makeCache(.sieve) as Cache<String, Int>
        cache.put("a", 1)
        cache.put("b", 2)
        cache.put("c", 3)
        _ = cache.get("a")
        cache.put("d", 4)  // hand: a (visited, cleared) → b evicted
        #expect(cache.contains("a") && !cache.contains("b") && cache.contains("c"))
        cache.put("e", 5)  // hand continues at c (unvisited) → c evicted
        #expect(!cache.contains("c") && cache.contains("a"))
    }

    @Test("putting an existing key replaces its value and tells the listener")
    func replace() throws {
        let log = RemovalLog<String, Int>()
        let cache = try makeCache(log: log)
        cache.put("a", 1)
        cache.put("a", 2)
        #expect(cache.get("a") == 2)
        #expect(log.causes == [.replaced])
        #expect(cache.status().count == 1)
    }

    @Test("remove, removeAll(where:), invalidate and invalidateAll")
    func removal() throws {
        let log = RemovalLog<String, Int>()
        let cache = try makeCache(count: 10, log: log)
        for (index, key) in ["a", "b", "c", "d", "e"].enumerated() { cache.put(key, index) }
        #expect(cache.remove("a"))
        #expect(!cache.remove("a"))
        #expect(cache.removeAll { _, value in value % 2 == 0 } == 2)  // c (2), e (4)
        #expect(cache.invalidate(["b", "zzz"]) == 1)
        cache.invalidateAll()
        #expect(cache.status().count == 0)
        #expect(log.causes.allSatisfy { $0 == .removed } && log.causes.count == 5)
    }

    @Test("contains neither counts nor reorders")
    func containsIsPassive() throws {
        let cache = try makeCache() as Cache<String, Int>
        cache.put("a", 1)
        cache.put("b", 2)
        cache.put("c", 3)
        #expect(cache.contains("a"))
        cache.put("d", 4)
        #expect(!cache.contains("a"), "contains did not protect a")
        #expect(cache.status().stats.hits == 0 && cache.status().stats.misses == 0)
    }

    @Test("invalid configurations are rejected with the fix")
    func validation() {
        #expect(throws: PatinoxError.self) { try makeCache(count: 0) as Cache<String, Int> }
        #expect(throws: PatinoxError.self) { try makeCache(count: nil) as Cache<String, Int> }
        #expect {
            try makeCache(count: nil) { (configuration: inout CacheConfiguration<String, Int>) in
                configuration.maximumWeight = 100
            }
        } throws: { error in
            (error as? PatinoxError)?.message.contains("without a weigher") == true
        }
        #expect(throws: PatinoxError.self) {
            try makeCache { (configuration: inout CacheConfiguration<String, Int>) in configuration.shards = 0 }
        }
    }

    @Test("sharded caches split the bound and keep every key")
    func sharding() throws {
        var configuration = CacheConfiguration<Int, Int>()
        configuration.maximumCount = 1000
        let cache = try Cache(name: "sharded", configuration: configuration)
        #expect(cache.status().shards == 8)
        for key in 0..<5000 { cache.put(key, key) }
        #expect(cache.status().count <= 1000 && cache.status().count > 900)
        for key in 4900..<5000 { #expect(cache.get(key) == key) }
    }
}

@Suite("Cache: weights")
struct CacheWeightTests {
    func weighted(_ maximum: Int, log: RemovalLog<String, String>? = nil) throws -> Cache<String, String> {
        try makeCache(count: nil, log: log) { configuration in
            configuration.maximumWeight = maximum
            configuration.weigher = { _, value in value.utf8.count }
        }
    }

    @Test("weight bounds the cache; usage is tracked")
    func weightBound() throws {
        let cache = try weighted(10)
        cache.put("a", "12345")
        cache.put("b", "1234")
        #expect(cache.status().weight == 9)
        cache.put("c", "123")
        #expect(cache.status().weight <= 10)
        #expect(!cache.contains("a"))
    }

    @Test("an entry heavier than the whole cache is not stored, and an old value for its key goes")
    func heavierThanCache() throws {
        let log = RemovalLog<String, String>()
        let cache = try weighted(10, log: log)
        cache.put("big", "x")
        cache.put("big", String(repeating: "x", count: 11))
        #expect(!cache.contains("big"))
        #expect(cache.status().stats.rejections == 1)
        #expect(log.causes == [.replaced, .rejected])
    }

    @Test("a heavier replacement evicts others; zero-weight entries fit anywhere")
    func reweigh() throws {
        let cache = try weighted(10)
        cache.put("a", "1234")
        cache.put("b", "1234")
        cache.put("a", "12345678")
        #expect(cache.status().weight <= 10 && cache.contains("a") && !cache.contains("b"))
        cache.put("empty", "")
        #expect(cache.contains("empty") && cache.status().weight == 8)
    }
}

@Suite("Cache: runtime resize")
struct CacheResizeTests {
    @Test("resize shrinks and grows the bound; bad values are rejected and change nothing")
    func resize() throws {
        let cache = try makeCache(count: 10) as Cache<String, Int>
        for index in 0..<10 { cache.put("k\(index)", index) }
        try cache.resize(maximumCount: 4)
        #expect(cache.status().count == 4 && cache.status().maximumCount == 4)
        #expect(throws: PatinoxError.self) { try cache.resize(maximumCount: 0) }
        #expect(throws: PatinoxError.self) { try cache.resize(maximumCount: nil, maximumWeight: 10) }
        #expect(cache.status().maximumCount == 4)
        try cache.resize(maximumCount: 8)
        for index in 10..<20 { cache.put("k\(index)", index) }
        #expect(cache.status().count == 8)
    }
}
