import Configuration
import MemtopTestSupport
import PatinoxMemory
import Testing

@testable import PatinoxConfiguration

struct NoopFactory: ConnectionFactory {
    func makeConnection() async throws -> Int { 1 }
    func validate(_ connection: Int) async -> Bool { true }
    func close(_ connection: Int) async {}
}

@Suite("LiveConfiguration on swift-configuration")
struct LiveConfigurationTests {
    static let defaults = MemorySettings(
        pools: ["db": PoolLimits(minimum: 1, maximum: 10)],
        caches: ["users": CacheLimits(maximumCount: 100)]
    )

    @Test("valid overrides are published and the pool and cache follow them")
    func followsValidUpdates() async throws {
        let overrides = MutableInMemoryProvider(initialValues: [:])
        let live = try LiveConfiguration(reader: ConfigReader(providers: [overrides]), defaults: Self.defaults)
        let pool = try Pool(name: "db", factory: NoopFactory()).running()
        var cacheConfiguration = CacheConfiguration<Int, Int>()
        cacheConfiguration.maximumCount = 100
        cacheConfiguration.shards = 1
        let cache = try Cache(name: "users", configuration: cacheConfiguration)
        for key in 0..<100 { cache.put(key, key) }
        let following = [pool.follow(live), cache.follow(live)]
        defer { following.forEach { $0.cancel() } }

        overrides.setValue(20, forKey: "pools.db.maximum")
        overrides.setValue(3, forKey: "pools.db.minimum")
        overrides.setValue(40, forKey: "caches.users.maximum-count")
        let result = live.reload()
        #expect((try? result.get())?.pools["db"] == PoolLimits(minimum: 3, maximum: 20))
        #expect(await eventually { pool.status().maximum == 20 && pool.status().minimum == 3 })
        #expect(await eventually { cache.status().maximumCount == 40 && cache.status().count == 40 })
        await pool.shutdown()
    }

    @Test("a value that is not a number is rejected with its key; the previous settings stay")
    func rejectsBadValue() throws {
        let overrides = MutableInMemoryProvider(initialValues: [:])
        let live = try LiveConfiguration(reader: ConfigReader(providers: [overrides]), defaults: Self.defaults)
        overrides.setValue("lots", forKey: "pools.db.maximum")
        let error = try #require(live.reload().failure)
        #expect(error.code == .invalidConfiguration && error.context.name == "pools.db.maximum")
        #expect(error.description.contains("'lots' is not a whole number"))
        #expect(live.settings.value == Self.defaults)
        #expect(live.lastRejection != nil)
    }

    @Test("limits that do not fit together are rejected naming the pool; nothing changes")
    func rejectsInconsistentLimits() throws {
        let overrides = MutableInMemoryProvider(initialValues: [:])
        let live = try LiveConfiguration(reader: ConfigReader(providers: [overrides]), defaults: Self.defaults)
        overrides.setValue(50, forKey: "pools.db.minimum")
        let error = try #require(live.reload().failure)
        #expect(error.context.name == "pools.db" && error.message.contains("minimum 50"))
        overrides.setValue(0, forKey: "caches.users.maximum-count")
        overrides.setValue(5, forKey: "pools.db.minimum")
        #expect(live.reload().failure?.context.name == "caches.users.maximum-count")
        #expect(live.settings.value == Self.defaults)
    }

    @Test("environment variables are read, and an invalid start configuration throws")
    func environment() throws {
        let environment = EnvironmentVariablesProvider(environmentVariables: ["POOLS_DB_MAXIMUM": "7"])
        let live = try LiveConfiguration(reader: ConfigReader(providers: [environment]), defaults: Self.defaults)
        #expect(live.settings.value.pools["db"]?.maximum == 7)
        let broken = EnvironmentVariablesProvider(environmentVariables: ["POOLS_DB_MAXIMUM": "seven"])
        #expect(throws: PatinoxError.self) {
            try LiveConfiguration(reader: ConfigReader(providers: [broken]), defaults: Self.defaults)
        }
    }

    @Test("watch applies provider changes as they happen")
    func watch() async throws {
        let overrides = MutableInMemoryProvider(initialValues: [:])
        let live = try LiveConfiguration(reader: ConfigReader(providers: [overrides]), defaults: Self.defaults)
        let watching = Task { try await live.watch() }
        defer { watching.cancel() }
        try await Task.sleep(for: .milliseconds(50))
        overrides.setValue(12, forKey: "pools.db.maximum")
        #expect(await eventually { live.settings.value.pools["db"]?.maximum == 12 })
        overrides.setValue("x", forKey: "pools.db.maximum")
        #expect(await eventually { live.lastRejection?.context.name == "pools.db.maximum" })
        #expect(live.settings.value.pools["db"]?.maximum == 12)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

@Suite("LiveConfiguration with a reloading JSON file", .timeLimit(.minutes(2)))
struct ReloadingFileTests {
    static let path = "/tmp/memtop-live-configuration-test.json"

    func write(_ text: String) throws {
        let file = fopen(Self.path, "w")
        defer { fclose(file) }
        fputs(text, file)
    }

    @Test("edits to the file are picked up; a bad edit is rejected and the last good values stay")
    func reloadingFile() async throws {
        try write(#"{"pools": {"db": {"maximum": 12}}}"#)
        let file = try await ReloadingFileProvider<JSONSnapshot>(
            filePath: "/tmp/memtop-live-configuration-test.json",
            pollInterval: .milliseconds(20)
        )
        let live = try LiveConfiguration(
            reader: ConfigReader(providers: [file]),
            defaults: LiveConfigurationTests.defaults
        )
        #expect(live.settings.value.pools["db"]?.maximum == 12)
        let polling = Task { try await file.run() }
        let watching = Task { try await live.watch() }
        defer {
            polling.cancel()
            watching.cancel()
        }
        try await Task.sleep(for: .milliseconds(50))
        try write(#"{"pools": {"db": {"maximum": 14, "minimum": 2}}}"#)
        #expect(await eventually { live.settings.value.pools["db"] == PoolLimits(minimum: 2, maximum: 14) })
        try write(#"{"pools": {"db": {"maximum": "many"}}}"#)
        #expect(await eventually { live.lastRejection?.context.name == "pools.db.maximum" })
        #expect(live.settings.value.pools["db"] == PoolLimits(minimum: 2, maximum: 14))
    }
}

#if canImport(Glibc)
    import Glibc
#endif
