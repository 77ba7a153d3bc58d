// Bounds at runtime: a resize from a live configuration or memtop, and the squeeze fault, both through
// `setBounds`.
extension Cache {
    /// Changes the bounds at runtime (for example from a live configuration). Shrinking evicts down to
    /// the new bounds at once. A bound the cache was created without cannot be added, and values
    /// below 1 are rejected; the old bounds then stay in force.
    public func resize(maximumCount: Int?, maximumWeight: Int? = nil) throws(PatinoxError) {
        func reject(_ problem: String) -> PatinoxError {
            .invalidConfiguration(
                component: .cache,
                name: name,
                operation: "resize",
                problem: problem,
                hint: "use bounds of at least 1, of the kinds the cache was created with."
            )
        }
        if let count = maximumCount, count < 1 || configuration.maximumCount == nil {
            throw reject("maximumCount \(count)")
        }
        if let weight = maximumWeight, weight < 1 || configuration.maximumWeight == nil {
            throw reject("maximumWeight \(weight)")
        }
        let shardCount = shards.count
        for (index, shard) in shards.enumerated() {
            shard.withLockedValue { shard in
                if let count = maximumCount { shard.configuredCount = Self.share(count, of: shardCount, index: index) }
                if let weight = maximumWeight {
                    shard.configuredWeight = Self.share(weight, of: shardCount, index: index)
                }
            }
        }
        if squeezedUntil.load(ordering: .relaxed) == 0 { setBounds { $0 } }
        if let count = maximumCount {
            // The curve is about the new bound: new shadows (at the same sampling rate), counted afresh.
            let reads = shards.reduce(0) { total, shard in
                total &+ shard.withLockedValue { $0.stats.hits &+ $0.stats.misses }
            }
            sizing?.withLockedValue { shadows in
                shadows = SizingShadows(
                    policy: configuration.policy,
                    bound: count,
                    rate: shadows.rate,
                    seed: 7,
                    readsAtStart: reads
                )
            }
        }
        monitor.record(
            MonitorEvent(
                source: component,
                operation: "resize",
                detail: "count \(maximumCount.map(String.init) ?? "-")"
            )
        )
    }

    /// Applies `bound` to each shard's configured count and weight (`.max` stays unbounded).
    func setBounds(_ bound: (Int) -> Int) {
        forEachShard { shard, removals in
            let count = shard.configuredCount == .max ? .max : bound(shard.configuredCount)
            let weight = shard.configuredWeight == .max ? .max : bound(shard.configuredWeight)
            shard.setBounds(count: count, weight: weight, into: &removals)
            return 0
        }
    }
}
