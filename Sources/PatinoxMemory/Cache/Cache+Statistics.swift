// A cache's statistics: how its status reads, for people (`description`) and the monitor (`monitorSample`),
// and how they start over.
extension Cache {
    /// Zeroes hits, misses, evictions, expirations, loads and their failures.
    public func resetStatistics() {
        forEachShard { shard, _ in
            shard.stats = CacheStats()
            return 0
        }
        loadStats.withLockedValue { $0 = CacheStats() }
        sizing?.withLockedValue { $0.resetCounts() }
    }
}

extension CacheStatus: CustomStringConvertible {
    public var description: String {
        let bound = [maximumCount.map { "\($0) entries" }, maximumWeight.map { "weight \($0)" }]
            .compactMap { $0 }.joined(separator: ", ")
        let window = windowFraction.map { " · window \($0.percentText)" } ?? ""
        return """
            cache '\(name)' \(policy)\(window)\(squeezed ? " · SQUEEZED" : "")\
            \(forcingMisses ? " · FORCING MISSES" : "")
              \(count) entries, weight \(weight) (max \(bound)) in \(shards) shard(s)
              hit ratio \(stats.hitRatio.percentText): \(stats.hits) hits, \(stats.misses) misses; \
            \(stats.evictions) evicted, \(stats.expirations) expired, \(stats.loads) loads, \(stats.loadFailures) failed
            """
    }

    var monitorSample: MonitorSample {
        MonitorSample(
            source: ComponentID(kind: .cache, name: name),
            gauges: [
                ("cache_entries", Double(count)), ("cache_weight", Double(weight)),
                ("cache_hit_ratio", stats.hitRatio),
            ],
            totals: [
                ("cache_hits", stats.hits), ("cache_misses", stats.misses), ("cache_evictions", stats.evictions),
                ("cache_expirations", stats.expirations), ("cache_loads", stats.loads),
                ("cache_load_failures", stats.loadFailures),
            ]
        )
    }
}
