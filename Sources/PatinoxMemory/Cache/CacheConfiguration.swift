/// Which entries a full cache gives up.
public enum CachePolicy: String, Sendable, Hashable, CaseIterable, CustomStringConvertible, Codable {
    /// Least recently used goes first (the default).
    case lru
    /// SIEVE: a FIFO queue with a visited bit and a moving hand; hits cost one bit.
    case sieve
    /// Window TinyLFU with an adaptive window: a small LRU window admits into a segmented main space
    /// only entries more popular than the one they would replace (count-min sketch), and hill climbing
    /// resizes the window to the workload.
    case wTinyLFU = "wtinylfu"

    public var description: String { rawValue }
}

/// How a ``Cache`` is bounded, evicts and expires.
///
/// ```swift
/// var configuration = CacheConfiguration<String, Data>()
/// configuration.maximumWeight = 64 << 20            // 64 MiB
/// configuration.weigher = { key, value in key.utf8.count + value.count }
/// configuration.policy = .wTinyLFU
/// configuration.defaultTimeToLive = .seconds(300)
/// ```
public struct CacheConfiguration<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// At most this many entries; `nil` for no count limit (then set `maximumWeight`).
    public var maximumCount: Int? = 10_000
    /// At most this total weight (for example bytes); needs a `weigher`.
    public var maximumWeight: Int? = nil
    /// The weight of an entry; 1 per entry when `nil`. An entry heavier than `maximumWeight` (or a shard's
    /// share of it) is not stored.
    public var weigher: (@Sendable (Key, Value) -> Int)? = nil
    /// The eviction policy; LRU by default.
    public var policy: CachePolicy = .lru
    /// How W-TinyLFU sizes its admission window (ignored by the other policies).
    public var windowAdaptation: WindowAdaptation = .shadowSimulation
    /// Independent parts with their own lock; `nil` picks one per 64 entries, up to 64 (measured: 64 shards
    /// gave 8.2 M ops/s and a 1.7 µs p99 on two cores where 16 gave 5.6 M and 5.2 µs). One shard keeps
    /// exact policy order (each shard otherwise orders only its own keys).
    public var shards: Int? = nil
    /// Entries expire this long after they are written, unless `put` gives their own time-to-live.
    public var defaultTimeToLive: Duration? = nil
    /// Entries expire when not read or written for this long.
    public var timeToIdle: Duration? = nil
    /// Keep a live miss-ratio curve (``CacheStatus/sizing``): sampled shadow caches at ¼×…4× the count bound
    /// and under the other policies (SHARDS). Off by default: it costs a sampled read a replay in seven small
    /// caches (docs/BENCHMARKS.md has the cost per read); needs `maximumCount`.
    public var sizingCurve = false

    public init() {}

    /// The number of shards this configuration leads to.
    public var effectiveShards: Int {
        if let shards { return max(1, shards) }
        let bound = maximumCount ?? 1024
        return max(1, min(64, bound / 64))
    }

    /// Checks the values fit together; throws ``PatinoxError/Code/invalidConfiguration`` naming the fix.
    public func validate(cacheName: String) throws(PatinoxError) {
        func reject(_ problem: String, _ hint: String) -> PatinoxError {
            .invalidConfiguration(
                component: .cache,
                name: cacheName,
                operation: "configure",
                problem: problem,
                hint: hint
            )
        }
        if maximumCount == nil && maximumWeight == nil {
            throw reject("no bound", "set maximumCount, maximumWeight, or both.")
        }
        if let count = maximumCount, count < 1 {
            throw reject("maximumCount is \(count)", "use at least 1.")
        }
        if let weight = maximumWeight, weight < 1 {
            throw reject("maximumWeight is \(weight)", "use at least 1.")
        }
        if maximumWeight != nil && weigher == nil {
            throw reject("maximumWeight without a weigher", "set weigher, or bound by maximumCount.")
        }
        if let shards, shards < 1 || shards > 1024 {
            throw reject("shards is \(shards)", "use 1...1024, or nil to choose automatically.")
        }
        if let ttl = defaultTimeToLive, ttl <= .zero {
            throw reject("defaultTimeToLive is not positive", "use a positive duration or nil.")
        }
        if let tti = timeToIdle, tti <= .zero {
            throw reject("timeToIdle is not positive", "use a positive duration or nil.")
        }
        if sizingCurve && maximumCount == nil {
            throw reject("sizingCurve without maximumCount", "set maximumCount: the curve is drawn in entries.")
        }
    }
}

