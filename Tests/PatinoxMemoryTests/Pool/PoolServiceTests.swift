import Foundation
import MemtopTestSupport
import NIOConcurrencyHelpers
import ServiceLifecycleTestKit
import Testing

@testable import PatinoxMemory

#if canImport(Glibc)
    import Glibc
#endif

/// The pool as a swift-service-lifecycle service: it drains on graceful shutdown instead of cutting leases off.
@Suite("Pool as a service (swift-service-lifecycle)", .timeLimit(.minutes(1)))
struct PoolServiceTests {
    @Test("at graceful shutdown run() drains: a lease held then finishes first, and run() returns once closed")
    func runDrains() async throws {
        let pool = try Pool(name: "svc", factory: TestFactory())
        try await testGracefulShutdown { trigger in
            let running = Task { try await pool.run() }
            let lease = try await pool.acquire()
            trigger.triggerGracefulShutdown()
            #expect(await eventually { pool.status().phase == .shuttingDown }, "new acquires now fail")
            await #expect(throws: PatinoxError.self) { _ = try await pool.acquire() }
            #expect(pool.status().leased == 1, "the lease is not cut off")
            pool.release(lease)
            try await running.value
        }
        #expect(pool.status().phase == .closed && pool.status().leased == 0)
    }

    @Test("cancelled (the group gives up), run() closes leased connections at once instead of waiting 30 s")
    func cancellationCloses() async throws {
        let pool = try Pool(name: "svc", factory: TestFactory())
        let running = Task { try await pool.run() }
        let lease = try await pool.acquire()
        let started = ContinuousClock.now
        running.cancel()
        try await running.value
        #expect(ContinuousClock.now - started < .seconds(5), "not the 30 s shutdownDeadline")
        #expect(pool.status().phase == .closed && pool.status().counters.closed >= 1)
        pool.release(lease)  // a late release of a force-closed lease is ignored
    }

    @Test("nothing outlives run(): when it returns every close has finished and no timer sleeps on the clock")
    func nothingOutlivesRun() async throws {
        let clock = ManualClock()
        let factory = SlowClosingFactory()
        var configuration = PoolConfiguration()
        configuration.minimumConnections = 3
        configuration.maximumConnections = 3
        let pool = try Pool(name: "svc", configuration: configuration, factory: factory, clock: clock)
        let running = Task { try await pool.run() }
        #expect(await eventually { pool.status().idle == 3 })
        #expect(await eventually { clock.sleeperCount == 1 }, "the housekeeping timer sleeps until its next tick")
        let lease = try await pool.acquire()
        async let shutDown: Void = pool.shutdown(deadline: .seconds(5))
        #expect(await eventually { clock.sleeperCount == 2 }, "the shutdown deadline waits for the lease")
        pool.release(lease)
        await shutDown
        try await running.value
        #expect(factory.closesFinished == 3, "run() returned after the 20 ms closes, not before")
        #expect(clock.sleeperCount == 0, "no timer is left behind")
    }

    /// The machine turns `closed` under the lock and its last closes are queued just after: run() used to see the
    /// phase, end, and refuse those closes, dropping the connections unclosed (postgres-nio asserts on that).
    @Test("shutdown while run() is busy: every connection it opened is closed, in 100 rounds")
    func shutdownClosesEverything() async throws {
        var configuration = PoolConfiguration()
        configuration.minimumConnections = 8
        configuration.maximumConnections = 8
        configuration.initialConnections = 8
        configuration.housekeepingInterval = .milliseconds(1)
        for round in 0..<100 {
            let factory = TestFactory()
            let pool = try Pool(name: "svc", configuration: configuration, factory: factory)
            let running = Task { try await pool.run() }
            let opened = await eventually(30) { pool.status().idle == 8 }  // a loaded CI machine: seconds, not ms
            #expect(opened, "round \(round): \(pool.status())")
            async let churn: Void = {
                for _ in 0..<20 { if let lease = pool.tryAcquire() { pool.release(lease) } }
            }()
            await pool.shutdown(deadline: .seconds(1))
            await churn
            try await running.value
            let (created, closed) = (factory.created, factory.closed.count)
            #expect(created == closed, "round \(round): \(created) opened, \(closed) closed")
            if created != closed || !opened { break }
        }
    }

    @Test("a pool nobody runs: a waiting acquire logs why once; shutdown() runs the closes itself")
    func notRunning() async throws {
        let capture = LogCapture()
        var configuration = PoolConfiguration()
        configuration.acquireTimeout = .milliseconds(50)
        let factory = TestFactory()
        let pool = try Pool(name: "idle", configuration: configuration, factory: factory, logger: capture.logger)
        let waiting = Task { try await pool.acquire() }
        #expect(await eventually { !capture.records(containing: "nothing runs the pool").isEmpty })
        #expect(factory.created == 0, "no connection opens while nothing runs the pool")
        await pool.shutdown(deadline: .zero)
        await #expect(throws: PatinoxError.self) { _ = try await waiting.value }
        #expect(pool.status().phase == .closed)
        #expect(capture.records(containing: "nothing runs the pool").count == 1, "said once")
        try await pool.run()  // returns at once: the pool is closed
    }

    @Test("a second run() waits for the first and returns with it")
    func secondRun() async throws {
        let pool = try Pool(name: "svc", factory: TestFactory()).running()
        pool.release(try await pool.acquire())
        #expect(pool.status().idle == 1)
        let second = Task { try await pool.run() }
        try await Task.sleep(for: .milliseconds(20))
        #expect(pool.status().phase == .running, "the second run() started nothing of its own")
        await pool.shutdown(deadline: .seconds(1))
        try await second.value
        #expect(pool.status().phase == .closed)
    }

    @Test("SIGTERM to a process holding three leases: the work in hand finishes, every connection closes, exit 0")
    func sigtermDrains() async throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("memtop-graceful-example").path
        #expect(FileManager.default.isExecutableFile(atPath: binary), "no \(binary)")
        let output = temporaryPath("graceful.out")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let pid = try spawn(["/bin/sh", "-c", "exec '\(binary)' 0.8 > '\(output)' 2>&1"])
        func printed() -> String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }
        #expect(await eventually(15) { printed().contains("ready: 3 leases held") }, "\(printed())")
        let signalled = ContinuousClock.now
        kill(pid, SIGTERM)
        let status = try await onThread { waitForExit(pid) }
        let took = ContinuousClock.now - signalled
        #expect(status == 0, "exit status \(status): \(printed())")
        #expect(took < .seconds(5), "drained within the leases' hold time, far inside the 10 s deadline: \(took)")
        #expect(printed().contains("3 opened, 3 closed, 0 leased"), "\(printed())")
        #expect(printed().contains("phase closed"), "\(printed())")
    }
}

/// Connections are numbers; closing one takes 20 ms of real time, and finished closes are counted.
final class SlowClosingFactory: ConnectionFactory {
    private let counts = NIOLockedValueBox((next: 0, closed: 0))
    var closesFinished: Int { counts.withLockedValue { $0.closed } }

    func makeConnection() async throws -> Int {
        counts.withLockedValue { counts in
            counts.next += 1
            return counts.next
        }
    }

    func validate(_ connection: Int) async -> Bool { true }

    func close(_ connection: Int) async {
        try? await Task.sleep(for: .milliseconds(20))
        counts.withLockedValue { $0.closed += 1 }
    }
}
