// A shard of keys alone, as a simulation: what trace replay, the W-TinyLFU window tuner and the sizing curve run.
extension CacheShard where Key == Int, Value == Void {
    /// A key-only shard of `capacity` entries under `policy`: no weights, no expiry, no removal list.
    static func simulation(
        policy: CachePolicy,
        capacity: Int,
        seed: UInt64,
        adaptation: WindowAdaptation = .shadowSimulation
    ) -> Self {
        Self(
            policy: policy,
            maximumCount: capacity,
            maximumWeight: .max,
            timeToIdle: 0,
            recordsRemovals: false,
            seed: seed,
            adaptation: adaptation
        )
    }

    /// One read of `key` (whose `hashValue` is `hash`, worked out once for several shards) as a read-through cache
    /// serves it: a hit counts, a miss stores the key. Returns whether it hit.
    mutating func replay(_ key: Int, hash: Int) -> Bool {
        var removals: [Removal] = []  // stays empty: a simulation records no removals
        if get(key, hash: hash, now: 0, removals: &removals) != nil { return true }
        put(key, hash: hash, (), weight: 1, liveUntil: .max, now: 0, removals: &removals)
        return false
    }
}
