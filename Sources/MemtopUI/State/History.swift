import MemtopSource
import PatinoxMemory

/// Recent values per component for sparklines and detail graphs: fixed-size rings.
public struct History: Hashable, Sendable {
    public static let capacity = 240
    public var leased: [String: [Double]] = [:]
    public var waiters: [String: [Double]] = [:]
    /// Per cache, the hit ratio of each interval (not since start), in 0...1.
    public var hitRatio: [String: [Double]] = [:]

    mutating func append(_ value: Double, to series: WritableKeyPath<History, [String: [Double]]>, _ name: String) {
        var values = self[keyPath: series][name, default: []]
        values.append(value)
        if values.count > Self.capacity { values.removeFirst(values.count - Self.capacity) }
        self[keyPath: series][name] = values
    }

    /// Drops the series of pools and caches that are no longer listed: a peer's names come and go, and what
    /// they leave behind must not pile up. Every listed name has just been appended to, so a map holds
    /// exactly the listed names when it has as many entries as there are names (then it is left alone).
    mutating func keep(pools: Set<String>, caches: Set<String>) {
        for series in [\History.leased, \.waiters] where self[keyPath: series].count > pools.count {
            self[keyPath: series] = self[keyPath: series].filter { pools.contains($0.key) }
        }
        if hitRatio.count > caches.count { hitRatio = hitRatio.filter { caches.contains($0.key) } }
    }
}

/// A cache's rates over the last interval.
public struct CacheRates: Hashable, Sendable {
    public var hitsPerSecond = 0.0
    public var missesPerSecond = 0.0
    public var evictionsPerSecond = 0.0
    /// Hits over lookups in the interval; nil when there were none.
    public var intervalHitRatio: Double?
}

extension AppState {
    /// Takes in a new snapshot: rates from the previous one, history, warnings.
    mutating func receive(_ snapshot: EngineSnapshot, now: Duration) {
        self.now = now
        lastSnapshotAt = now
        guard !paused else { return }
        previous = self.snapshot
        self.snapshot = snapshot
        let seconds = previous.map { Double(snapshot.takenAt &- $0.takenAt) / 1e9 } ?? 0
        // Looked up by name, not searched: a peer may list 10,000 caches.
        let earlier = (previous?.caches ?? []).byName(\.name)
        for pool in snapshot.pools {
            history.append(Double(pool.leased), to: \.leased, pool.name)
            history.append(Double(pool.waiters), to: \.waiters, pool.name)
        }
        for cache in snapshot.caches {
            guard seconds > 0, let before = earlier[cache.name]?.stats else {
                continue
            }
            let hits = Self.increase(from: before.hits, to: cache.stats.hits)
            let misses = Self.increase(from: before.misses, to: cache.stats.misses)
            // In Doubles: two increases near Int.max each would overflow an Int sum.
            let ratio = hits > 0 || misses > 0 ? Double(hits) / (Double(hits) + Double(misses)) : nil
            rates[cache.name] = CacheRates(
                hitsPerSecond: Double(hits) / seconds,
                missesPerSecond: Double(misses) / seconds,
                evictionsPerSecond: Double(Self.increase(from: before.evictions, to: cache.stats.evictions)) / seconds,
                intervalHitRatio: ratio
            )
            if let ratio { history.append(ratio, to: \.hitRatio, cache.name) }
        }
        warnings = lint(snapshot)
        forgetComponents(notIn: snapshot)
    }

    /// Drops the history, rates and warning state of pools, caches and guard registries `snapshot` no
    /// longer lists, so what a peer can make the viewer remember is bounded by what one snapshot may list.
    mutating func forgetComponents(notIn snapshot: EngineSnapshot) {
        let pools = Set(snapshot.pools.map(\.name))
        let caches = Set(snapshot.caches.map(\.name))
        history.keep(pools: pools, caches: caches)
        if rates.count > caches.count { rates = rates.filter { caches.contains($0.key) } }
        trackers.keep(pools: pools, registries: Set(snapshot.guards.map(\.name)), now: now)
    }

    /// How much a running total grew from `before` to `now`: zero when it went down (a statistics reset),
    /// `Int.max` when the difference is beyond an `Int` (a peer's counters are not trusted to be sane).
    static func increase(from before: Int, to now: Int) -> Int {
        let (difference, overflow) = now.subtractingReportingOverflow(before)
        if overflow { return now > before ? .max : 0 }
        return max(0, difference)
    }
}
