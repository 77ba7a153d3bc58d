import MemtopSource
import PatinoxMemory

/// Recent values per component for sparklines and detail graphs: fixed-size rings.
public struct History: Hashable, Sendable {
    public static let capacity = 240
    public var leased: [String: [Double]] = [:]
    public var waiters: [String: [Double]] = [:]
    /// Per cache, the hit ratio of each interval (not since start), in 0...1.
    public var hitRatio: [String: [Double]] = [:]

    /// Per pool, what the sizing model reads: recent counters and leased counts with their times.
    public var poolSamples: [String: [PoolSample]] = [:]

    /// How many samples the sizing model looks back over (about 30 s at the default refresh).
    public static let poolWindow = 60

    mutating func append(_ sample: PoolSample, _ name: String) {
        var samples = poolSamples[name, default: []]
        samples.append(sample)
        if samples.count > Self.poolWindow { samples.removeFirst(samples.count - Self.poolWindow) }
        poolSamples[name] = samples
    }

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
        if poolSamples.count > pools.count { poolSamples = poolSamples.filter { pools.contains($0.key) } }
    }
}

/// One snapshot's worth of a pool for the sizing model.
public struct PoolSample: Hashable, Sendable {
    /// The snapshot's time, in engine nanoseconds.
    public var at: UInt64
    public var acquired: Int
    /// Acquires that timed out or were cancelled: they arrived, but held nothing.
    public var failed: Int
    public var waited: Int
    public var leased: Int
    public var maximum: Int
}

extension [PoolSample] {
    /// The sizing model over these samples (``PoolSizingModel/init(arrivalRate:servedRate:meanLeased:)``), with the
    /// share of arrivals observed waiting at the current size. Nil before two samples a tenth of a second apart,
    /// across a statistics reset, or without acquires.
    public var sizing: (model: PoolSizingModel, observedWaitShare: Double, seconds: Double)? {
        // Only the samples since the pool last changed size: what was observed is of the size in force.
        let window = reversed().prefix { $0.maximum == last?.maximum }.reversed()
        guard let first = window.first, let last = window.last, last.at > first.at, last.acquired >= first.acquired,
            last.waited >= first.waited
        else { return nil }
        let seconds = Double(last.at - first.at) / 1e9
        guard seconds >= 0.1 else { return nil }
        let acquired = Double(last.acquired) - Double(first.acquired)
        let arrived = acquired + Swift.max(Double(last.failed) - Double(first.failed), 0)
        let meanLeased = window.reduce(0.0) { $0 + Double($1.leased) } / Double(window.count)
        guard acquired > 0,
            let model = PoolSizingModel(
                arrivalRate: arrived / seconds,
                servedRate: acquired / seconds,
                meanLeased: meanLeased
            )
        else { return nil }
        let waited = Double(last.waited) - Double(first.waited)
        return (model, Swift.min(Swift.max(waited / arrived, 0), 1), seconds)
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
            history.append(
                PoolSample(
                    at: snapshot.takenAt,
                    acquired: pool.counters.acquired,
                    failed: pool.counters.timedOut.saturatingAdd(pool.counters.cancelled),
                    waited: pool.counters.waited,
                    leased: pool.leased,
                    maximum: pool.maximum
                ),
                pool.name
            )
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
