import Benchmark
import NIOConcurrencyHelpers
import PatinoxMemory
import _ConnectionPoolModule
import _ConnectionPoolTestUtils

// Pool benchmarks: PatinoxMemory's Pool and PostgresNIO's `_ConnectionPoolModule` side by side, with
// do-nothing connections, plus the floor: a bare lock around an array pop/push.
// Goals (docs/BENCHMARKS.md): warm acquire+release ≤ 100 ns with 0 mallocs; 990/1000 leased within 2× of
// the 10-connection figure; handoff with 1000 tasks over 10 connections ≤ 1.5 µs.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 2_000
    )

    // MARK: - Floor

    Benchmark("Floor: NIOLock + array pop/push") { benchmark in
        let box = NIOLockedValueBox(Array(0..<10))
        for _ in benchmark.scaledIterations {
            let value = box.withLockedValue { $0.popLast()! }
            blackHole(value)
            box.withLockedValue { $0.append(value) }
        }
    }

    // MARK: - PatinoxMemory

    Benchmark(
        "Patinox: acquire+release, warm, 1 task (10 connections)",
        configuration: .init(thresholds: [.mallocCountTotal: .init(absolute: [.p90: 0])])
    ) { benchmark in
        let pool = try await warmPool(size: 10)
        try await measureAcquireRelease(benchmark, pool)
        await pool.shutdown()
    }

    // The lease inspector copies the task's name into the lease on every acquire: nothing to copy for an unnamed
    // task (above), up to 24 bytes inline, with no allocation, for a named one.
    Benchmark(
        "Patinox: acquire+release, warm, 1 named task (10 connections)",
        configuration: .init(thresholds: [.mallocCountTotal: .init(absolute: [.p90: 0])])
    ) { benchmark in
        let pool = try await warmPool(size: 10)
        // The benchmark is not Sendable; only the named task touches it, while this one waits for it.
        nonisolated(unsafe) let measured = benchmark
        try await Task(name: "worker 3") { try await measureAcquireRelease(measured, pool) }.value
        await pool.shutdown()
    }

    Benchmark("Patinox: tryAcquire+release (sync), warm, 10 connections") { benchmark in
        let pool = try await warmPool(size: 10)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let lease = pool.tryAcquire()!
            blackHole(lease.connection)
            pool.release(lease)
        }
        benchmark.stopMeasurement()
        await pool.shutdown()
    }

    Benchmark("Patinox: acquire+release, 990 of 1000 leased") { benchmark in
        let pool = try await warmPool(size: 1000)
        var held: [PoolLease<Int>] = []
        for _ in 0..<990 { held.append(try await pool.acquire()) }
        try await measureAcquireRelease(benchmark, pool)
        for lease in held { pool.release(lease) }
        await pool.shutdown()
    }

    Benchmark("Patinox: handoff, 1000 tasks over 10 connections (per lease)") { benchmark in
        let pool = try await warmPool(size: 10)
        try await measureHandoff(benchmark, tasks: 1000) { try await pool.withConnection { blackHole($0) } }
        await pool.shutdown()
    }

    // MARK: - PostgresNIO's pool

    Benchmark("PostgresNIO: lease+release, warm, 1 task (10 connections)") { benchmark in
        try await withPostgresNIOPool(size: 10) { pool in
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                try await pool.withConnection { blackHole($0) }
            }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("PostgresNIO: lease+release, 990 of 1000 leased") { benchmark in
        try await withPostgresNIOPool(size: 1000) { pool in
            var held: [ConnectionLease<MockConnection>] = []
            for _ in 0..<990 { held.append(try await pool.leaseConnection()) }
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                try await pool.withConnection { blackHole($0) }
            }
            benchmark.stopMeasurement()
            for lease in held { lease.release() }
        }
    }

    Benchmark("PostgresNIO: handoff, 1000 tasks over 10 connections (per lease)") { benchmark in
        try await withPostgresNIOPool(size: 10) { pool in
            try await measureHandoff(benchmark, tasks: 1000) { try await pool.withConnection { blackHole($0) } }
        }
    }
}

// MARK: - Set-up

/// Runs `lease` from `tasks` concurrent tasks, the benchmark's scaled iteration count in all, and measures
/// the whole: with more tasks than connections, nearly every lease is a handoff to a waiting task.
func measureHandoff(
    _ benchmark: Benchmark,
    tasks: Int,
    _ lease: @escaping @Sendable () async throws -> Void
) async throws {
    let perTask = max(benchmark.scaledIterations.count / tasks, 1)
    benchmark.startMeasurement()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<tasks {
            group.addTask {
                for _ in 0..<perTask { try await lease() }
            }
        }
        try await group.waitForAll()
    }
    benchmark.stopMeasurement()
}

struct NoopFactory: ConnectionFactory {
    func makeConnection() async throws -> Int { 1 }
    func validate(_ connection: Int) async -> Bool { true }
    func close(_ connection: Int) async {}
}

/// A pool with `size` open, idle connections and nothing that would check or retire them mid-run.
/// Acquires and releases a connection of `pool` for each of the benchmark's iterations, measured.
func measureAcquireRelease(_ benchmark: Benchmark, _ pool: Pool<NoopFactory>) async throws {
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
        let lease = try await pool.acquire()
        blackHole(lease.connection)
        pool.release(lease)
    }
    benchmark.stopMeasurement()
}

func warmPool(size: Int) async throws -> Pool<NoopFactory> {
    var configuration = PoolConfiguration()
    configuration.minimumConnections = size
    configuration.maximumConnections = size
    configuration.initialConnections = size
    configuration.maxConcurrentCreates = size
    configuration.validateAfterIdle = nil
    configuration.idleTimeout = nil
    configuration.maxLifetime = nil
    configuration.acquireTimeout = .seconds(600)
    let pool = try Pool(name: "bench", configuration: configuration, factory: NoopFactory())
    Task { try await pool.run() }  // the pool connects while it runs; the process ends with the benchmark
    while pool.status().idle < size { try? await Task.sleep(for: .milliseconds(1)) }
    return pool
}

typealias PostgresPool = ConnectionPool<
    MockConnection, Int, ConnectionIDGenerator, ConnectionRequest<MockConnection>, Int,
    MockPingPongBehavior<MockConnection>, NoOpConnectionPoolMetrics<Int>, MockClock
>

/// Runs `body` with a PostgresNIO pool of `size` warm connections, as its own benchmarks set it up.
func withPostgresNIOPool(size: Int, _ body: (PostgresPool) async throws -> Void) async throws {
    let clock = MockClock()
    let factory = MockConnectionFactory<MockClock>(autoMaxStreams: 1)
    var configuration = ConnectionPoolConfiguration()
    configuration.minimumConnectionCount = size
    configuration.maximumConnectionSoftLimit = size
    configuration.maximumConnectionHardLimit = size
    let pool = PostgresPool(
        configuration: configuration,
        idGenerator: ConnectionIDGenerator(),
        keepAliveBehavior: MockPingPongBehavior(keepAliveFrequency: nil, connectionType: MockConnection.self),
        observabilityDelegate: NoOpConnectionPoolMetrics(connectionIDType: MockConnection.ID.self),
        clock: clock
    ) {
        try await factory.makeConnection(id: $0, for: $1)
    }
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await pool.run() }
        // Warm: lease every connection once so all of them are open and idle.
        var leases: [ConnectionLease<MockConnection>] = []
        for _ in 0..<size { leases.append(try await pool.leaseConnection()) }
        for lease in leases { lease.release() }
        try await body(pool)
        group.cancelAll()
    }
}
