import PropertyBased
import Testing

@testable import PatinoxMemory

/// Simple, obviously-correct models of LRU and SIEVE: arrays ordered newest first.
struct ReferenceCache {
    let policy: CachePolicy
    let capacity: Int
    var order: [Int] = []  // newest first
    var values: [Int: Int] = [:]
    var visited: Set<Int> = []
    var hand: Int?

    mutating func get(_ key: Int) -> Int? {
        guard let value = values[key] else { return nil }
        touch(key)
        return value
    }

    mutating func put(_ key: Int, _ value: Int) {
        if values[key] != nil {
            values[key] = value
            touch(key)
            return
        }
        if order.count >= capacity { evict() }
        order.insert(key, at: 0)
        values[key] = value
    }

    mutating func remove(_ key: Int) {
        guard let index = order.firstIndex(of: key) else { return }
        if hand == key { hand = index > 0 ? order[index - 1] : nil }
        order.remove(at: index)
        values[key] = nil
        visited.remove(key)
    }

    private mutating func touch(_ key: Int) {
        if policy == .sieve {
            visited.insert(key)
        } else {
            order.removeAll { $0 == key }
            order.insert(key, at: 0)
        }
    }

    private mutating func evict() {
        guard policy == .sieve else {
            remove(order.last!)
            return
        }
        var index = hand.flatMap { order.firstIndex(of: $0) } ?? order.count - 1
        while visited.contains(order[index]) {
            visited.remove(order[index])
            index = index > 0 ? index - 1 : order.count - 1
        }
        let victim = order[index]
        hand = index > 0 ? order[index - 1] : nil
        remove(victim)
    }
}

@Suite("Cache: model-based properties")
struct CachePropertyTests {
    enum Operation: CustomStringConvertible {
        case get(Int), put(Int, Int), remove(Int)
        init(_ code: Int) {
            let key = (code / 3) % 12
            switch code % 3 {
            case 0: self = .get(key)
            case 1: self = .put(key, code)
            default: self = code % 7 == 0 ? .remove(key) : .get(key)
            }
        }
        var description: String {
            switch self {
            case .get(let key): "get(\(key))"
            case .put(let key, let value): "put(\(key), \(value))"
            case .remove(let key): "remove(\(key))"
            }
        }
    }

    static func check(_ policy: CachePolicy, capacity: Int, codes: [Int]) throws {
        var configuration = CacheConfiguration<Int, Int>()
        configuration.maximumCount = capacity
        configuration.policy = policy
        configuration.shards = 1
        let cache = try Cache(name: "model", configuration: configuration)
        var model = ReferenceCache(policy: policy, capacity: capacity)
        let operations = codes.map(Operation.init)
        for (step, operation) in operations.enumerated() {
            let context = Comment(rawValue: "\(policy) capacity \(capacity) after \(operations[...step])")
            switch operation {
            case .get(let key): #expect(cache.get(key) == model.get(key), context)
            case .put(let key, let value):
                cache.put(key, value)
                model.put(key, value)
            case .remove(let key):
                cache.remove(key)
                model.remove(key)
            }
            #expect(cache.status().count == model.values.count, context)
        }
        for key in 0..<12 { #expect(cache.contains(key) == (model.values[key] != nil)) }
    }

    @Test("LRU and SIEVE behave exactly like the reference model", arguments: [CachePolicy.lru, .sieve])
    func matchesModel(policy: CachePolicy) async {
        await propertyCheck(count: 300, input: Gen.int(in: 1...6), Gen.int(in: 0...9_999).array(of: 1...80)) {
            capacity,
            codes in
            try Self.check(policy, capacity: capacity, codes: codes)
        }
    }

    @Test("W-TinyLFU never exceeds its bound and never returns a stale value")
    func tinyLFUInvariants() async {
        await propertyCheck(count: 300, input: Gen.int(in: 1...6), Gen.int(in: 0...9_999).array(of: 1...120)) {
            capacity,
            codes in
            var configuration = CacheConfiguration<Int, Int>()
            configuration.maximumCount = capacity
            configuration.policy = .wTinyLFU
            configuration.shards = 1
            let cache = try Cache(name: "model", configuration: configuration)
            var latest: [Int: Int] = [:]
            for operation in codes.map(Operation.init) {
                switch operation {
                case .get(let key):
                    if let value = cache.get(key) { #expect(value == latest[key]) }
                case .put(let key, let value):
                    cache.put(key, value)
                    latest[key] = value
                case .remove(let key):
                    cache.remove(key)
                    latest[key] = nil
                }
                #expect(cache.status().count <= capacity)
            }
        }
    }

    @Test("concurrent readers and writers keep the bound and the values consistent")
    func concurrentStress() async throws {
        var configuration = CacheConfiguration<Int, Int>()
        configuration.maximumCount = 2_000
        configuration.policy = .wTinyLFU
        configuration.defaultTimeToLive = .seconds(60)
        configuration.weigher = { _, _ in 1 }
        let cache = try Cache(name: "stress", configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var rng = SplitMix64(seed: UInt64(worker))
                    for _ in 0..<20_000 {
                        let key = Int(rng.next() % 5_000)
                        if rng.next() % 10 == 0 {
                            cache.put(key, key * 10)
                        } else if let value = cache.get(key) {
                            #expect(value == key * 10)
                        }
                        if rng.next() % 1000 == 0 { _ = try await cache.get(key + 10_000) { $0 * 10 } }
                    }
                }
            }
            try await group.waitForAll()
        }
        let status = cache.status()
        #expect(status.count <= 2_000 + status.shards)
        #expect(status.stats.hits + status.stats.misses >= 72_000)
    }
}