/// Why an entry left the cache (given to the eviction listener).
public enum RemovalCause: String, Sendable, Hashable {
    /// The policy chose it to make room.
    case evicted
    /// Its time-to-live or time-to-idle passed.
    case expired
    /// `remove`, `removeAll(where:)`, `invalidateAll` or a flush.
    case removed
    /// A `put` replaced its value.
    case replaced
    /// Heavier than the cache can hold, so it was not stored.
    case rejected
}

/// Running totals of a cache's work.
public struct CacheStats: Sendable, Hashable, Codable {
    /// Reads that found a live entry.
    public var hits = 0
    /// Reads that found nothing (or an expired entry).
    public var misses = 0
    /// Entries removed by the policy to stay within the count or weight bound.
    public var evictions = 0
    /// Entries removed because their time-to-live or time-to-idle passed.
    public var expirations = 0
    /// Loader calls that produced a value.
    public var loads = 0
    /// Loader calls that threw.
    public var loadFailures = 0
    /// Entries not stored because they were heavier than the cache.
    public var rejections = 0
    /// Entries removed on request: `remove`, `removeAll(where:)`, `invalidate`, a flush.
    public var removals = 0
    /// Values a `put` replaced.
    public var replacements = 0
    /// The weight the policy evicted (each entry weighs 1 without a weigher).
    public var evictedWeight = 0
    public init() {}

    private enum CodingKeys: String, CodingKey {
        case hits, misses, evictions, expirations, loads, loadFailures, rejections, removals, replacements
        case evictedWeight
    }

    /// Decodes the counts; the eviction causes added later (`removals`, `replacements`, `evictedWeight`) are 0
    /// when a snapshot from an older engine lacks them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        hits = try container.decode(Int.self, forKey: .hits)
        misses = try container.decode(Int.self, forKey: .misses)
        evictions = try container.decode(Int.self, forKey: .evictions)
        expirations = try container.decode(Int.self, forKey: .expirations)
        loads = try container.decode(Int.self, forKey: .loads)
        loadFailures = try container.decode(Int.self, forKey: .loadFailures)
        rejections = try container.decode(Int.self, forKey: .rejections)
        removals = try container.decodeIfPresent(Int.self, forKey: .removals) ?? 0
        replacements = try container.decodeIfPresent(Int.self, forKey: .replacements) ?? 0
        evictedWeight = try container.decodeIfPresent(Int.self, forKey: .evictedWeight) ?? 0
    }

    /// Hits ÷ (hits + misses); 0 before any request. Summed as `Double`s: a decoded snapshot's counts may be
    /// anything, and `hits + misses` would overflow an `Int`; negative counts give 0.
    public var hitRatio: Double {
        guard hits > 0 else { return 0 }
        return Double(hits) / (Double(hits) + Double(max(misses, 0)))
    }

    static func + (lhs: CacheStats, rhs: CacheStats) -> CacheStats {
        var sum = lhs
        sum.hits += rhs.hits
        sum.misses += rhs.misses
        sum.evictions += rhs.evictions
        sum.expirations += rhs.expirations
        sum.loads += rhs.loads
        sum.loadFailures += rhs.loadFailures
        sum.rejections += rhs.rejections
        sum.removals += rhs.removals
        sum.replacements += rhs.replacements
        sum.evictedWeight += rhs.evictedWeight
        return sum
    }
}

/// A point-in-time view of a cache.
public struct CacheStatus: Sendable, Hashable, Codable {
    /// The name the cache was created with (its engine and metrics label).
    public var name: String
    /// The eviction policy.
    public var policy: CachePolicy
    public var count: Int
    /// The sum of the entries' weights (each entry weighs 1 without a weigher).
    public var weight: Int
    /// The count bound, if any.
    public var maximumCount: Int?
    /// The weight bound, if any.
    public var maximumWeight: Int?
    /// How many independently locked shards the entries are spread over.
    public var shards: Int
    /// Running totals since creation or the last statistics reset.
    public var stats: CacheStats
    /// W-TinyLFU only: the window's share of the capacity, as hill climbing set it.
    public var windowFraction: Double?
    /// True while a `squeezeCapacity` fault is in force.
    public var squeezed: Bool
    /// True while a `forceMisses` fault is in force.
    public var forcingMisses: Bool
    /// The hit ratio at other sizes and under the other policies, when ``CacheConfiguration/sizingCurve`` is on.
    public var sizing: SizingCurve? = nil
}
