import PatinoxMemory

/// What a snapshot memtop did not produce (from a broker peer or a recording) may hold. A snapshot outside
/// these limits is rejected whole, with the first field that broke them (docs/FEED.md, "What a snapshot may
/// hold"): memtop keeps drawing the last good one and counts the rejects.
public enum SnapshotLimits {
    /// The largest count, size or counter: 2⁵⁰ (about 10¹⁵). Any 4,096 of them add up without overflowing
    /// an `Int`, so a view that sums a column of counts cannot trap.
    public static let maximumCount = 1 << 50
    /// Pools, caches, guard registries, scopes, mappings, faults or health entries in one snapshot.
    public static let maximumComponents = 10_000
    /// Events in one snapshot.
    public static let maximumEvents = 10_000
    /// Characters of a name (engine, component, fault target).
    public static let maximumNameLength = 256
    /// Characters of a mapped file's path, an event's message or a health reason.
    public static let maximumTextLength = 4_096
    /// Regions of a mapping's residency map.
    public static let maximumRegions = 4_096
    /// Points of a cache's sizing curve (an engine sends 5 sizes and 2 other policies).
    public static let maximumCurvePoints = 16
    /// Age buckets of a pool's lease report (an engine sends ``LeaseReport/ageBucketBounds`` + 1).
    public static let maximumAgeBuckets = 16
    /// The longest latency a summary may report: a day.
    public static let maximumLatency = Duration.seconds(86_400)
}

extension EngineSnapshot {
    /// Why this snapshot is outside ``SnapshotLimits`` — the first broken field, by its path, for example
    /// `pools[db].counters.timedOut is -9223372036854775808, outside 0…2^50` — or nil when it is within
    /// them. With `engine`, a snapshot of another engine (its subject said `engine`) is a problem too.
    public func limitProblem(expectedEngine engine: String? = nil) -> String? {
        var check = SnapshotCheck()
        check.name(self.engine, "engine")
        if let engine, check.problem == nil, self.engine != engine {
            check.fail("engine is '\(label(self.engine))', but its subject names '\(label(engine))'")
        }
        check.pools(pools)
        check.caches(caches)
        check.guards(guards, scopes)
        check.mappings(mappings)
        check.faults(faults)
        check.events(events)
        check.health(health)
        return check.problem
    }
}

/// Walks a snapshot (or a summary) and keeps the first problem; stops looking once it has one.
struct SnapshotCheck {
    private(set) var problem: String?

    mutating func fail(_ text: @autoclosure () -> String) {
        if problem == nil { problem = text() }
    }

    mutating func count(_ value: Int, _ path: @autoclosure () -> String) {
        guard problem == nil, !(0...SnapshotLimits.maximumCount).contains(value) else { return }
        fail("\(path()) is \(value), outside 0…2^50")
    }

    mutating func count(_ value: UInt64, _ path: @autoclosure () -> String) {
        guard problem == nil, value > UInt64(SnapshotLimits.maximumCount) else { return }
        fail("\(path()) is \(value), outside 0…2^50")
    }

    /// A name: not empty, short, no control character at all.
    mutating func name(_ text: String, _ path: @autoclosure () -> String) {
        self.text(text, path(), limit: SnapshotLimits.maximumNameLength, allowing: [])
        if problem == nil, text.isEmpty { fail("\(path()) is empty") }
    }

