import MemtopTestSupport
import NIOConcurrencyHelpers
import Testing

@testable import PatinoxMemory

/// A pool named "t" over `factory`, configured like `PoolTests.configuration(configure)`.
func makeTestPool<Factory: ConnectionFactory>(
    factory: Factory,
    clock: any MonotonicClock = SystemClock(),
    monitor: any Monitor = NoopMonitor(),
    _ configure: (inout PoolConfiguration) -> Void = { _ in }
) throws -> Pool<Factory> {
    try Pool(
        name: "t",
        configuration: PoolTests.configuration(configure),
        factory: factory,
        clock: clock,
        monitor: monitor
    ).running()
}

/// Waits until the pool's own time, which housekeeping advances and the acquire fast path reads, is
/// `duration` past its reading now; on a busy machine housekeeping can run late, so a fixed sleep is not
/// enough for a test that needs a connection to count as idle.
func poolTimeAdvances<Factory>(_ pool: Pool<Factory>, by duration: Duration) async -> Bool {
    let start = pool.state.withLockedValue { $0.machine.now.nanoseconds }
    return await eventually {
        pool.state.withLockedValue { $0.machine.now.nanoseconds } > start + duration.nanosecondsClamped
    }
}

/// A pool that validates connections idle for 1 ms, whose connection 1 has been leased once and now counts
/// as idle past that window: the next acquire health-checks it.
func makePoolWithIdleConnection<Factory: ConnectionFactory>(
    factory: Factory,
    _ configure: (inout PoolConfiguration) -> Void = { _ in }
) async throws -> Pool<Factory> where Factory.Connection == Int {
    let pool = try makeTestPool(factory: factory) {
        $0.validateAfterIdle = .milliseconds(1)
        $0.housekeepingInterval = .milliseconds(10)
        configure(&$0)
    }
    #expect(try await pool.withConnection { $0 } == 1)
    #expect(await poolTimeAdvances(pool, by: .milliseconds(2)), "connection 1 counts as idle")
    return pool
}
