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
}

/// A cache's rates over the last interval.
public struct CacheRates: Hashable, Sendable {
    public var hitsPerSecond = 0.0
    public var missesPerSecond = 0.0
    public var evictionsPerSecond = 0.0
    /// Hits over lookups in the interval; nil when there were none.
    public var intervalHitRatio: Double?
}

/// When a component earns a warning (the user config can change them).
public struct WarningThresholds: Hashable, Sendable {
    /// A pool with waiters for this long is starving.
    public var starvingSeconds = 5.0
    /// A cache whose interval hit ratio is this far below its recent average is thrashing.
    public var hitRatioDrop = 0.25
    /// A source silent for this many refresh intervals is stale.
    public var staleIntervals = 4.0
    public init() {}
}

/// What warnings need to remember between snapshots.
public struct WarningTrackers: Hashable, Sendable {
    public var waitingSince: [String: Double] = [:]
    /// When a warning that comes from a one-off increase (leak, failed cleanup) was last raised.
    public var raisedAt: [String: Double] = [:]
}

extension AppState {
    /// Takes in a new snapshot: rates from the previous one, history, warnings.
    mutating func receive(_ snapshot: EngineSnapshot, now: Double) {
        self.now = now
        lastSnapshotAt = now
        guard !paused else { return }
        previous = self.snapshot
        self.snapshot = snapshot
        let seconds = previous.map { Double(snapshot.takenAt &- $0.takenAt) / 1e9 } ?? 0
        for pool in snapshot.pools {
            history.append(Double(pool.leased), to: \.leased, pool.name)
            history.append(Double(pool.waiters), to: \.waiters, pool.name)
        }
        for cache in snapshot.caches {
            guard seconds > 0, let before = previous?.caches.first(where: { $0.name == cache.name })?.stats else {
                continue
            }
            let hits = max(0, cache.stats.hits - before.hits)
            let misses = max(0, cache.stats.misses - before.misses)
            let ratio = hits + misses > 0 ? Double(hits) / Double(hits + misses) : nil
            rates[cache.name] = CacheRates(
                hitsPerSecond: Double(hits) / seconds,
                missesPerSecond: Double(misses) / seconds,
                evictionsPerSecond: Double(max(0, cache.stats.evictions - before.evictions)) / seconds,
                intervalHitRatio: ratio
            )
            if let ratio { history.append(ratio, to: \.hitRatio, cache.name) }
        }
        warnings = lint(snapshot)
    }

    /// The warnings for this snapshot (the lints of tokio-console, for pools, caches and guards).
    mutating func lint(_ snapshot: EngineSnapshot) -> [Warning] {
        var found: [Warning] = []
        for pool in snapshot.pools {
            if pool.waiters > 0 {
                let since = trackers.waitingSince[pool.name] ?? now
                trackers.waitingSince[pool.name] = since
                if now - since >= thresholds.starvingSeconds {
                    found.append(
                        Warning(panel: .pools, name: pool.name, text: "starving: waiters for \(Int(now - since)) s")
                    )
                }
            } else {
                trackers.waitingSince[pool.name] = nil
            }
            let before = previous?.pools.first { $0.name == pool.name }?.counters.leaks ?? pool.counters.leaks
            if let warning = recent(
                "leak/\(pool.name)",
                raised: pool.counters.leaks > before,
                panel: .pools,
                name: pool.name,
                text: "lease held past the leak threshold"
            ) {
                found.append(warning)
            }
        }
        for cache in snapshot.caches {
            let ratios = history.hitRatio[cache.name] ?? []
            if ratios.count >= 6, let latest = ratios.last {
                let earlier = ratios.dropLast().suffix(10)
                let average = earlier.reduce(0, +) / Double(earlier.count)
                if average - latest >= thresholds.hitRatioDrop {
                    found.append(
                        Warning(
                            panel: .caches,
                            name: cache.name,
                            text: "thrashing: hit ratio \(Int(latest * 100))% from \(Int(average * 100))%"
                        )
                    )
                }
            }
        }
        for registry in snapshot.guards {
            let before = previous?.guards.first { $0.name == registry.name }?.status.failed ?? registry.status.failed
            if let warning = recent(
                "cleanup/\(registry.name)",
                raised: registry.status.failed > before,
                panel: .guards,
                name: registry.name,
                text: "cleanup failures rising"
            ) {
                found.append(warning)
            }
        }
        return found
    }

    /// A warning raised by a one-off increase stays up for 10 s.
    private mutating func recent(_ key: String, raised: Bool, panel: Panel, name: String, text: String) -> Warning? {
        if raised { trackers.raisedAt[key] = now }
        guard let at = trackers.raisedAt[key], now - at < 10 else { return nil }
        return Warning(panel: panel, name: name, text: text)
    }

    /// Whether the source has been silent for too long.
    public var isStale: Bool {
        guard source.isLive else { return false }  // a paused or ended replay is not stale
        guard let lastSnapshotAt else { return now > refreshSeconds * thresholds.staleIntervals }
        return now - lastSnapshotAt > refreshSeconds * thresholds.staleIntervals
    }

    /// The warnings on one row.
    public func warnings(for panel: Panel, _ name: String) -> [Warning] {
        warnings.filter { $0.panel == panel && $0.name == name }
    }
}
