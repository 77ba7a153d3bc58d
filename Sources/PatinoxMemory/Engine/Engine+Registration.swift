// How each kind of component joins an engine: a weak reference wrapped in closures.
extension Engine {
    /// Adds a pool (held weakly) under its name.
    public func register<Factory>(_ pool: Pool<Factory>) {
        add(
            Member(
                kind: .pool,
                name: pool.name,
                isAlive: { [weak pool] in pool != nil },
                contribute: { [weak pool] snapshot in if let pool { snapshot.pools.append(pool.status()) } },
                control: { [weak pool] (control: Control) throws(PatinoxError) -> String in
                    guard let pool else { throw Engine.gone("pool") }
                    return try Engine.control(pool, control)
                }
            )
        )
    }

    /// Adds a cache (held weakly) under its name.
    public func register<Key, Value>(_ cache: Cache<Key, Value>) {
        add(
            Member(
                kind: .cache,
                name: cache.name,
                isAlive: { [weak cache] in cache != nil },
                contribute: { [weak cache] snapshot in if let cache { snapshot.caches.append(cache.status()) } },
                control: { [weak cache] (control: Control) throws(PatinoxError) -> String in
                    guard let cache else { throw Engine.gone("cache") }
                    return try Engine.control(cache, control)
                }
            )
        )
    }

    /// Adds a cleanup registry (its guards and scopes) under its name.
    public func register(_ registry: CleanupRegistry) {
        add(
            Member(
                kind: .resourceGuard,
                name: registry.name,
                isAlive: { [weak registry] in registry != nil },
                contribute: { [weak registry] snapshot in
                    guard let registry else { return }
                    snapshot.guards.append(
                        GuardRegistrySnapshot(
                            name: registry.name,
                            status: registry.status(),
                            failingCleanups: registry.failsCleanups
                        )
                    )
                },
                control: { [weak registry] (control: Control) throws(PatinoxError) -> String in
                    guard let registry else { throw Engine.gone("guard registry") }
                    switch control {
                    case .inject:
                        registry.failsCleanups = true
                        return "cleanups now fail"
                    case .clear:
                        registry.failsCleanups = false
                        return "cleanups work again"
                    case .resetStatistics:
                        registry.resetStatistics()
                        return "statistics reset"
                    case .resize: throw Engine.unsupported("resize", "a guard registry")
                    }
                }
            )
        )
    }

    /// Adds a resource scope under its name (its guards' counts are its registry's: register that too).
    public func register(_ scope: ResourceScope) {
        add(
            Member(
                kind: .resourceScope,
                name: scope.name,
                isAlive: { [weak scope] in scope != nil },
                contribute: { [weak scope] snapshot in
                    guard let scope else { return }
                    snapshot.scopes.append(
                        ScopeSnapshot(
                            name: scope.name,
                            registry: scope.registry.name,
                            open: scope.isOpen,
                            resources: scope.count
                        )
                    )
                },
                control: { (control: Control) throws(PatinoxError) -> String in
                    switch control {
                    case .clear, .resetStatistics: return "nothing to do"
                    case .inject: throw Engine.unsupported("fault injection", "a scope (inject into its registry)")
                    case .resize: throw Engine.unsupported("resize", "a scope")
                    }
                }
            )
        )
    }

    /// Adds a mapped file under its path.
    public func register<Element>(_ mapping: MappedFile<Element>) {
        add(
            Member(
                kind: .mappedFile,
                name: mapping.path,
                isAlive: { [weak mapping] in mapping != nil },
                contribute: { [weak mapping] snapshot in
                    guard let mapping, let residency = try? mapping.residency() else { return }
                    snapshot.mappings.append(
                        MappingSnapshot(
                            path: mapping.path,
                            bytes: residency.bytes,
                            writable: mapping.mode == .readWrite,
                            pages: residency.resident.count,
                            residentPages: residency.residentPages,
                            regions: residency.regions()
                        )
                    )
                },
                control: { [weak mapping] (control: Control) throws(PatinoxError) -> String in
                    guard let mapping else { throw Engine.gone("mapping") }
                    switch control {
                    case .inject:
                        try mapping.dropResidentPages()
                        return "resident pages dropped"
                    case .clear, .resetStatistics: return "nothing to do"
                    case .resize: throw Engine.unsupported("resize", "a mapped file")
                    }
                }
            )
        )
    }

    static func control<Factory>(_ pool: Pool<Factory>, _ control: Control) throws(PatinoxError) -> String {
        switch control {
        case .resize(let minimum, let maximum):
            try pool.resize(minimum: minimum, maximum: maximum)
            return "resized to \(minimum)…\(maximum)"
        case .inject(let kind, let amount, _):
            var faults = pool.faults
            switch kind {
            case .failHealthChecks: faults.failHealthChecks = true
            case .failCreates: faults.failCreates = true
            case .acquireLatency: faults.acquireLatency = .milliseconds(amount ?? 100)
            case .createLatency: faults.createLatency = .milliseconds(amount ?? 500)
            case .killConnections: return "killed \(pool.kill(Int(amount ?? 1))) connection(s)"
            default: throw unsupported(kind.rawValue, "a pool")
            }
            pool.faults = faults
            return "\(kind.rawValue) injected"
        case .clear(let kind):
            var faults = pool.faults
            switch kind {
            case nil: faults = .none
            case .failHealthChecks?: faults.failHealthChecks = false
            case .failCreates?: faults.failCreates = false
            case .acquireLatency?: faults.acquireLatency = .zero
            case .createLatency?: faults.createLatency = .zero
            default: break
            }
            pool.faults = faults
            return "faults cleared"
        case .resetStatistics:
            pool.resetStatistics()
            return "statistics reset"
        }
    }

    static func control<Key, Value>(_ cache: Cache<Key, Value>, _ control: Control) throws(PatinoxError) -> String {
        switch control {
        case .inject(.flush, _, _):
            cache.flush()
            return "flushed"
        case .inject(.missStorm, _, let duration):
            cache.forceMisses(for: duration)
            return "reads miss for \(duration.humanReadable)"
        case .inject(.squeeze, let amount, let duration):
            try cache.squeezeCapacity(to: amount ?? 0.5, for: duration)
            return "bounds squeezed to \(Int((amount ?? 0.5) * 100)) % for \(duration.humanReadable)"
        case .inject(let kind, _, _): throw unsupported(kind.rawValue, "a cache")
        case .clear:
            cache.clearFaults()
            return "faults cleared"
        case .resetStatistics:
            cache.resetStatistics()
            return "statistics reset"
        case .resize: throw unsupported("resizePool", "a cache")
        }
    }

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
