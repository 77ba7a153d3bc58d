import PatinoxMemory

/// Makes an engine's ``EngineSummary`` from its snapshots and says when one is due: about every
/// ``interval``, and at once when the engine's overall health changed. A pure value (time is each snapshot's
/// `takenAt`): the publisher feeds it every snapshot it takes and sends what it returns.
public struct EngineSummarizer: Sendable {
    /// The usual time between two summaries of an engine.
    public static let interval = Duration.seconds(1)
    /// Waiters for this long make a "waiting" warning in the summary (the viewer's starving threshold is its own).
    public static let waitingWarningSeconds = 5

    public let service: String
    public let instance: String?
    public let labels: [String: String]

    /// What the previous summary was made from: rates and "rising" warnings are differences from it.
    private var previous: EngineSnapshot?
    /// Since when (engine nanoseconds) each pool has had waiters without a break.
    private var waitingSince: [String: UInt64] = [:]
    /// The health and time of the last summary handed out.
    private var lastSent: (health: Health, at: UInt64)?

    public init(service: String, instance: String? = nil, labels: [String: String] = [:]) {
        self.service = service
        self.instance = instance
        self.labels = labels
    }

    /// The summary of `snapshot` when one is due — ``interval`` after the last, or the health changed — else nil.
    public mutating func summaryIfDue(_ snapshot: EngineSnapshot) -> EngineSummary? {
        trackWaiting(snapshot)
        if let lastSent, lastSent.health == snapshot.health.overall,
            snapshot.takenAt >= lastSent.at, snapshot.takenAt - lastSent.at < Self.intervalNanoseconds
        {
            return nil
        }
        return summary(snapshot)
    }

    /// The summary of `snapshot` now (the next is due an ``interval`` from it).
    public mutating func summary(_ snapshot: EngineSnapshot) -> EngineSummary {
        trackWaiting(snapshot)
        var summary = EngineSummary(
            engine: snapshot.engine,
            service: service,
            instance: instance,
            takenAt: snapshot.takenAt,
            health: snapshot.health.overall
        )
        summary.labels = labels.isEmpty ? nil : labels
        summary.reasons = Self.reasons(snapshot.health)
        summary.pools = pools(snapshot)
        summary.caches = caches(snapshot)
        summary.guardFailures = snapshot.guards.reduce(0) { $0.saturatingAdd($1.status.failed) }
        summary.faults = snapshot.faults.count
        summary.warnings = Array(warnings(snapshot).prefix(FleetLimits.maximumWarnings))
        previous = snapshot
        lastSent = (snapshot.health.overall, snapshot.takenAt)
        return summary
    }

    private static let intervalNanoseconds = UInt64(interval.components.seconds) * 1_000_000_000

    private mutating func trackWaiting(_ snapshot: EngineSnapshot) {
        var still: [String: UInt64] = [:]
        for pool in snapshot.pools where pool.waiters > 0 {
            still[pool.name] = waitingSince[pool.name] ?? snapshot.takenAt
        }
        waitingSince = still
    }

    private var seconds: (EngineSnapshot) -> Double {
        { [previous] snapshot in
            guard let previous, snapshot.takenAt > previous.takenAt else { return 0 }
            return Double(snapshot.takenAt - previous.takenAt) / 1e9
        }
    }

    private func pools(_ snapshot: EngineSnapshot) -> [EngineSummary.PoolSummary] {
        let elapsed = seconds(snapshot)
        let before = (previous?.pools ?? []).byName(\.name)
        let summaries = snapshot.pools.map { pool in
            let timedOut =
                pool.counters.timedOut - min(pool.counters.timedOut, before[pool.name]?.counters.timedOut ?? 0)
            let waitingFor = waitingSince[pool.name].map { snapshot.takenAt >= $0 ? snapshot.takenAt - $0 : 0 } ?? 0
            return EngineSummary.PoolSummary(
                name: pool.name,
                leased: pool.leased,
                maximum: pool.maximum,
                waiters: pool.waiters,
                timeoutsPerSecond: elapsed > 0 ? Double(max(timedOut, 0)) / elapsed : 0,
                waitingSeconds: Int(waitingFor / 1_000_000_000)
            )
        }
        return Array(
            summaries.sorted { ($0.waiters, $0.saturation, $1.name) > ($1.waiters, $1.saturation, $0.name) }
                .prefix(FleetLimits.maximumPools)
        )
    }

    private func caches(_ snapshot: EngineSnapshot) -> [EngineSummary.CacheSummary] {
        let before = (previous?.caches ?? []).byName(\.name)
        let summaries = snapshot.caches.map { cache in
            let stats = cache.stats
            let earlier = before[cache.name]?.stats
            let hits = stats.hits - min(stats.hits, earlier?.hits ?? 0)
            let misses = stats.misses - min(stats.misses, earlier?.misses ?? 0)
            let ratio: Double?
            if hits + misses > 0 {
                ratio = Double(hits) / (Double(hits) + Double(misses))
            } else if stats.hits > 0 || stats.misses > 0 {
                ratio = Double(stats.hits) / (Double(stats.hits) + Double(stats.misses))
            } else {
                ratio = nil
            }
            return EngineSummary.CacheSummary(name: cache.name, hitRatio: ratio)
        }
        return Array(
            summaries.sorted { ($0.hitRatio ?? 2, $0.name) < ($1.hitRatio ?? 2, $1.name) }.prefix(
                FleetLimits.maximumCaches
            )
        )
    }

    private static func reasons(_ health: HealthReport) -> [String] {
        let unwell = health.components.filter { $0.value.health != .healthy }
        return unwell.sorted { ($0.value.health.severity, $1.key) > ($1.value.health.severity, $0.key) }
            .prefix(FleetLimits.maximumReasons)
            .map { clip("\($0.key): \($0.value.reason ?? $0.value.health.rawValue)") }
    }

    private func warnings(_ snapshot: EngineSnapshot) -> [String] {
        let poolsBefore = (previous?.pools ?? []).byName(\.name)
        let guardsBefore = (previous?.guards ?? []).byName(\.name)
        var found: [String] = []
        for pool in snapshot.pools {
            if let since = waitingSince[pool.name], snapshot.takenAt >= since,
                case let waited = Int((snapshot.takenAt - since) / 1_000_000_000), waited >= Self.waitingWarningSeconds
            {
                found.append("pool \(pool.name): waiters for \(waited) s")
            }
            if pool.circuitOpen { found.append("pool \(pool.name): circuit open") }
            if let before = poolsBefore[pool.name], pool.counters.leaks > before.counters.leaks {
                found.append("pool \(pool.name): lease held past the leak threshold")
            }
        }
        for registry in snapshot.guards {
            if let before = guardsBefore[registry.name], registry.status.failed > before.status.failed {
                found.append("guards \(registry.name): cleanup failures rising")
            }
        }
        return found.map(Self.clip)
    }

    private static func clip(_ text: String) -> String {
        let clean = String(
            String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 })
        )
        return clean.count <= FleetLimits.maximumTextLength
            ? clean : String(clean.prefix(FleetLimits.maximumTextLength - 1)) + "…"
    }
}
