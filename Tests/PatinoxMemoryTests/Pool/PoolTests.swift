import MemtopTestSupport
import NIOConcurrencyHelpers
import Testing

@testable import PatinoxMemory

@Suite("Pool: the async shell", .timeLimit(.minutes(2)))
struct PoolTests {
    static func configuration(_ configure: (inout PoolConfiguration) -> Void = { _ in }) -> PoolConfiguration {
        var configuration = PoolConfiguration()
        configuration.maximumConnections = 2
        configuration.acquireTimeout = .seconds(5)
        configure(&configuration)
        return configuration
    }

    @Test("withConnection leases and always returns the connection")
    func withConnection() async throws {
        let factory = TestFactory()
        let pool = try makeTestPool(factory: factory)
        let value = try await pool.withConnection { $0 * 10 }
        #expect(value == 10)
        struct Boom: Error {}
        await #expect(throws: Boom.self) { try await pool.withConnection { _ in throw Boom() } }
        let status = pool.status()
        #expect(status.leased == 0 && status.idle == 1 && status.counters.acquired == 2)
        #expect(pool.tryAcquire() != nil)
        await pool.shutdown(deadline: .milliseconds(50))
    }

    @Test("many tasks over few connections: every lease is served, none is shared")
    func contention() async throws {
        // What counts is that no lease is shared, not how long 46 waiters take under ThreadSanitizer on a busy
        // machine (5 s was not always enough in CI): a timeout far beyond it.
        let pool = try makeTestPool(factory: TestFactory()) {
            $0.maximumConnections = 3
            $0.acquireTimeout = .seconds(120)
        }
        let inUse = ConcurrentSet()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    for _ in 0..<20 {
                        try await pool.withConnection { connection in
                            #expect(inUse.insert(connection), "connection \(connection) leased twice")
                            await Task.yield()
                            inUse.remove(connection)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let status = pool.status()
        #expect(status.counters.acquired == 1000)
        #expect(status.total <= 3)
        #expect(status.acquireLatency.count == 1000)
        await pool.shutdown()
    }

    @Test("a waiter times out on the manual clock, with one timer for the pool")
    func timeoutOnManualClock() async throws {
        let clock = ManualClock()
        let pool = try makeTestPool(factory: TestFactory(), clock: clock) {
            $0.maximumConnections = 1
            $0.acquireTimeout = .seconds(2)
        }
        let held = try await pool.acquire()
        let waiter = Task { try await pool.acquire() }
        #expect(await eventually { pool.status().waiters == 1 })
        clock.advance(by: .seconds(1))
        #expect(pool.status().waiters == 1)
        clock.advance(by: .seconds(1))
        await #expect {
            try await waiter.value
        } throws: { error in
            (error as? PatinoxError)?.code == .acquireTimeout
        }
        pool.release(held)
        await pool.shutdown()
    }

    @Test("cancelling a waiting task fails its acquire with .cancelled and frees its place")
    func cancellation() async throws {
        let pool = try makeTestPool(factory: TestFactory()) { $0.maximumConnections = 1 }
        let held = try await pool.acquire()
        let waiter = Task { try await pool.acquire() }
        #expect(await eventually { pool.status().waiters == 1 })
        waiter.cancel()
        await #expect {
            try await waiter.value
        } throws: { error in
            (error as? PatinoxError)?.code == .cancelled
        }
        #expect(pool.status().waiters == 0)
        #expect(pool.status().counters.cancelled == 1)
        pool.release(held)
        await pool.shutdown()
    }

    @Test("shutdown with a leased connection force-closes it at the deadline; twice is harmless")
    func shutdownDeadline() async throws {
        let factory = TestFactory()
        let pool = try makeTestPool(factory: factory)
        let held = try await pool.acquire()
        let waiter = Task { try await pool.acquire() }
        _ = try await waiter.value  // second connection
        await pool.shutdown(deadline: .milliseconds(20))
        #expect(pool.status().phase == .closed)
        #expect(await eventually { factory.closed.count == 2 })
        await pool.shutdown(deadline: .milliseconds(20))
        pool.release(held)
        await #expect {
            try await pool.acquire()
        } throws: { error in
            (error as? PatinoxError)?.code == .poolClosed
        }
    }

    @Test("graceful shutdown waits for a lease to come back")
    func gracefulShutdown() async throws {
        let factory = TestFactory()
        let pool = try makeTestPool(factory: factory)
        let held = try await pool.acquire()
        let shutdown = Task { await pool.shutdown(deadline: .seconds(10)) }
        #expect(await eventually { pool.status().phase == .shuttingDown })
        pool.release(held)
        await shutdown.value
        #expect(pool.status().phase == .closed)
        #expect(await eventually { factory.closed == [1] })
    }

    @Test("resize grows and shrinks at runtime; invalid sizes throw and keep the old size")
    func resize() async throws {
        let pool = try makeTestPool(factory: TestFactory())
        #expect(throws: PatinoxError.self) { try pool.resize(minimum: 3, maximum: 2) }
        #expect(pool.status().maximum == 2)
        try pool.resize(minimum: 4, maximum: 8)
        #expect(await eventually { pool.status().idle == 4 })
        try pool.resize(minimum: 0, maximum: 1)
        #expect(pool.status().total == 1)
        await pool.shutdown()
    }

    @Test("an invalid configuration is rejected by the initialiser with the reason")
    func invalidConfiguration() {
        #expect {
            _ = try Pool(
                name: "bad",
                configuration: Self.configuration { $0.minimumConnections = 5 },
                factory: TestFactory()
            ).running()
        } throws: { error in
            let error = error as! PatinoxError
            return error.code == .invalidConfiguration && error.context.name == "bad"
        }
    }
}

/// A set shared by concurrent test tasks.
final class ConcurrentSet: Sendable {
    private let box = NIOLockedValueBox<Set<Int>>([])
    func insert(_ value: Int) -> Bool { box.withLockedValue { $0.insert(value).inserted } }
    func remove(_ value: Int) { box.withLockedValue { _ = $0.remove(value) } }
}
