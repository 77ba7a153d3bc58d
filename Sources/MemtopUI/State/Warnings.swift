import MemtopSource
import PatinoxMemory

// The warnings memtop raises from what it sees, one type per warning (tokio-console's lints): each rule looks
// at one component of a new snapshot, with what the app remembers, and says whether it earns its warning.

/// When a component earns a warning (the user config can change them).
public struct WarningThresholds: Hashable, Sendable {
    /// A pool with waiters for this many seconds is starving (the config file's `starving_seconds`).
    public var starvingSeconds = 5.0
    /// A cache whose interval hit ratio is this far below its recent average is thrashing.
    public var hitRatioDrop = 0.25
    /// A source silent for this many refresh intervals is stale.
    public var staleIntervals = 4.0
    public init() {}

    /// ``starvingSeconds`` as a duration (zero when it is not a positive number).
    public var starvingAfter: Duration { .seconds(clamping: starvingSeconds) }
}

/// What warnings need to remember between snapshots.
/// Times are ``AppState/now`` values: the time since the app started.
public struct WarningTrackers: Hashable, Sendable {
    /// Since when each pool has had waiters.
    public var waitingSince: [String: Duration] = [:]
    /// When a warning that comes from a one-off increase (leak, failed cleanup) was last raised.
    public var raisedAt: [String: Duration] = [:]

    /// Keeps only what is still of use at `now`: pools still listed, and raised warnings still up whose
    /// component is still listed.
    mutating func keep(pools: Set<String>, registries: Set<String>, now: Duration) {
        if waitingSince.count > pools.count { waitingSince = waitingSince.filter { pools.contains($0.key) } }
        raisedAt = raisedAt.filter { key, at in
            guard now - at < LintContext.recentFor else { return false }
            if let pool = key.dropPrefix(Self.leakKey) { return pools.contains(pool) }
            if let registry = key.dropPrefix(Self.cleanupKey) { return registries.contains(registry) }
            return false
        }
    }

    /// The ``raisedAt`` key of a pool's leak warning.
    static let leakKey = "leak/"
    /// The ``raisedAt`` key of a guard registry's cleanup-failure warning.
    static let cleanupKey = "cleanup/"
}

extension String {
    /// The rest of the string after `prefix`, or nil when it does not start with it.
    fileprivate func dropPrefix(_ prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}

/// What a rule may read, and the memory it may keep between snapshots.
struct LintContext {
    /// The previous snapshot's pools and guard registries by name (looked up, not searched: a peer may list
    /// 10,000 of each).
    let previousPools: [String: PoolStatus]
    let previousRegistries: [String: GuardRegistrySnapshot]
    let history: History
    let thresholds: WarningThresholds
    let now: Duration
    var trackers: WarningTrackers

    init(
        previous: EngineSnapshot?,
        history: History,
        thresholds: WarningThresholds,
        now: Duration,
        trackers: WarningTrackers
    ) {
        previousPools = (previous?.pools ?? []).byName(\.name)
        previousRegistries = (previous?.guards ?? []).byName(\.name)
        self.history = history
        self.thresholds = thresholds
        self.now = now
        self.trackers = trackers
    }

    /// How long a warning raised by a one-off increase stays up.
    static let recentFor = Duration.seconds(10)

