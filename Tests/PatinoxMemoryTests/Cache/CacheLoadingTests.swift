import NIOConcurrencyHelpers
import Testing

@testable import PatinoxMemory

@Suite("Cache: single-flight loading")
struct CacheLoadingTests {
    @Test("100 concurrent misses on one key run the loader once and all get its value")
    func singleFlight() async throws {
        let cache = try makeCache(count: 10) as Cache<String, Int>
        let calls = NIOLockedValueBox(0)
        let values = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<100 {
                group.addTask {
                    try await cache.get("k") { _ in
                        calls.withLockedValue { $0 += 1 }
                        try await Task.sleep(for: .milliseconds(50))
                        return 42
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(values == Array(repeating: 42, count: 100))
        #expect(calls.withLockedValue { $0 } == 1)
        #expect(cache.get("k") == 42)
        #expect(cache.status().stats.loads == 1)
    }

    @Test("a failing loader fails every waiter with context, stores nothing, and can be retried")
    func failure() async throws {
        struct DatabaseDown: Error {}
        let cache = try makeCache(count: 10) as Cache<String, Int>
        await #expect {
            try await cache.get("k") { _ in throw DatabaseDown() }
        } throws: { error in
            let error = error as! PatinoxError
            return error.code == .cacheLoadFailed && error.rootCause is DatabaseDown
                && error.description.contains("cache 'test' · load")
        }
        #expect(!cache.contains("k"))
        #expect(cache.status().stats.loadFailures == 1)
        #expect(try await cache.get("k") { _ in 7 } == 7)
    }

    @Test("a loader that asks for its own key gets an error, not a deadlock")
    func recursion() async throws {
        let cache = try makeCache(count: 10) as Cache<String, Int>
        await #expect {
            try await cache.get("a") { _ in try await cache.get("b") { _ in try await cache.get("a") { _ in 1 } } }
        } throws: { error in
            let error = error as! PatinoxError
            return error.code == .cacheLoadFailed && error.message.contains("asked the cache for a again")
        }
        #expect(try await cache.get("b") { _ in 2 } == 2, "the cache still works afterwards")
    }

    @Test("a hit does not call the loader")
    func hit() async throws {
        let cache = try makeCache(count: 10) as Cache<String, Int>
        cache.put("k", 1)
        #expect(
            try await cache.get("k") { _ in
                Issue.record("loader called"); return 0
            } == 1
        )
    }
}
