/// The outcome of replaying a trace through one policy.
public struct ReplayResult: Sendable, Hashable {
    /// The policy replayed.
    public var policy: CachePolicy
    /// The cache's count bound during the replay.
    public var capacity: Int
    /// Requests in the trace.
    public var requests: Int
    /// Requests that found their key in the cache.
    public var hits: Int
    /// `hits / requests`, 0 for an empty trace.
    public var hitRatio: Double { requests == 0 ? 0 : Double(hits) / Double(requests) }

    /// `{"policy": "lru", "capacity": 1000, "requests": 6016, "hits": 674, "hit_ratio": 0.112034}`
    public var json: String {
        let ratio = (hitRatio * 1_000_000).rounded() / 1_000_000
        return "{\"policy\": \"\(policy)\", \"capacity\": \(capacity), \"requests\": \(requests), "
            + "\"hits\": \(hits), \"hit_ratio\": \(ratio)}"
    }
}

/// Replays key traces through a single cache shard (exact policy order): each request is a read, and
/// a miss stores the key.
public enum CacheReplay {
    /// Replays `keys` through a cache of `capacity` entries under `policy` and counts the hits.
    /// - Parameters:
    ///   - keys: the trace, one key per request.
    ///   - capacity: the cache's count bound.
    ///   - policy: the eviction policy to simulate.
    ///   - adaptation: how W-TinyLFU sizes its window (ignored by the other policies).
    ///   - seed: the seed of the frequency sketch's hashing, for repeatable results.
    public static func run(
        _ keys: [Int],
        capacity: Int,
        policy: CachePolicy,
        adaptation: WindowAdaptation = .shadowSimulation,
        seed: UInt64 = 1
    ) -> ReplayResult {
        var shard = CacheShard<Int, Void>.simulation(
            policy: policy,
            capacity: capacity,
            seed: seed,
            adaptation: adaptation
        )
        var hits = 0
        for key in keys where shard.replay(key, hash: key.hashValue) { hits += 1 }
        return ReplayResult(policy: policy, capacity: capacity, requests: keys.count, hits: hits)
    }
}
