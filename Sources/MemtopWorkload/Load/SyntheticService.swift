import NIOConcurrencyHelpers
import PatinoxMemory

/// A small pretend web service built from a ``Scenario``: real PatinoxMemory components (a pool in front
/// of a ``SimulatedBackend``, a cache, a guard registry, an optional mapping) registered with one
/// ``Engine``, and request loops that drive them phase by phase.
///
/// ```swift
/// let service = try SyntheticService(scenario: .builtin)
/// let load = Task { await service.run() }
/// let snapshot = service.engine.snapshot()
/// await service.shutdown(); await load.value
/// ```
public final class SyntheticService: Sendable {
    public let scenario: Scenario
    public let engine: Engine
    public let pool: Pool<SimulatedBackend>
    public let cache: Cache<Int, String>
    public let registry: CleanupRegistry
    public let mapping: MappedFile<UInt64>?
    let backend: SimulatedBackend
    let random: SharedRandom
    /// The time everything runs on: phases, request pacing, the backend's latencies, the pool, the cache.
    let clock: any MonotonicClock
    private let phaseName = NIOLockedValueBox("")
    /// The pool size the scenario last set: a phase resizes only when its size differs, so an operator's
    /// resize (from memtop) survives phases that leave the pool alone.
    private let scenarioPoolSize: NIOLockedValueBox<(minimum: Int, maximum: Int)>

    /// Builds and registers the components; nothing runs until ``run()``.
    /// - Parameter clock: the time phases, pacing, latencies, the pool and the cache run on (a ``ManualClock``
    ///   runs a scenario in no time in tests); the system's by default.
    public init(
        scenario: Scenario,
        engine: Engine? = nil,
        clock: any MonotonicClock = SystemClock()
    ) throws(PatinoxError) {
        self.scenario = scenario
        self.clock = clock
        self.engine = engine ?? Engine(name: scenario.name, clock: clock)
        random = SharedRandom(seed: scenario.seed)
        let first = scenario.settings(forPhase: 0)
        scenarioPoolSize = NIOLockedValueBox((first.poolMinimum, first.poolMaximum))  // the pool starts so
        backend = SimulatedBackend(
            settings: .init(
                latency: LatencyDistribution(median: first.backend.latencyMedian, p99: first.backend.latencyP99),
                failureRate: first.backend.failureRate,
                connectFailureRate: first.backend.connectFailureRate,
                connectLatency: scenario.pool.connectLatency
            ),
            random: random,
            clock: clock
        )
        pool = try Pool(
            name: scenario.pool.name,
            configuration: Self.poolConfiguration(scenario.pool, first),
            factory: backend,
            clock: clock,
            monitor: self.engine.monitor()
        )
        var cacheConfiguration = CacheConfiguration<Int, String>()
        cacheConfiguration.maximumCount = scenario.cache.maximumCount
        cacheConfiguration.policy = scenario.cache.policy
        cacheConfiguration.defaultTimeToLive = scenario.cache.timeToLive
        cacheConfiguration.sizingCurve = scenario.cache.sizingCurve
        cache = try Cache(
            name: scenario.cache.name,
            configuration: cacheConfiguration,
            clock: clock,
            monitor: self.engine.monitor()
        )
        registry = CleanupRegistry(name: scenario.guards.registry, clock: clock, monitor: self.engine.monitor())
        if let settings = scenario.mappedFile {
            let count = settings.sizeMiB * 1_048_576 / MemoryLayout<UInt64>.stride
            let mapping = try MappedFile<UInt64>.anonymous(
                name: "\(scenario.name)-data",
                count: count,
                registry: registry
            )
            self.mapping = mapping
            self.engine.register(mapping)
        } else {
            mapping = nil
        }
        self.engine.register(pool)
        self.engine.register(cache)
        self.engine.register(registry)
    }

    /// The name of the phase running now (empty before ``run()``).
    public var currentPhase: String { phaseName.withLockedValue { $0 } }

