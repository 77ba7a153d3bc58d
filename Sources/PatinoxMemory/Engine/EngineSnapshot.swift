/// Everything an engine knows at one moment: what memtop draws and what a remote feed publishes.
/// Codable with a versioned schema (``EngineSnapshot/schemaVersion``).
public struct EngineSnapshot: Sendable, Codable, Hashable {
    /// Bumped on any incompatible change of the encoded form.
    public static let currentSchemaVersion = 1

    public var schemaVersion = EngineSnapshot.currentSchemaVersion
    /// The engine's name (an app or host).
    public var engine: String
    /// Monotonic clock time of the snapshot, in nanoseconds.
    public var takenAt: UInt64
    public var pools: [PoolStatus] = []
    public var caches: [CacheStatus] = []
    public var guards: [GuardRegistrySnapshot] = []
    public var scopes: [ScopeSnapshot] = []
    public var mappings: [MappingSnapshot] = []
    /// Faults injected through the engine and still in force.
    public var faults: [ActiveFault] = []
    /// Recent events, oldest first.
    public var events: [EngineEvent] = []
    public var health: HealthReport = HealthReport()

    /// An empty snapshot of `engine` at `takenAt` (monotonic nanoseconds); ``Engine/snapshot()`` fills one.
    public init(engine: String, takenAt: UInt64) {
        self.engine = engine
        self.takenAt = takenAt
    }

    /// Compact JSON (schema ``currentSchemaVersion``) from ``StreamingJSONEncoder``: what `memtop snapshot
    /// --json` prints and a feed publishes. `JSONDecoder` reads it back to an equal snapshot.
    public func jsonData() throws -> [UInt8] { try StreamingJSONEncoder().encode(self) }
}

/// A fault in force: where, what, and until when (monotonic nanoseconds).
public struct ActiveFault: Sendable, Codable, Hashable {
    public var target: String
    public var kind: FaultKind
    public var until: UInt64
}

/// A cleanup registry's counts, by registry name.
public struct GuardRegistrySnapshot: Sendable, Codable, Hashable {
    public var name: String
    public var status: GuardStatus
    public var failingCleanups: Bool

    public init(name: String, status: GuardStatus, failingCleanups: Bool) {
        self.name = name
        self.status = status
        self.failingCleanups = failingCleanups
    }
}

/// A resource scope: its name, the registry its guards report to, and what it holds.
public struct ScopeSnapshot: Sendable, Codable, Hashable {
    public var name: String
    public var registry: String
    /// False once `close()` has been called.
    public var open: Bool
    /// Resources added and not yet closed.
    public var resources: Int
}

/// A mapped file: where, how big, and which parts are in memory.
public struct MappingSnapshot: Sendable, Codable, Hashable {
    public var path: String
    public var bytes: Int
    public var writable: Bool
    public var pages: Int
    public var residentPages: Int
    /// The mapping cut in up to 64 equal regions; each value is the resident share of its region, in
    /// percent (0...100).
    public var regions: [UInt8]
}

/// How a component, and the engine as a whole, is doing.
public enum Health: String, Sendable, Codable, Hashable, Comparable {
    case healthy, degraded, unhealthy

    public static func < (lhs: Health, rhs: Health) -> Bool { lhs.severity < rhs.severity }

    /// 0 healthy, 1 degraded, 2 unhealthy: for ordering, gauges and sorting.
    public var severity: Int {
        switch self {
        case .healthy: 0
        case .degraded: 1
        case .unhealthy: 2
        }
    }
}

/// Health per component (`kind/name`) and overall (the worst of them).
public struct HealthReport: Sendable, Codable, Hashable {
    public var overall: Health = .healthy
    public var components: [String: ComponentHealth] = [:]
    public init() {}

    mutating func add(_ kind: ComponentKind, _ name: String, _ health: Health, _ reason: String?) {
        components["\(kind.rawValue)/\(name)"] = ComponentHealth(health: health, reason: reason)
        overall = max(overall, health)
    }
}

/// One component's health and, when not healthy, why.
public struct ComponentHealth: Sendable, Codable, Hashable {
    public var health: Health
    public var reason: String?
}

extension PoolStatus {
    /// Unhealthy when the breaker is open or the pool is closing; degraded while callers wait.
    var health: (Health, String?) {
        if circuitOpen {
            return (.unhealthy, "circuit open after \(consecutiveCreateFailures) failed connection attempts")
        }
        if phase != .running { return (.unhealthy, "pool is \(phase.rawValue)") }
        if waiters > 0 { return (.degraded, "\(waiters) caller(s) waiting for a connection") }
        return (.healthy, nil)
    }
}

extension CacheStatus {
    /// Degraded while a fault is in force.
    var health: (Health, String?) {
        if forcingMisses { return (.degraded, "forced misses in force") }
        if squeezed { return (.degraded, "capacity squeezed") }
        return (.healthy, nil)
    }
}

extension MappingResidency {
    /// Resident share, in percent, of up to `count` equal regions.
    func regions(_ count: Int = 64) -> [UInt8] {
        guard !resident.isEmpty else { return [] }
        let buckets = min(count, resident.count)
        return (0..<buckets).map { bucket in
            let range = (bucket * resident.count / buckets)..<((bucket + 1) * resident.count / buckets)
            return UInt8(100 * resident[range].filter { $0 }.count / max(range.count, 1))
        }
    }
}
