import Foundation
import MemtopTestSupport
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
