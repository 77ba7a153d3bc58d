// How each kind of component joins an engine: one `EngineMember` conformance per kind says what it adds to
// a snapshot (its status and health) and which commands it obeys; the engine holds members weakly.

/// A component an engine can draw and steer.
protocol EngineMember: AnyObject, Sendable {
    /// Its kind, as snapshots, events and commands name it.
    var memberKind: ComponentKind { get }
    /// Its name within its kind.
    var memberName: String { get }
    /// Adds its status and its health to `snapshot`.
    func contribute(to snapshot: inout EngineSnapshot)
    /// Obeys a command (already validated and routed to it); returns what it did, in words.
    func control(_ control: Control) throws(PatinoxError) -> String
}

extension Engine {
    /// Adds a pool (held weakly) under its name.
    public func register<Factory>(_ pool: Pool<Factory>) { add(pool) }

    /// Adds a cache (held weakly) under its name.
    public func register<Key, Value>(_ cache: Cache<Key, Value>) { add(cache) }

    /// Adds a cleanup registry (its guards and scopes) under its name.
    public func register(_ registry: CleanupRegistry) { add(registry) }

    /// Adds a resource scope under its name (its guards' counts are its registry's: register that too).
    public func register(_ scope: ResourceScope) { add(scope) }

    /// Adds a mapped file under its path.
    public func register<Element>(_ mapping: MappedFile<Element>) { add(mapping) }

    static func gone(_ what: String) -> PatinoxError {
        PatinoxError(
            code: .invalidInput,
            context: ErrorContext(component: .engine, name: what, operation: "apply"),
            message: "the \(what) was deallocated.",
            recovery: .failFast
        )
    }

    static func unsupported(_ action: String, _ target: String) -> PatinoxError {
        .invalidInput(
            .engine,
            name: action,
            operation: "apply",
            message: "\(action) does not apply to \(target).",
            hint: "see FaultKind for which faults apply to which components."
        )
    }
}

extension Pool: EngineMember {
    var memberKind: ComponentKind { .pool }
    var memberName: String { name }

    func contribute(to snapshot: inout EngineSnapshot) {
        let status = status()
        snapshot.pools.append(status)
        snapshot.health.add(ComponentID(kind: .pool, name: name), status.health)
    }

    func control(_ control: Control) throws(PatinoxError) -> String {
        switch control {
        case .resize(let minimum, let maximum):
            try resize(minimum: minimum, maximum: maximum)
            return "resized to \(minimum)…\(maximum)"
        case .resizeCache: throw Engine.unsupported("resizeCache", "a pool")
        case .inject(let kind, let amount, let duration):
            var faults = faults
            switch kind {
            case .failHealthChecks: faults.failHealthChecks = true
            case .failCreates: faults.failCreates = true
            case .acquireLatency: faults.acquireLatency = .milliseconds(amount ?? 100)
            case .createLatency: faults.createLatency = .milliseconds(amount ?? 500)
            case .killConnections: return "killed \(kill(Int(amount ?? 1))) connection(s)"
            case .holdLeases:
                // A new injection replaces the last one, as for every fault: a peer cannot pile holds up.
                let count = Int(amount ?? 1)
                releaseHeldLeases()
                holdLeases(count, for: duration)
                return "holding \(count) connection(s) for \(duration.humanReadable)"
            default: throw Engine.unsupported(kind.rawValue, "a pool")
            }
            self.faults = faults
            return "\(kind.rawValue) injected"
        case .clear(let kind):
            var faults = faults
            switch kind {
            case nil:
                faults = .none
                releaseHeldLeases()
            case .holdLeases?: releaseHeldLeases()
            case .failHealthChecks?: faults.failHealthChecks = false
            case .failCreates?: faults.failCreates = false
            case .acquireLatency?: faults.acquireLatency = .zero
            case .createLatency?: faults.createLatency = .zero
            default: break
            }
            self.faults = faults
            return "faults cleared"
        case .resetStatistics:
            resetStatistics()
            return "statistics reset"
        }
    }
}

