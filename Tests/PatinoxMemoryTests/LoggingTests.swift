import Foundation
import Logging
import MemtopTestSupport
import Testing

@testable import PatinoxMemory

#if canImport(Glibc)
    import Glibc
#endif

/// What each component tells an operator through the `Logger` it is given (silent by default).
@Suite("Diagnostics through swift-log", .timeLimit(.minutes(1)))
struct LoggingTests {
    @Test("a pool logs failed connection attempts and the breaker opening, with its name as metadata")
    func pool() async throws {
        let capture = LogCapture()
        let factory = TestFactory()
        factory.state.withLockedValue { $0.failCreates = true }
        var configuration = PoolConfiguration()
        configuration.circuitBreakerThreshold = 1
        configuration.acquireTimeout = .seconds(30)
        let pool = try Pool(name: "orders", configuration: configuration, factory: factory, logger: capture.logger)
            .running()
        await #expect(throws: PatinoxError.self) { _ = try await pool.acquire() }
        #expect(await eventually { !capture.records(containing: "circuit opened").isEmpty })
        let attempt = try #require(capture.records(containing: "connection attempt failed").first)
        #expect(attempt.level == .warning && attempt.metadata["pool"] == "orders" && attempt.metadata["error"] != nil)
        #expect(capture.records(containing: "circuit opened").first?.level == .error)
        await pool.shutdown()
        #expect(await eventually { !capture.records(containing: "pool shut down").isEmpty })
    }

    @Test("a cache logs a failed load without the key (it may be personal data)")
    func cache() async throws {
        let capture = LogCapture()
        let cache = try Cache<String, Int>(name: "users", logger: capture.logger)
        struct Down: Error {}
        await #expect(throws: PatinoxError.self) {
            _ = try await cache.get("alice@example.com") { _ in throw Down() }
        }
        let record = try #require(capture.records(containing: "cache load failed").first)
        #expect(record.level == .warning && record.metadata["cache"] == "users")
        #expect(!"\(record.message) \(record.metadata)".contains("alice"))
    }

    @Test("a cleanup that failed every attempt is an error in the log; a mapped file that shrank, a warning")
    func guardsAndMappings() async throws {
        let capture = LogCapture()
        let registry = CleanupRegistry(name: "sockets", logger: capture.logger)
        let guarded = ResourceGuard(FakeResource(failures: 100), name: "s", registry: registry, retry: quickRetry) {
            try $0.release()
        }
        await #expect(throws: PatinoxError.self) { try await guarded.cleanup() }
        let failed = try #require(capture.records(containing: "cleanup failed").first)
        #expect(failed.level == .error && failed.metadata["registry"] == "sockets")

        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.file("shrinking", bytes: 1 << 20)
        let mapping = try MappedFile<UInt64>(path: path, registry: registry)
        truncate(path, 4096)
        #expect(throws: PatinoxError.self) { _ = try mapping.element(at: 100_000) }
        let shrank = try #require(capture.records(containing: "mapped file shrank").first)
        #expect(shrank.level == .warning && shrank.metadata["path"] == path)
    }

    @Test("without a logger every component logs to one that discards, and works as with one")
    func silentByDefault() async throws {
        let cache = try Cache<Int, Int>(name: "quiet")
        let pool = try Pool(name: "quiet", factory: TestFactory()).running()
        let registry = CleanupRegistry(name: "quiet")
        for logger in [cache.logger, pool.logger, registry.logger] {
            #expect(logger.handler is SwiftLogNoOpLogHandler, "the default discards every record")
        }
        struct Down: Error {}
        await #expect(throws: PatinoxError.self) { _ = try await cache.get(1) { _ in throw Down() } }
        await pool.shutdown()
    }
}
