import PatinoxMemory

/// One engine in a few hundred bytes: what the fleet view draws a row from (docs/FEED.md, "Summaries").
/// A publisher sends one about every second and at once when the engine's health changes, on
/// `memtop.v1.summary.<service>.<engine>`, so a viewer of a thousand engines receives a thousand small
/// messages a second instead of four thousand full snapshots. Built by ``EngineSummarizer`` from snapshots.
public struct EngineSummary: Sendable, Codable, Hashable {
    /// Bumped on any incompatible change of the encoded form; readers reject other versions.
    public static let currentSummaryVersion = 1

    /// The summary format's version (``currentSummaryVersion``).
    public var summaryVersion = EngineSummary.currentSummaryVersion
    /// The engine's name on the feed: its snapshot, events and control subjects' token.
    public var engine: String
    /// The service the engine is a replica of (its subject's service token); the engine's name when the
    /// publisher named no service.
    public var service: String
    /// Which replica of the service, when the publisher said.
    public var instance: String?
    /// Labels the publisher set (`version`, `region`, …): at most ``FleetLimits/maximumLabels``.
    public var labels: [String: String]?
    /// The engine's monotonic clock when the summary was made, in nanoseconds.
    public var takenAt: UInt64
    /// The engine's overall health.
    public var health: Health
    /// Why it is not healthy: `component: reason`, the worst first, at most ``FleetLimits/maximumReasons``.
    public var reasons: [String] = []
    /// Its pools, the most saturated first, at most ``FleetLimits/maximumPools``.
    public var pools: [PoolSummary] = []
    /// Its caches, the lowest hit ratio first, at most ``FleetLimits/maximumCaches``.
    public var caches: [CacheSummary] = []
    /// Failed cleanups over all its guard registries.
    public var guardFailures = 0
    /// Faults injected and still in force.
    public var faults = 0
    /// Warnings in words ("pool db: waiters for 12 s"), at most ``FleetLimits/maximumWarnings``.
    public var warnings: [String] = []

    public init(engine: String, service: String, instance: String? = nil, takenAt: UInt64, health: Health) {
        self.engine = engine
        self.service = service
        self.instance = instance
        self.takenAt = takenAt
        self.health = health
    }

    /// A pool in a summary.
    public struct PoolSummary: Sendable, Codable, Hashable {
        public var name: String
        public var leased: Int
        public var maximum: Int
        public var waiters: Int
        /// Acquires that timed out per second, since the previous summary.
        public var timeoutsPerSecond: Double
        /// How long callers have been waiting without a break, in whole seconds (0: nobody waits).
        public var waitingSeconds: Int

        public init(
            name: String,
            leased: Int,
            maximum: Int,
            waiters: Int,
            timeoutsPerSecond: Double,
            waitingSeconds: Int
        ) {
            self.name = name
            self.leased = leased
            self.maximum = maximum
            self.waiters = waiters
            self.timeoutsPerSecond = timeoutsPerSecond
            self.waitingSeconds = waitingSeconds
        }

        /// Leased over maximum, 0…1 (and more for a peer's odd numbers; 0 for a pool of no maximum).
        public var saturation: Double { maximum > 0 ? Double(leased) / Double(maximum) : 0 }
    }

    /// A cache in a summary.
    public struct CacheSummary: Sendable, Codable, Hashable {
        public var name: String
        /// Hits over lookups since the previous summary (over its whole life when there were none since);
        /// nil when it has never been read.
        public var hitRatio: Double?

        public init(name: String, hitRatio: Double?) {
            self.name = name
            self.hitRatio = hitRatio
        }
    }

    /// The pool nearest to starving: the most waiters, then the highest saturation.
    public var worstPool: PoolSummary? { pools.max { ($0.waiters, $0.saturation) < ($1.waiters, $1.saturation) } }

    /// The lowest hit ratio of its caches, if any has been read.
    public var lowestHitRatio: Double? { caches.compactMap(\.hitRatio).min() }

    /// Whether any pool has had callers waiting for `seconds` or longer.
    public func isStarving(after seconds: Double) -> Bool { Self.isStarving(longestWait: longestWait, after: seconds) }

    /// The longest time any pool's callers have been waiting, seconds (nil when none waits).
    package var longestWait: Int? { pools.lazy.filter { $0.waiters > 0 }.map(\.waitingSeconds).max() }