    /// Runs the pool, the engine and, beside them, the phases in order — forever when the scenario repeats.
    /// Once the phases are done the pool goes on serving (memtop can still steer it); returns after
    /// ``shutdown()`` or when the task is cancelled (which closes the pool at once). The mapping is closed as
    /// it returns: after the last request that reads it has ended (``MappedFile`` reads must not race its close).
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await self.engine.run() }  // timed faults end on time
            group.addTask { await self.runPhases() }
            try? await pool.run()  // returns after shutdown(), or at once when cancelled
            group.cancelAll()
        }
        mapping?.close()
    }

    /// The phases in order — forever when the scenario repeats — until the task is cancelled. The pool must be
    /// running (``run()`` runs both).
    func runPhases() async {
        repeat {
            for index in scenario.phases.indices {
                guard !Task.isCancelled else { return }
                await runPhase(index)
            }
        } while scenario.repeats && !Task.isCancelled
    }

    /// Closes the pool (waiting up to a second for leases); ``run()`` then returns, closing the mapping once its
    /// requests have ended. Without ``run()`` the mapping is closed when the service is released.
    public func shutdown() async {
        await pool.shutdown(deadline: .seconds(1))
    }

    func runPhase(_ index: Int) async {
        let settings = scenario.settings(forPhase: index)
        let phase = settings.phase
        phaseName.withLockedValue { $0 = phase.name }
        backend.update(settings.backend)
        let wanted = (minimum: settings.poolMinimum, maximum: settings.poolMaximum)
        let previous = scenarioPoolSize.withLockedValue { size in
            defer { size = wanted }
            return size
        }
        if previous != wanted { try? pool.resize(minimum: wanted.minimum, maximum: wanted.maximum) }
        engine.record(
            component: ComponentID(kind: .scenario, name: scenario.name),
            kind: .phase,
            message:
                "phase '\(phase.name)': \(Int(phase.rate)) req/s, \(phase.concurrency) workers for \(phase.duration)"
        )
        let keys = ZipfDistribution(count: scenario.cache.keySpace, alpha: settings.zipfAlpha)
        let interval = Duration.seconds(Double(phase.concurrency) / phase.rate)
        let start = clock.now()
        let end = start + phase.duration
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<phase.concurrency {
                // Named, so that memtop's lease inspector says which worker holds a connection.
                group.addTask(name: "worker \(worker)") {
                    // Stagger the workers over one interval so the rate is smooth, not in bursts.
                    await self.paced(
                        from: start + interval * (Double(worker) / Double(phase.concurrency)),
                        every: interval,
                        until: end
                    ) {
                        await self.request(keys: keys)
                    }
                }
            }
            if let every = phase.scanEvery {
                group.addTask {
                    await self.paced(from: start + every, every: every, until: end) {
                        await self.scan(length: phase.scanLength)
                    }
                }
            }
        }
    }

    /// Calls `work` at `start`, `start + every`, … until `end`; a late call does not cause a burst.
    private func paced(
        from start: MonotonicInstant,
        every interval: Duration,
        until end: MonotonicInstant,
        _ work: () async -> Void
    ) async {
        var next = start
        while next < end, !Task.isCancelled {
            let now = clock.now()
            if next > now {
                guard (try? await clock.sleep(until: min(next, end))) != nil else { return }
                if next >= end { return }
            } else if now - next > interval {
                next = now
            }
            await work()
            next = next + interval
        }
    }

    /// One request: a guarded scratch resource, reads from the mapping, and a cache read that queries the
    /// backend through the pool on a miss. Errors are the point of some phases; they show in the snapshot.
    func request(keys: ZipfDistribution) async {
        let key = keys.sample(random.unit())
        let failureRate = scenario.guards.cleanupFailureRate
        _ = try? await withResource(
            name: "scratch",
            registry: registry,
            retry: CleanupRetry(maximumAttempts: 2, initialDelay: .milliseconds(1), maximumDelay: .milliseconds(1)),
            acquire: { key },
            cleanup: { [random] _ in
                if random.chance(failureRate) { throw SimulatedBackend.Failure.queryFailed }
            },
            body: { key in
                self.readMapping()
                return try await self.cache.get(key) { key in
                    try await self.pool.withConnection { connection in try await connection.query(key) }
                }
            }
        )
    }

    /// A scan: `length` keys never asked for before (they sit above the key space) pass through the cache,
    /// evicting hot entries — the classic way a report or a crawler dents a hit ratio.
    func scan(length: Int) async {
        let base = scenario.cache.keySpace + Int(random.next() % 1_000_000_000)
        for offset in 0..<length where !Task.isCancelled {
            _ = try? await cache.get(base + offset) { key in "scan-\(key)" }
        }
    }

    private func readMapping() {
        guard let mapping, mapping.count > 0, let reads = scenario.mappedFile?.readsPerRequest else { return }
        for _ in 0..<reads {
            _ = try? mapping.element(at: Int(random.next() % UInt64(mapping.count)))
        }
    }

    static func poolConfiguration(_ pool: Scenario.PoolSettings, _ first: PhaseSettings) -> PoolConfiguration {
        var configuration = PoolConfiguration()
        configuration.minimumConnections = first.poolMinimum
        configuration.maximumConnections = first.poolMaximum
        configuration.acquireTimeout = pool.acquireTimeout
        configuration.circuitBreakerThreshold = pool.circuitBreakerThreshold
        configuration.leakThreshold = pool.leakThreshold
        configuration.validateAfterIdle = .milliseconds(200)
        return configuration
    }
}
