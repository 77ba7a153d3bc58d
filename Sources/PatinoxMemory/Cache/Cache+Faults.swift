// Fault hooks for the engine and chaos tests, and the background housekeeping that ends them.
extension Cache {
    /// Removes every entry now (the listener sees them as `.removed`).
    public func flush() {
        invalidateAll()
        monitor.record(MonitorEvent(source: component, operation: "flush"))
    }

    /// Makes every read miss for `duration`, as if the cache were cold.
    public func forceMisses(for duration: Duration) {
        forcedMissesUntil.store((clock.now() + duration).nanoseconds, ordering: .relaxed)
        monitor.record(MonitorEvent(source: component, operation: "force-misses", duration: duration))
    }

    /// Shrinks every bound to `fraction` of its configured size for `duration`, evicting down to it;
    /// then the configured bounds come back. Throws for a fraction outside (0, 1].
    public func squeezeCapacity(to fraction: Double, for duration: Duration) throws(PatinoxError) {
        guard fraction > 0 && fraction <= 1 else {
            throw .invalidConfiguration(
                component: .cache,
                name: name,
                operation: "squeeze",
                problem: "fraction \(fraction) is outside (0, 1]",
                hint: "squeeze to a fraction such as 0.5."
            )
        }
        squeezedUntil.store((clock.now() + duration).nanoseconds, ordering: .relaxed)
        setBounds { max(1, Int(Double($0) * fraction)) }
        monitor.record(MonitorEvent(source: component, operation: "squeeze", duration: duration))
    }

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
        monitor.record(
            MonitorEvent(
                source: component,
                operation: "resize",
                detail: "count \(maximumCount.map(String.init) ?? "-")"
            )
        )
    }

    /// Zeroes hits, misses, evictions, expirations, loads and their failures.
    public func resetStatistics() {
        forEachShard { shard, _ in
            shard.stats = CacheStats()
            return 0
        }
        loadStats.withLockedValue { $0 = CacheStats() }
    }

    /// Ends any forced misses and squeeze now.
    public func clearFaults() {
        forcedMissesUntil.store(0, ordering: .relaxed)
        if squeezedUntil.exchange(0, ordering: .relaxed) != 0 { setBounds { $0 } }
    }

    @usableFromInline
    func isForcingMisses() -> Bool {
        let until = forcedMissesUntil.load(ordering: .relaxed)
        guard until != 0 else { return false }
        if clock.now().nanoseconds < until { return true }
        forcedMissesUntil.store(0, ordering: .relaxed)
        return false
    }

    /// Applies `bound` to each shard's configured count and weight (`.max` stays unbounded).
    private func setBounds(_ bound: (Int) -> Int) {
        forEachShard { shard, removals in
            let count = shard.configuredCount == .max ? .max : bound(shard.configuredCount)
            let weight = shard.configuredWeight == .max ? .max : bound(shard.configuredWeight)
            shard.setBounds(count: count, weight: weight, into: &removals)
            return 0
        }
    }

    // MARK: - Housekeeping

    /// A background task, holding the cache weakly, that sweeps expired entries, ends faults whose
    /// time is up and sends a sample to the monitor every `interval`.
    func startHousekeeping(every interval: Duration) {
        let clock = clock
        Task { [weak self] in
            while true {
                guard (try? await clock.sleep(until: clock.now() + interval)) != nil, let self else { return }
                self.housekeep()
            }
        }
    }

    func housekeep() {
        let now = clock.now().nanoseconds
        let squeeze = squeezedUntil.load(ordering: .relaxed)
        if squeeze != 0 && now >= squeeze { clearSqueeze() }
        _ = isForcingMisses()
        if expires.load(ordering: .relaxed) { cleanUp() }
        monitor.sample(status().monitorSample)
    }

    private func clearSqueeze() {
        if squeezedUntil.exchange(0, ordering: .relaxed) != 0 { setBounds { $0 } }
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
