/// A command to an engine, as JSON: `{"command": "resizePool", "pool": "db", "minimum": 2, "maximum": 20}`.
///
/// - `resizePool` (`pool`, `minimum`, `maximum`)
/// - `injectFault` (`target`, `kind`, optional `amount`, `durationSeconds`) — see ``FaultKind``
/// - `clearFaults` (`target`)
/// - `flushCache` (`cache`)
/// - `resizeCache` (`cache`, `maximumCount`)
/// - `resetStats` (optional `target`; all components without it)
public enum ControlCommand: Sendable, Hashable, Codable {
    /// Sets a pool's minimum and maximum connections (``Pool/resize(minimum:maximum:)``).
    case resizePool(pool: String, minimum: Int, maximum: Int)
    /// Injects a fault into a component for `durationSeconds`; `amount` is the kind's magnitude where it takes one.
    case injectFault(target: String, kind: FaultKind, amount: Double?, durationSeconds: Double)
    /// Removes every fault injected into `target`.
    case clearFaults(target: String)
    /// Removes every entry of a cache.
    case flushCache(cache: String)
    /// Sets a cache's count bound (``Cache/resize(maximumCount:maximumWeight:)``), for example to a size its
    /// sizing curve recommends.
    case resizeCache(cache: String, maximumCount: Int)
    /// Zeroes the statistics of `target`, or of every component when it is nil.
    case resetStats(target: String?)

    private enum CodingKeys: String, CodingKey {
        case command, pool, minimum, maximum, target, kind, amount, durationSeconds, cache, maximumCount
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let command = try container.decode(String.self, forKey: .command)
        switch command {
        case "resizePool":
            self = .resizePool(
                pool: try container.decode(String.self, forKey: .pool),
                minimum: try container.decode(Int.self, forKey: .minimum),
                maximum: try container.decode(Int.self, forKey: .maximum)
            )
        case "injectFault":
            self = .injectFault(
                target: try container.decode(String.self, forKey: .target),
                kind: try container.decode(FaultKind.self, forKey: .kind),
                amount: try container.decodeIfPresent(Double.self, forKey: .amount),
                durationSeconds: try container.decodeIfPresent(Double.self, forKey: .durationSeconds) ?? 10
            )
        case "clearFaults": self = .clearFaults(target: try container.decode(String.self, forKey: .target))
        case "flushCache": self = .flushCache(cache: try container.decode(String.self, forKey: .cache))
        case "resizeCache":
            self = .resizeCache(
                cache: try container.decode(String.self, forKey: .cache),
                maximumCount: try container.decode(Int.self, forKey: .maximumCount)
            )
        case "resetStats": self = .resetStats(target: try container.decodeIfPresent(String.self, forKey: .target))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .command,
                in: container,
                debugDescription: "unknown command '\(command)'; expected resizePool, injectFault, clearFaults, "
                    + "flushCache, resizeCache or resetStats"
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .resizePool(let pool, let minimum, let maximum):
            try container.encode("resizePool", forKey: .command)
            try container.encode(pool, forKey: .pool)
            try container.encode(minimum, forKey: .minimum)
            try container.encode(maximum, forKey: .maximum)
        case .injectFault(let target, let kind, let amount, let duration):
            try container.encode("injectFault", forKey: .command)
            try container.encode(target, forKey: .target)
            try container.encode(kind, forKey: .kind)
            try container.encodeIfPresent(amount, forKey: .amount)
            try container.encode(duration, forKey: .durationSeconds)
        case .clearFaults(let target):
            try container.encode("clearFaults", forKey: .command)
            try container.encode(target, forKey: .target)
        case .flushCache(let cache):
            try container.encode("flushCache", forKey: .command)
            try container.encode(cache, forKey: .cache)
        case .resizeCache(let cache, let maximumCount):
            try container.encode("resizeCache", forKey: .command)
            try container.encode(cache, forKey: .cache)
            try container.encode(maximumCount, forKey: .maximumCount)
        case .resetStats(let target):
            try container.encode("resetStats", forKey: .command)
            try container.encodeIfPresent(target, forKey: .target)
        }
    }
}

/// The fault catalogue: what each kind does to which component, and what `amount` means.
public enum FaultKind: String, Sendable, Hashable, Codable, CaseIterable {
    // Pools
    /// Every health check fails.
    case failHealthChecks = "fail-health-checks"
    /// Every connection attempt fails.
    case failCreates = "fail-creates"
    /// Adds `amount` milliseconds (default 100) to every acquire.
    case acquireLatency = "acquire-latency"
    /// Adds `amount` milliseconds (default 500) to every connection attempt.
    case createLatency = "create-latency"
    /// Kills `amount` connections (default 1) at once.
    case killConnections = "kill-connections"
    /// Takes `amount` connections (default 1) and holds them for the duration, as a leaking caller would.
    case holdLeases = "hold-leases"
    // Caches
    /// Removes every entry at once.
    case flush
    /// Every read misses for the duration.
    case missStorm = "miss-storm"
    /// Bounds shrink to `amount` of their size (default 0.5) for the duration.
    case squeeze
    // Guard registries
    /// Every cleanup attempt fails for the duration.
    case cleanupFailures = "cleanup-failures"
    // Mapped files
    /// Drops the mapping's resident pages (madvise DONTNEED) at once.
    case dropResidentPages = "drop-resident-pages"

    /// Whether the fault acts once, at once (kill connections, flush, drop resident pages), so a duration
    /// means nothing for it; the others last for the duration they are given.
    public var isOneShot: Bool {
        switch self {
        case .killConnections, .flush, .dropResidentPages: true
        default: false
        }
    }

    /// The kind of component the fault applies to.
    public var component: ComponentKind {
        switch self {
        case .failHealthChecks, .failCreates, .acquireLatency, .createLatency, .killConnections, .holdLeases: .pool
        case .flush, .missStorm, .squeeze: .cache
        case .cleanupFailures: .resourceGuard
        case .dropResidentPages: .mappedFile
        }
    }
}
