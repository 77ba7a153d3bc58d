/// Everything an engine knows at one moment: what memtop draws and what a remote feed publishes.
/// Codable with a versioned schema (``EngineSnapshot/schemaVersion``).
public struct EngineSnapshot: Sendable, Codable, Hashable {
    /// Bumped on any incompatible change of the encoded form.
    public static let currentSchemaVersion = 1

    /// The snapshot format's version (``currentSchemaVersion``); readers reject other versions.
    public var schemaVersion = EngineSnapshot.currentSchemaVersion
    /// The engine's name (an app or host).
    public var engine: String
    /// Monotonic clock time of the snapshot, in nanoseconds.
    public var takenAt: UInt64
    /// Every live pool's status, sorted by name.
    public var pools: [PoolStatus] = []
    /// Every live cache's status, sorted by name.
    public var caches: [CacheStatus] = []
    /// Every cleanup registry (of guards), sorted by name.
    public var guards: [GuardRegistrySnapshot] = []
    /// Every resource scope, sorted by name.
    public var scopes: [ScopeSnapshot] = []
    /// Every mapped file, sorted by path.
    public var mappings: [MappingSnapshot] = []
    /// Faults injected through the engine and still in force.
    public var faults: [ActiveFault] = []
    /// Recent events, oldest first.
    public var events: [EngineEvent] = []
    /// The health of each component and of the engine as a whole.
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
    /// The component the fault was injected into.
    public var target: String
    /// What the fault does.
    public var kind: FaultKind
    /// Monotonic nanoseconds at which the fault clears itself.
    public var until: UInt64
}

/// A cleanup registry's counts, by registry name.
public struct GuardRegistrySnapshot: Sendable, Codable, Hashable {
    /// The registry's name.
    public var name: String
    /// Its counts: created, active, cleaned, failed, retried, pending.
    public var status: GuardStatus
    /// Whether cleanups have failed since the previous snapshot.
    public var failingCleanups: Bool

    /// A registry's snapshot.
    public init(name: String, status: GuardStatus, failingCleanups: Bool) {
        self.name = name
        self.status = status
        self.failingCleanups = failingCleanups
    }
}

/// A resource scope: its name, the registry its guards report to, and what it holds.
public struct ScopeSnapshot: Sendable, Codable, Hashable {
    /// The scope's name.
    public var name: String
    /// The name of the cleanup registry the scope's guards use.
    public var registry: String
    /// False once `close()` has been called.
    public var open: Bool
    /// Resources added and not yet closed.
    public var resources: Int
}

/// A mapped file: where, how big, and which parts are in memory.
public struct MappingSnapshot: Sendable, Codable, Hashable {
    /// The mapped file's path (`memfd:NAME` for anonymous files).
    public var path: String
    /// The mapping's length in bytes.
    public var bytes: Int
    /// Whether the mapping is writable.
    public var writable: Bool
    /// The mapping's length in pages.
    public var pages: Int
    /// Pages resident in memory when the snapshot was taken (`mincore`).
    public var residentPages: Int
    /// The mapping cut in up to 64 equal regions; each value is the resident share of its region, in
    /// percent (0...100).
    public var regions: [UInt8]
}

/// How a component, and the engine as a whole, is doing.
public enum Health: String, Sendable, Codable, Hashable, Comparable {
    /// `healthy`: working as configured; `degraded`: working with trouble (waiters, failing cleanups, a fault);
    /// `unhealthy`: failing (an open circuit, a closed pool).
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

/// Health per component and overall (the worst of them). On the wire the components are keyed by their
/// `kind/name` path; read them with ``subscript(_:)``.
public struct HealthReport: Sendable, Codable, Hashable {
    /// The worst health of any component.
    public var overall: Health = .healthy
    /// Each component's health and, when it is not healthy, why.
    public var components: [String: ComponentHealth] = [:]
    public init() {}

    /// The health of `component`, if the report has it.
    public subscript(_ component: ComponentID) -> ComponentHealth? { components[component.path] }

    mutating func add(_ component: ComponentID, _ health: ComponentHealth) {
        components[component.path] = health
        overall = max(overall, health.health)
    }
}

/// One component's health and, when not healthy, why.
public struct ComponentHealth: Sendable, Codable, Hashable {
    /// The component's health.
    public var health: Health
    /// Why it is not healthy (nil when it is).
    public var reason: String?

    /// Working as configured.
    static let healthy = ComponentHealth(health: .healthy, reason: nil)
    /// Working with trouble, for `reason`.
    static func degraded(_ reason: String) -> ComponentHealth { ComponentHealth(health: .degraded, reason: reason) }
    /// Failing, for `reason`.
    static func unhealthy(_ reason: String) -> ComponentHealth { ComponentHealth(health: .unhealthy, reason: reason) }
}

extension PoolStatus {
    /// Unhealthy when the breaker is open or the pool is closing; degraded while callers wait.
    var health: ComponentHealth {
        if circuitOpen {
            return .unhealthy("circuit open after \(consecutiveCreateFailures) failed connection attempts")
        }
        if phase != .running { return .unhealthy("pool is \(phase.rawValue)") }
        if waiters > 0 { return .degraded("\(waiters) caller(s) waiting for a connection") }
        return .healthy
    }
}

extension CacheStatus {
    /// Degraded while a fault is in force.
    var health: ComponentHealth {
        if forcingMisses { return .degraded("forced misses in force") }
        if squeezed { return .degraded("capacity squeezed") }
        return .healthy
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