    /// A warning raised by a one-off increase (`raised`) stays up for ``recentFor``.
    mutating func recent(_ key: String, raised: Bool, _ warning: Warning) -> Warning? {
        if raised { trackers.raisedAt[key] = now }
        guard let at = trackers.raisedAt[key], now - at < Self.recentFor else { return nil }
        return warning
    }
}

/// A warning about one kind of component (`Subject`: a pool's, cache's or guard registry's status).
protocol WarningRule<Subject> {
    associatedtype Subject
    /// The warning `subject` earns now, if any.
    func check(_ subject: Subject, _ context: inout LintContext) -> Warning?
}

/// A pool whose callers have waited for a connection longer than `starvingAfter`.
struct StarvingPool: WarningRule {
    func check(_ pool: PoolStatus, _ context: inout LintContext) -> Warning? {
        guard pool.waiters > 0 else {
            context.trackers.waitingSince[pool.name] = nil
            return nil
        }
        let since = context.trackers.waitingSince[pool.name] ?? context.now
        context.trackers.waitingSince[pool.name] = since
        let waited = context.now - since
        guard waited >= context.thresholds.starvingAfter else { return nil }
        return Warning(panel: .pools, name: pool.name, text: "starving: waiters for \(waited.components.seconds) s")
    }
}

/// A pool holding leases past its leak threshold, named by where they were taken ("3 leases > 30s at
/// Orders.swift:88", for as long as they are held); from an engine without lease reports, one whose leak count
/// went up (shown for 10 s).
struct LeakedLease: WarningRule {
    func check(_ pool: PoolStatus, _ context: inout LintContext) -> Warning? {
        if let report = pool.leases, report.overThreshold > 0, let threshold = report.leakThreshold {
            return Warning(panel: .pools, name: pool.name, text: Self.text(report, threshold: threshold))
        }
        let before = context.previousPools[pool.name]?.counters.leaks ?? pool.counters.leaks
        return context.recent(
            WarningTrackers.leakKey + pool.name,
            raised: pool.counters.leaks > before,
            Warning(panel: .pools, name: pool.name, text: "leak: a lease was held past the leak threshold")
        )
    }

    /// "leak: 1 lease > 30s at Orders.swift:88", or "leak: 5 leases > 30s, 3 at Orders.swift:88" when they come
    /// from several sites (the row's badge shows "leak", the header the whole text).
    static func text(_ report: LeaseReport, threshold: Duration) -> String {
        let count = report.overThreshold
        let head = "leak: \(count) lease\(count == 1 ? "" : "s") > \(Format.bound(threshold))"
        guard let site = report.overThresholdSites.first else { return head }
        return site.count == count ? "\(head) at \(site.site)" : "\(head), \(site.count) at \(site.site)"
    }
}

/// A cache whose interval hit ratio fell `hitRatioDrop` below its recent average.
struct ThrashingCache: WarningRule {
    func check(_ cache: CacheStatus, _ context: inout LintContext) -> Warning? {
        let ratios = context.history.hitRatio[cache.name] ?? []
        guard ratios.count >= 6, let latest = ratios.last else { return nil }
        let earlier = ratios.dropLast().suffix(10)
        let average = earlier.reduce(0, +) / Double(earlier.count)
        guard average - latest >= context.thresholds.hitRatioDrop else { return nil }
        return Warning(
            panel: .caches,
            name: cache.name,
            text: "thrashing: hit ratio \(Int(latest * 100))% from \(Int(average * 100))%"
        )
    }
}

/// A guard registry whose failed cleanups went up (shown for 10 s).
struct FailingCleanups: WarningRule {
    func check(_ registry: GuardRegistrySnapshot, _ context: inout LintContext) -> Warning? {
        let before = context.previousRegistries[registry.name]?.status.failed ?? registry.status.failed
        return context.recent(
            WarningTrackers.cleanupKey + registry.name,
            raised: registry.status.failed > before,
            Warning(panel: .guards, name: registry.name, text: "cleanup failures rising")
        )
    }
}

extension AppState {
    /// The warnings for this snapshot: every rule on every component it applies to, pools first.
    mutating func lint(_ snapshot: EngineSnapshot) -> [Warning] {
        var context = LintContext(
            previous: previous,
            history: history,
            thresholds: thresholds,
            now: now,
            trackers: trackers
        )
        defer { trackers = context.trackers }
        var found: [Warning] = []
        for pool in snapshot.pools {
            for rule in [StarvingPool().check, LeakedLease().check] {
                if let warning = rule(pool, &context) { found.append(warning) }
            }
        }
        for cache in snapshot.caches {
            if let warning = ThrashingCache().check(cache, &context) { found.append(warning) }
        }
        for registry in snapshot.guards {
            if let warning = FailingCleanups().check(registry, &context) { found.append(warning) }
        }
        return found
    }

    /// Whether the source has been silent for too long.
    public var isStale: Bool {
        guard source.isLive else { return false }  // a paused or ended replay is not stale
        let silence = refreshInterval.scaledSaturating(by: thresholds.staleIntervals)
        guard let lastSnapshotAt else { return now > silence }
        return now - lastSnapshotAt > silence
    }

    /// The warnings on one row.
    public func warnings(for panel: Panel, _ name: String) -> [Warning] {
        warnings.filter { $0.panel == panel && $0.name == name }
    }
}
