import MemtopTestSupport
import NIOConcurrencyHelpers
import Testing

@testable import PatinoxMemory

/// A connection factory for tests: connections are numbers; it counts what the pool does with them and
/// can be told to fail.
final class TestFactory: ConnectionFactory {
    struct State {
        var nextConnection = 1
        var created = 0
        var closed: [Int] = []
        var validations = 0
        var failCreates = false
        var healthy = true
    }
    let state = NIOLockedValueBox(State())

    struct Refused: Error {}

    func makeConnection() async throws -> Int {
        try state.withLockedValue { state in
            if state.failCreates { throw Refused() }
            state.created += 1
            defer { state.nextConnection += 1 }
            return state.nextConnection
        }
    }

    func validate(_ connection: Int) async -> Bool {
        state.withLockedValue { state in
            state.validations += 1
            return state.healthy
        }
    }

    func close(_ connection: Int) async {
        state.withLockedValue { $0.closed.append(connection) }
    }

    var created: Int { state.withLockedValue { $0.created } }
    var closed: [Int] { state.withLockedValue { $0.closed } }
}

/// A monitor that keeps everything it is told.
final class RecordingMonitor: Monitor {
    let events = NIOLockedValueBox<[MonitorEvent]>([])
    let samples = NIOLockedValueBox<[MonitorSample]>([])
    func record(_ event: MonitorEvent) { events.withLockedValue { $0.append(event) } }
    func sample(_ sample: MonitorSample) { samples.withLockedValue { $0.append(sample) } }
    func operations() -> [String] { events.withLockedValue { $0.map(\.operation) } }
}

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
    )
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