    /// Whether callers waiting `longestWait` seconds (nil: none waits) are starving after `seconds`.
    package static func isStarving(longestWait: Int?, after seconds: Double) -> Bool {
        longestWait.map { Double($0) >= seconds } ?? false
    }
}

/// When a fleet view gives up on an engine.
public enum FleetTiming {
    /// An engine whose summaries stopped this long ago is STALE (five summary intervals: a busy publisher or
    /// viewer can be a couple of seconds late without being called dead).
    public static let staleAfter = Duration.seconds(5)
    /// An engine silent this long leaves the fleet (and the engine picker).
    public static let leaveAfter = Duration.seconds(60)
}

/// What a summary memtop did not produce may hold; outside these it is rejected whole (counted and shown).
public enum FleetLimits {
    public static let maximumPools = 8
    public static let maximumCaches = 8
    public static let maximumReasons = 4
    public static let maximumWarnings = 4
    public static let maximumLabels = 8
    /// Characters of a reason, a warning or a label's value.
    public static let maximumTextLength = 160
    /// The largest encoded summary accepted, bytes.
    public static let maximumBytes = 8_192
}

extension EngineSummary {
    /// Why this summary is outside ``FleetLimits`` and ``SnapshotLimits`` — the first broken field by its path —
    /// or nil when it is within them. `engine` and `service` are the tokens of the subject it came on.
    public func limitProblem(expectedEngine: String? = nil, expectedService: String? = nil) -> String? {
        var check = SnapshotCheck()
        check.name(engine, "engine")
        check.name(service, "service")
        if let instance { check.name(instance, "instance") }
        if let expectedEngine, check.problem == nil, engine != expectedEngine {
            check.fail("engine is '\(label(engine))', but its subject names '\(label(expectedEngine))'")
        }
        if let expectedService, check.problem == nil, service != expectedService {
            check.fail("service is '\(label(service))', but its subject names '\(label(expectedService))'")
        }
        let labels = labels ?? [:]
        check.list(labels.count, "labels", limit: FleetLimits.maximumLabels)
        func checkLabels(_ labels: some Sequence<(key: String, value: String)>, _ check: inout SnapshotCheck) {
            for (key, value) in labels {
                check.name(key, "labels key")
                check.text(value, "labels[\(label(key))]", limit: FleetLimits.maximumTextLength, allowing: [])
            }
        }
        // In the dictionary's order first (no copy); a problem is then named in key order, the same each time.
        var labelsCheck = SnapshotCheck()
        checkLabels(labels, &labelsCheck)
        if labelsCheck.problem != nil { checkLabels(labels.sorted { $0.key < $1.key }, &check) }
        check.list(reasons.count, "reasons", limit: FleetLimits.maximumReasons)
        for reason in reasons { check.text(reason, "reasons[]", limit: FleetLimits.maximumTextLength, allowing: []) }
        check.list(warnings.count, "warnings", limit: FleetLimits.maximumWarnings)
        for warning in warnings {
            check.text(warning, "warnings[]", limit: FleetLimits.maximumTextLength, allowing: [])
        }
        check.list(pools.count, "pools", limit: FleetLimits.maximumPools)
        for pool in pools {
            // The path is made only for a problem: ten thousand summaries a second are checked.
            func at(_ field: String) -> String { "pools[\(label(pool.name))].\(field)" }
            check.name(pool.name, at("name"))
            check.count(pool.leased, at("leased"))
            check.count(pool.maximum, at("maximum"))
            check.count(pool.waiters, at("waiters"))
            check.count(pool.waitingSeconds, at("waitingSeconds"))
            check.rate(pool.timeoutsPerSecond, at("timeoutsPerSecond"))
        }
        check.list(caches.count, "caches", limit: FleetLimits.maximumCaches)
        for cache in caches {
            check.name(cache.name, "caches[\(label(cache.name))].name")
            if let ratio = cache.hitRatio, check.problem == nil, !(0...1).contains(ratio) {
                check.fail("caches[\(label(cache.name))].hitRatio is \(ratio), outside 0…1")
            }
        }
        check.count(guardFailures, "guardFailures")
        check.count(faults, "faults")
        return check.problem
    }
}