extension Cache: EngineMember {
    var memberKind: ComponentKind { .cache }
    var memberName: String { name }

    func contribute(to snapshot: inout EngineSnapshot) {
        let status = status()
        snapshot.caches.append(status)
        snapshot.health.add(ComponentID(kind: .cache, name: name), status.health)
    }

    func control(_ control: Control) throws(PatinoxError) -> String {
        switch control {
        case .inject(.flush, _, _):
            flush()
            return "flushed"
        case .inject(.missStorm, _, let duration):
            forceMisses(for: duration)
            return "reads miss for \(duration.humanReadable)"
        case .inject(.squeeze, let amount, let duration):
            try squeezeCapacity(to: amount ?? 0.5, for: duration)
            return "bounds squeezed to \(Int((amount ?? 0.5) * 100)) % for \(duration.humanReadable)"
        case .inject(let kind, _, _): throw Engine.unsupported(kind.rawValue, "a cache")
        case .clear:
            clearFaults()
            return "faults cleared"
        case .resetStatistics:
            resetStatistics()
            return "statistics reset"
        case .resize: throw Engine.unsupported("resizePool", "a cache")
        case .resizeCache(let count):
            try resize(maximumCount: count)
            return "resized to \(count) entries"
        }
    }
}

extension CleanupRegistry: EngineMember {
    var memberKind: ComponentKind { .resourceGuard }
    var memberName: String { name }

    func contribute(to snapshot: inout EngineSnapshot) {
        let failing = failsCleanups
        snapshot.guards.append(GuardRegistrySnapshot(name: name, status: status(), failingCleanups: failing))
        snapshot.health.add(
            ComponentID(kind: .resourceGuard, name: name),
            failing ? .degraded("cleanups failing") : .healthy
        )
    }

    func control(_ control: Control) throws(PatinoxError) -> String {
        switch control {
        case .inject:
            failsCleanups = true
            return "cleanups now fail"
        case .clear:
            failsCleanups = false
            return "cleanups work again"
        case .resetStatistics:
            resetStatistics()
            return "statistics reset"
        case .resize, .resizeCache: throw Engine.unsupported("resize", "a guard registry")
        }
    }
}

extension ResourceScope: EngineMember {
    var memberKind: ComponentKind { .resourceScope }
    var memberName: String { name }

    func contribute(to snapshot: inout EngineSnapshot) {
        snapshot.scopes.append(ScopeSnapshot(name: name, registry: registry.name, open: isOpen, resources: count))
    }

    func control(_ control: Control) throws(PatinoxError) -> String {
        switch control {
        case .clear, .resetStatistics: return "nothing to do"
        case .inject: throw Engine.unsupported("fault injection", "a scope (inject into its registry)")
        case .resize, .resizeCache: throw Engine.unsupported("resize", "a scope")
        }
    }
}

extension MappedFile: EngineMember {
    var memberKind: ComponentKind { .mappedFile }
    var memberName: String { path }

    func contribute(to snapshot: inout EngineSnapshot) {
        guard let residency = try? residency() else { return }
        snapshot.mappings.append(
            MappingSnapshot(
                path: path,
                bytes: residency.bytes,
                writable: mode == .readWrite,
                pages: residency.resident.count,
                residentPages: residency.residentPages,
                regions: residency.regions()
            )
        )
        snapshot.health.add(ComponentID(kind: .mappedFile, name: path), .healthy)
    }

    func control(_ control: Control) throws(PatinoxError) -> String {
        switch control {
        case .inject:
            try dropResidentPages()
            return "resident pages dropped"
        case .clear, .resetStatistics: return "nothing to do"
        case .resize, .resizeCache: throw Engine.unsupported("resize", "a mapped file")
        }
    }
}