    /// A text (a message, a reason, a path): bounded, and no control character but line feeds and tabs (an
    /// error's description may span lines; the views draw both as spaces). An escape could steer the terminal.
    mutating func text(
        _ text: String,
        _ path: @autoclosure () -> String,
        limit: Int = SnapshotLimits.maximumTextLength,
        allowing allowed: Set<Unicode.Scalar> = ["\n", "\t"]
    ) {
        guard problem == nil else { return }
        // Printable ASCII, what names and reasons almost always are: one pass over the bytes settles it.
        if text.utf8.count <= limit, text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return }
        if text.utf8.count > limit * 4 || text.count > limit {
            return fail("\(path()) is longer than \(limit) characters")
        }
        let control = text.unicodeScalars.first {
            $0.properties.generalCategory == .control && !allowed.contains($0)
        }
        if let control { fail("\(path()) holds the control character U+\(String(control.value, radix: 16))") }
    }

    /// A rate or another measured number: finite, not negative, at most 2⁵⁰.
    mutating func rate(_ value: Double, _ path: @autoclosure () -> String) {
        guard problem == nil, !(value.isFinite && (0...Double(SnapshotLimits.maximumCount)).contains(value)) else {
            return
        }
        fail("\(path()) is \(value), outside 0…2^50")
    }

    mutating func list(_ count: Int, _ path: String, limit: Int = SnapshotLimits.maximumComponents) {
        if problem == nil, count > limit { fail("\(path) has \(count) entries, more than \(limit)") }
    }

    mutating func latency(_ summary: LatencySummary, _ path: @autoclosure () -> String) {
        count(summary.count, "\(path()).count")
        for (label, value) in [
            ("p50", summary.p50), ("p90", summary.p90), ("p99", summary.p99), ("p999", summary.p999),
            ("max", summary.max),
        ] where problem == nil && !(Duration.zero...SnapshotLimits.maximumLatency).contains(value) {
            fail("\(path()).\(label) is \(value), outside 0…1 day")
        }
    }

    mutating func pools(_ pools: [PoolStatus]) {
        list(pools.count, "pools")
        for pool in pools where problem == nil {
            let at = "pools[\(label(pool.name))]"
            name(pool.name, "\(at).name")
            for (field, value) in [
                ("total", pool.total), ("idle", pool.idle), ("leased", pool.leased), ("creating", pool.creating),
                ("checking", pool.checking), ("waiters", pool.waiters), ("minimum", pool.minimum),
                ("maximum", pool.maximum), ("consecutiveCreateFailures", pool.consecutiveCreateFailures),
            ] {
                count(value, "\(at).\(field)")
            }
            let counters = pool.counters
            for (field, value) in [
                ("acquired", counters.acquired), ("timedOut", counters.timedOut), ("cancelled", counters.cancelled),
                ("created", counters.created), ("createFailures", counters.createFailures),
                ("validationFailures", counters.validationFailures), ("replaced", counters.replaced),
                ("leaks", counters.leaks), ("closed", counters.closed), ("staleReleases", counters.staleReleases),
                ("waited", counters.waited),
            ] {
                count(value, "\(at).counters.\(field)")
            }
            latency(pool.acquireLatency, "\(at).acquireLatency")
            if let leases = pool.leases { self.leases(leases, "\(at).leases") }
        }
    }

    /// A cache's sizing curve: a few points, each a bounded capacity and a ratio in 0…1.
    mutating func sizing(_ curve: SizingCurve, _ at: String) {
        list(curve.points.count, "\(at).points", limit: SnapshotLimits.maximumCurvePoints)
        list(curve.policies.count, "\(at).policies", limit: SnapshotLimits.maximumCurvePoints)
        count(curve.sampledReads, "\(at).sampledReads")
        count(curve.sampleRate, "\(at).sampleRate")
        for (index, point) in curve.points.enumerated() where problem == nil {
            count(point.capacity, "\(at).points[\(index)].capacity")
            ratio(point.hitRatio, "\(at).points[\(index)].hitRatio")
        }
        for (index, point) in curve.policies.enumerated() where problem == nil {
            ratio(point.hitRatio, "\(at).policies[\(index)].hitRatio")
        }
    }

    /// A share: finite, 0…1.
    mutating func ratio(_ value: Double, _ path: @autoclosure () -> String) {
        guard problem == nil, !(value.isFinite && (0...1).contains(value)) else { return }
        fail("\(path()) is \(value), outside 0…1")
    }

    /// A pool's lease report: the lists no longer than an engine makes them, every count and text bounded.
    mutating func leases(_ report: LeaseReport, _ at: String) {
        list(report.oldest.count, "\(at).oldest", limit: LeaseReport.maximumListed)
        list(report.ageCounts.count, "\(at).ageCounts", limit: SnapshotLimits.maximumAgeBuckets)
        list(report.overThresholdSites.count, "\(at).overThresholdSites", limit: LeaseReport.maximumSites)
        count(report.overThreshold, "\(at).overThreshold")
        for (index, value) in report.ageCounts.enumerated() { count(value, "\(at).ageCounts[\(index)]") }
        for (index, lease) in report.oldest.enumerated() where problem == nil {
            text(lease.connection, "\(at).oldest[\(index)].connection", limit: 64, allowing: [])
            text(lease.file, "\(at).oldest[\(index)].file", limit: SnapshotLimits.maximumNameLength, allowing: [])
            count(lease.line, "\(at).oldest[\(index)].line")
            if let task = lease.task {
                text(task, "\(at).oldest[\(index)].task", limit: SnapshotLimits.maximumNameLength, allowing: [])
            }
        }
        for (index, site) in report.overThresholdSites.enumerated() where problem == nil {
            text(
                site.file,
                "\(at).overThresholdSites[\(index)].file",
                limit: SnapshotLimits.maximumNameLength,
                allowing: []
            )
            count(site.line, "\(at).overThresholdSites[\(index)].line")
            count(site.count, "\(at).overThresholdSites[\(index)].count")
        }
    }

    mutating func caches(_ caches: [CacheStatus]) {
        list(caches.count, "caches")
        for cache in caches where problem == nil {
            let at = "caches[\(label(cache.name))]"
            name(cache.name, "\(at).name")
            count(cache.count, "\(at).count")
            count(cache.weight, "\(at).weight")
            count(cache.shards, "\(at).shards")
            if let maximum = cache.maximumCount { count(maximum, "\(at).maximumCount") }
            if let maximum = cache.maximumWeight { count(maximum, "\(at).maximumWeight") }
            let stats = cache.stats
            for (field, value) in [
                ("hits", stats.hits), ("misses", stats.misses), ("evictions", stats.evictions),
                ("expirations", stats.expirations), ("loads", stats.loads), ("loadFailures", stats.loadFailures),
                ("rejections", stats.rejections), ("removals", stats.removals), ("replacements", stats.replacements),
                ("evictedWeight", stats.evictedWeight),
            ] {
                count(value, "\(at).stats.\(field)")
            }
            if let sizing = cache.sizing { self.sizing(sizing, "\(at).sizing") }
            if let fraction = cache.windowFraction { ratio(fraction, "\(at).windowFraction") }
        }
    }

    mutating func guards(_ guards: [GuardRegistrySnapshot], _ scopes: [ScopeSnapshot]) {
        list(guards.count, "guards")
        for registry in guards where problem == nil {
            let at = "guards[\(label(registry.name))]"
            name(registry.name, "\(at).name")
            let status = registry.status
            for (field, value) in [
                ("created", status.created), ("active", status.active), ("cleaned", status.cleaned),
                ("failed", status.failed), ("retried", status.retried), ("pending", status.pending),
            ] {
                count(value, "\(at).status.\(field)")
            }
            latency(status.cleanupLatency, "\(at).status.cleanupLatency")
        }
        list(scopes.count, "scopes")
        for scope in scopes where problem == nil {
            let at = "scopes[\(label(scope.name))]"
            name(scope.name, "\(at).name")
            name(scope.registry, "\(at).registry")
            count(scope.resources, "\(at).resources")
        }
    }

    mutating func mappings(_ mappings: [MappingSnapshot]) {
        list(mappings.count, "mappings")
        for mapping in mappings where problem == nil {
            let at = "mappings[\(label(String(mapping.path.suffix(64))))]"
            text(mapping.path, "\(at).path")
            count(mapping.bytes, "\(at).bytes")
            count(mapping.pages, "\(at).pages")
            count(mapping.residentPages, "\(at).residentPages")
            if problem == nil, mapping.residentPages > mapping.pages {
                fail("\(at).residentPages is \(mapping.residentPages), more than its \(mapping.pages) pages")
            }
            list(mapping.regions.count, "\(at).regions", limit: SnapshotLimits.maximumRegions)
            if problem == nil, let share = mapping.regions.first(where: { $0 > 100 }) {
                fail("\(at).regions holds \(share), outside 0…100 %")
            }
        }
    }

    mutating func faults(_ faults: [ActiveFault]) {
        list(faults.count, "faults")
        for fault in faults where problem == nil { name(fault.target, "faults[].target") }
    }

    mutating func events(_ events: [EngineEvent]) {
        list(events.count, "events", limit: SnapshotLimits.maximumEvents)
        for (index, event) in events.enumerated() where problem == nil {
            let at = "events[\(index)]"
            name(event.component.name, "\(at).component.name")
            text(event.message, "\(at).message")
            count(event.count, "\(at).count")
        }
    }

    mutating func health(_ health: HealthReport) {
        list(health.components.count, "health.components")
        for (path, component) in health.components where problem == nil {
            text(path, "health.components key", limit: SnapshotLimits.maximumNameLength * 2)
            if let reason = component.reason { text(reason, "health.components[\(label(path))].reason") }
        }
    }
}

/// A name as a problem may quote it: at most 64 characters, control characters shown as `?` (the problem is
/// drawn in the header).
func label(_ name: String) -> String {
    String(
        String.UnicodeScalarView(
            name.unicodeScalars.prefix(64).map { $0.properties.generalCategory == .control ? "?" : $0 }
        )
    )
}
