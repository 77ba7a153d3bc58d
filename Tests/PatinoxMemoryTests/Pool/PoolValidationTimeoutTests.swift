import MemtopTestSupport
import NIOConcurrencyHelpers
import Testing

@testable import PatinoxMemory

/// A driver whose health check can hang on a connection until the connection is closed — as a PING on a
/// half-open TCP connection does — and ignores cancellation meanwhile.
final class HangingCheckFactory: ConnectionFactory {
    struct State {
        var nextConnection = 1
        var hangs: Set<Int> = []
        var waiting: [Int: CheckedContinuation<Bool, Never>] = [:]
        var closed: [Int] = []
        var checks = 0
    }
    let state = NIOLockedValueBox(State())

    func makeConnection() async throws -> Int {
        state.withLockedValue { state in
            defer { state.nextConnection += 1 }
            return state.nextConnection
        }
    }

    func validate(_ connection: Int) async -> Bool {
        await withCheckedContinuation { continuation in
            let hangs = state.withLockedValue { state in
                state.checks += 1
                guard state.hangs.contains(connection) else { return false }
                state.waiting[connection] = continuation
                return true
            }
            if !hangs { continuation.resume(returning: true) }
        }
    }

    func close(_ connection: Int) async {
        state.withLockedValue { state in
            state.closed.append(connection)
            return state.waiting.removeValue(forKey: connection)
        }?.resume(returning: false)
    }

    func hang(_ connection: Int) { state.withLockedValue { _ = $0.hangs.insert(connection) } }
    var hanging: Int { state.withLockedValue { $0.waiting.count } }
    var closed: [Int] { state.withLockedValue { $0.closed } }
    var checks: Int { state.withLockedValue { $0.checks } }
}

@Suite("Pool: a health check that hangs is given up after validationTimeout", .timeLimit(.minutes(1)))
struct PoolValidationTimeoutTests {
    @Test("acquire: the hung check fails at the deadline, the caller gets a fresh connection, the dead one closes")
    func acquireDoesNotHang() async throws {
        let factory = HangingCheckFactory()
        let pool = try await makePoolWithIdleConnection(factory: factory) {
            $0.validationTimeout = .milliseconds(100)
        }
        factory.hang(1)
        let started = ContinuousClock.now
        #expect(try await pool.withConnection { $0 } == 2, "connection 1 was replaced")
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(100) && waited < .seconds(3), "gave up at the deadline: \(waited)")
        #expect(pool.status().counters.validationFailures == 1)
        #expect(await eventually { factory.closed == [1] && factory.hanging == 0 }, "closing ended the hung check")
        await pool.shutdown()
    }

    @Test("keepalive: a hung background check does not keep the connection in checking for ever")
    func keepaliveDoesNotHang() async throws {
        let factory = HangingCheckFactory()
        factory.hang(1)
        let pool = try makeTestPool(factory: factory) {
            $0.minimumConnections = 1
            $0.validateAfterIdle = nil
            $0.keepaliveInterval = .milliseconds(20)
            $0.housekeepingInterval = .milliseconds(10)
            $0.validationTimeout = .milliseconds(100)
        }
        #expect(await eventually { pool.status().counters.validationFailures == 1 })
        #expect(await eventually { factory.closed == [1] && pool.status().idle == 1 && pool.status().checking == 0 })
        #expect(try await pool.withConnection { $0 } >= 2)
        await pool.shutdown()
    }

    @Test("a check that answers in time cancels its timer; a zero timeout is rejected")
    func timerAndConfiguration() async throws {
        let clock = ManualClock()
        let factory = HangingCheckFactory()
        let pool = try makeTestPool(factory: factory, clock: clock) {
            $0.validateAfterIdle = .zero
            $0.validationTimeout = .seconds(5)
        }
        #expect(await eventually { clock.sleeperCount == 1 }, "the housekeeping task sleeps on the clock")
        for _ in 0..<20 { _ = try await pool.withConnection { $0 } }
        #expect(factory.checks >= 19, "every acquire of an idle connection was checked")
        #expect(factory.closed.isEmpty && pool.status().counters.validationFailures == 0)
        #expect(await eventually { clock.sleeperCount == 1 }, "no timer outlives its check: \(clock.sleeperCount)")
        await pool.shutdown(deadline: .zero)
        var configuration = PoolConfiguration()
        configuration.validationTimeout = .zero
        #expect(throws: PatinoxError.self) { try configuration.validate(poolName: "db") }
    }
}
