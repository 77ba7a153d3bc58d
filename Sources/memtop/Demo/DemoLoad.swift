import PatinoxMemory

/// The built-in demo: an engine with a pool, a cache and a guard registry, and tasks that use them the
/// way a small web service would (until scenario files arrive: issue #5).
struct DemoLoad: Sendable {
    let engine: Engine
    let pool: Pool<SimulatedBackend>
    let cache: Cache<Int, String>
    let registry: CleanupRegistry

    init() throws {
        engine = Engine(name: "demo")
        var poolConfiguration = PoolConfiguration()
        poolConfiguration.minimumConnections = 2
        poolConfiguration.maximumConnections = 8
        poolConfiguration.acquireTimeout = .seconds(2)
        pool = try Pool(
            name: "db",
            configuration: poolConfiguration,
            factory: SimulatedBackend(),
            monitor: engine.monitor()
        )
        var cacheConfiguration = CacheConfiguration<Int, String>()
        cacheConfiguration.maximumCount = 2_000
        cacheConfiguration.policy = .wTinyLFU
        cache = try Cache(name: "users", configuration: cacheConfiguration, monitor: engine.monitor())
        registry = CleanupRegistry(name: "requests", monitor: engine.monitor())
        engine.register(pool)
        engine.register(cache)
        engine.register(registry)
    }

    /// Runs `workers` request loops until the task is cancelled.
    func run(workers: Int) async {
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var rng = SplitMix64(seed: UInt64(worker))
                    while !Task.isCancelled {
                        await request(&rng)
                    }
                }
            }
        }
    }

    /// One request: a guarded scratch resource, a cache read that loads from the database on a miss.
    private func request(_ rng: inout SplitMix64) async {
        let key = Self.zipfKey(&rng)
        _ = try? await withResource(
            name: "scratch",
            registry: registry,
            acquire: { key },
            cleanup: { _ in },
            body: { key in
                try await cache.get(key) { key in
                    try await pool.withConnection { connection in try await connection.query(key) }
                }
            }
        )
        try? await Task.sleep(for: .milliseconds(Int64(rng.next() % 3)))
    }

    /// Keys skewed like real traffic: a few are hot, most are rare.
    private static func zipfKey(_ rng: inout SplitMix64) -> Int {
        Int(10_000 * rng.nextUnit() * rng.nextUnit() * rng.nextUnit())
    }
}

/// A pretend database: connecting takes 5 ms, a query 1–3 ms.
struct SimulatedBackend: ConnectionFactory {
    struct Connection: Sendable {
        func query(_ key: Int) async throws -> String {
            try await Task.sleep(for: .milliseconds(1 + key % 3))
            return "user-\(key)"
        }
    }

    func makeConnection() async throws -> Connection {
        try await Task.sleep(for: .milliseconds(5))
        return Connection()
    }

    func validate(_ connection: Connection) async -> Bool { true }
    func close(_ connection: Connection) async {}
}
