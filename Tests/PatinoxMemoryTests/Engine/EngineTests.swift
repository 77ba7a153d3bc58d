import Foundation
import MemtopTestSupport
import Testing

@testable import PatinoxMemory

@Suite("Engine: registry, snapshots, commands, faults", .serialized)
struct EngineTests {
    struct Fixture {
        let clock = ManualClock()
        let engine: Engine
        let pool: Pool<TestFactory>
        let cache: Cache<Int, Int>
        let registry: CleanupRegistry
        let folder: TemporaryFolder
        let mapping: MappedFile<UInt64>

        init() throws {
            folder = try TemporaryFolder()
            engine = Engine(name: "shop", clock: clock)
            var poolConfiguration = PoolConfiguration()
            poolConfiguration.minimumConnections = 2
            poolConfiguration.maximumConnections = 4
            pool = try Pool(
                name: "db",
                configuration: poolConfiguration,
                factory: TestFactory(),
                monitor: engine.monitor()
            ).running()
            var cacheConfiguration = CacheConfiguration<Int, Int>()
            cacheConfiguration.maximumCount = 100
            cacheConfiguration.shards = 1
            cache = try Cache(name: "users", configuration: cacheConfiguration, clock: clock, monitor: engine.monitor())
            registry = CleanupRegistry(name: "requests", clock: clock)
            let path = try folder.file("index", bytes: 1 << 20)
            mapping = try MappedFile<UInt64>(path: path)
            engine.register(pool)
            engine.register(cache)
            engine.register(registry)
            engine.register(mapping)
        }
    }

    @Test("a snapshot has every component, round-trips through JSON, and says the schema version")
    func snapshotRoundTrip() async throws {
        let fixture = try Fixture()
        defer { fixture.folder.remove() }
        #expect(await eventually(30) { fixture.pool.status().idle == 2 }, "the pool's run() opened its minimum")
        for key in 0..<10 { fixture.cache.put(key, key) }
        _ = fixture.cache.get(3)
        _ = try fixture.mapping.elements(0..<1024)
        let snapshot = fixture.engine.snapshot()
        #expect(snapshot.schemaVersion == 1 && snapshot.engine == "shop")
        #expect(snapshot.pools.map(\.name) == ["db"] && snapshot.pools[0].idle == 2)
        #expect(snapshot.caches.first?.count == 10 && snapshot.caches.first?.stats.hits == 1)
        #expect(snapshot.guards.first?.name == "requests")
        #expect(snapshot.mappings.first?.residentPages ?? 0 >= 1 && snapshot.mappings.first?.regions.count == 64)
        #expect(snapshot.health.overall == .healthy && snapshot.health.components.count == 4)
        let json = try JSONEncoder().encode(snapshot)
        #expect(try JSONDecoder().decode(EngineSnapshot.self, from: json) == snapshot)
        let streamed = Data(try snapshot.jsonData())
        #expect(try JSONDecoder().decode(EngineSnapshot.self, from: streamed) == snapshot)
        let parsed = try JSONSerialization.jsonObject(with: streamed) as? NSDictionary
        #expect(parsed == (try JSONSerialization.jsonObject(with: json) as? NSDictionary), "same JSON, key order aside")
        await fixture.pool.shutdown()
    }

    @Test("components leave the registry when they are deallocated")
    func weakMembership() throws {
        let engine = Engine(name: "e")
        do {
            var configuration = CacheConfiguration<Int, Int>()
            configuration.maximumCount = 10
            let cache = try Cache(name: "short-lived", configuration: configuration)
            engine.register(cache)
            #expect(engine.snapshot().caches.count == 1)
        }
        #expect(engine.snapshot().caches.isEmpty)
    }

    @Test("a scope joins by name: what it holds, whether it is open; it leaves when deallocated")
    func scopes() async throws {
        let engine = Engine(name: "e")
        let registry = CleanupRegistry(name: "requests")
        do {
            let scope = ResourceScope(name: "batch", registry: registry)
            engine.register(scope)
            try scope.guarded(1, name: "one") { _ in }
            try scope.guarded(2, name: "two") { _ in }
            #expect(
                engine.snapshot().scopes == [
                    ScopeSnapshot(name: "batch", registry: "requests", open: true, resources: 2)
                ]
            )
            #expect(throws: PatinoxError.self) {
                try engine.apply(
                    .injectFault(target: "batch", kind: .cleanupFailures, amount: nil, durationSeconds: 1),
                    sender: "test"
                )
            }
            #expect(try engine.apply(.resetStats(target: "batch"), sender: "test").contains("nothing"))
            await scope.close()
            #expect(engine.snapshot().scopes.first?.open == false && engine.snapshot().scopes.first?.resources == 0)
        }
        #expect(engine.snapshot().scopes.isEmpty)
    }

    @Test("commands decode from JSON; valid ones apply and log the sender, invalid ones explain")
    func commands() async throws {
        let fixture = try Fixture()
        defer { fixture.folder.remove() }
        let json = #"{"command": "resizePool", "pool": "db", "minimum": 2, "maximum": 20}"#
        let command = try JSONDecoder().decode(ControlCommand.self, from: Data(json.utf8))
        #expect(command == .resizePool(pool: "db", minimum: 2, maximum: 20))
        #expect(try JSONDecoder().decode(ControlCommand.self, from: JSONEncoder().encode(command)) == command)
        try fixture.engine.apply(command, sender: "alice")
        #expect(fixture.pool.status().maximum == 20)
        let events = fixture.engine.snapshot().events
        #expect(events.contains { $0.kind == "command" && $0.message.hasPrefix("alice:") && $0.component == "pool/db" })
        #expect(events.contains { $0.kind == "resized" }, "the pool's own event came through the engine monitor")

        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ControlCommand.self, from: Data(#"{"command": "reboot"}"#.utf8))
        }
        for (bad, fragment) in [
            (ControlCommand.resizePool(pool: "db", minimum: 9, maximum: 3), "minimum 9"),
            (.resizePool(pool: "nope", minimum: 1, maximum: 2), "known: 'db'"),
            (.injectFault(target: "users", kind: .squeeze, amount: 2, durationSeconds: 5), "outside (0, 1]"),
            (.injectFault(target: "db", kind: .failCreates, amount: nil, durationSeconds: 0), "durationSeconds"),
            (
                .injectFault(target: "users", kind: .failCreates, amount: nil, durationSeconds: 5),
                "no pool named 'users'"
            ),
            (.flushCache(cache: "db"), "no cache named 'db'"),
        ] {
            #expect {
                try fixture.engine.apply(bad, sender: "bob")
            } throws: { error in
                (error as? PatinoxError)?.description.contains(fragment) == true
            }
        }
        try fixture.engine.apply(.resetStats(target: nil), sender: "carol")
        #expect(fixture.pool.status().counters.acquired == 0)
        await fixture.pool.shutdown()
    }

    @Test("an engine nobody runs ends a timed fault at the first snapshot or command after its time")
    func faultsEndLazily() async throws {
        let fixture = try Fixture()
        defer { fixture.folder.remove() }
        try fixture.engine.apply(
            .injectFault(target: "db", kind: .failCreates, amount: nil, durationSeconds: 5),
            sender: "chaos"
        )
        fixture.clock.advance(by: .seconds(4))
        #expect(fixture.engine.snapshot().faults.count == 1 && fixture.pool.faults.failCreates, "not yet due")
        fixture.clock.advance(by: .seconds(2))
        #expect(fixture.pool.faults.failCreates, "nothing runs the engine: the fault waits to be looked at")
        let snapshot = fixture.engine.snapshot()
        #expect(snapshot.faults.isEmpty && !fixture.pool.faults.failCreates)
        #expect(snapshot.events.contains { $0.kind == .faultCleared && $0.message.contains("fail-creates ended") })
        try fixture.engine.apply(
            .injectFault(target: "db", kind: .failHealthChecks, amount: nil, durationSeconds: 1),
            sender: "chaos"
        )
        fixture.clock.advance(by: .seconds(2))
        try fixture.engine.apply(.resetStats(target: nil), sender: "chaos")
        #expect(!fixture.pool.faults.failHealthChecks, "a command ends an overdue fault first")
        await fixture.pool.shutdown()
    }

    @Test("a fault injected again replaces the earlier one: the earlier end does not clear the later fault")
    func reinjectedFault() async throws {
        let fixture = try Fixture()
        defer { fixture.folder.remove() }
        let inject = ControlCommand.injectFault(target: "db", kind: .failCreates, amount: nil, durationSeconds: 5)
        try fixture.engine.apply(inject, sender: "chaos")
        fixture.clock.advance(by: .seconds(3))
        try fixture.engine.apply(inject, sender: "chaos")  // now until t = 8 s
        #expect(fixture.engine.snapshot().faults.count == 1, "one fault per kind and target")
        fixture.clock.advance(by: .seconds(3))  // t = 6 s: the first injection's end has passed
        #expect(fixture.engine.snapshot().faults.count == 1 && fixture.pool.faults.failCreates)
        fixture.clock.advance(by: .seconds(3))  // t = 9 s
        #expect(fixture.engine.snapshot().faults.isEmpty && !fixture.pool.faults.failCreates)
        await fixture.pool.shutdown()
    }

    @Test("a resize command above the engine's ceiling is refused with the ceiling and how to go beyond it")
    func resizeCeiling() async throws {
        let fixture = try Fixture()
        defer { fixture.folder.remove() }
        #expect(fixture.engine.commandPoolCeiling == 1_000)
        do {
            try fixture.engine.apply(.resizePool(pool: "db", minimum: 1, maximum: 100_000), sender: "remote")
            Issue.record("accepted a pool of 100,000")
        } catch {
            #expect(error.description.contains("above the 1000 connections a command may ask for"))
            #expect(error.description.contains("commandPoolCeiling"))
        }
        #expect(fixture.pool.status().maximum == 4, "unchanged")
        try fixture.engine.apply(.resizePool(pool: "db", minimum: 1, maximum: 1_000), sender: "remote")
        #expect(fixture.pool.status().maximum == 1_000)
        await fixture.pool.shutdown()
    }

    @Test("every fault kind shows in the next snapshot and clears after its duration")
    func faults() async throws {
        let fixture = try Fixture()
        defer { fixture.folder.remove() }
        let engine = fixture.engine
        #expect(await eventually { fixture.pool.status().idle == 2 })
        for key in 0..<100 { fixture.cache.put(key, key) }
        _ = try fixture.mapping.elements(0..<65_536)

        for kind in [FaultKind.failHealthChecks, .failCreates, .acquireLatency, .createLatency] {
            try engine.apply(.injectFault(target: "db", kind: kind, amount: nil, durationSeconds: 5), sender: "chaos")
        }
        try engine.apply(
            .injectFault(target: "users", kind: .missStorm, amount: nil, durationSeconds: 5),
            sender: "chaos"
        )
        try engine.apply(
            .injectFault(target: "users", kind: .squeeze, amount: 0.25, durationSeconds: 5),
            sender: "chaos"
        )
        try engine.apply(
            .injectFault(target: "requests", kind: .cleanupFailures, amount: nil, durationSeconds: 5),
            sender: "chaos"
        )
        let residentBefore = engine.snapshot().mappings[0].residentPages
        try engine.apply(
            .injectFault(target: fixture.mapping.path, kind: .dropResidentPages, amount: nil, durationSeconds: 1),
            sender: "chaos"
        )
        try engine.apply(
            .injectFault(target: "db", kind: .killConnections, amount: 2, durationSeconds: 1),
            sender: "chaos"
        )

        let during = engine.snapshot()
        #expect(during.faults.count == 7)
        #expect(fixture.pool.faults.failCreates && fixture.pool.faults.acquireLatency == .milliseconds(100))
        #expect(during.caches[0].forcingMisses && during.caches[0].squeezed && during.caches[0].count == 25)
        #expect(during.guards[0].failingCleanups)
        #expect(during.mappings[0].residentPages < residentBefore)
        #expect(during.pools[0].counters.replaced == 2)
        #expect(during.health.overall == .degraded)
        #expect(during.events.filter { $0.kind == "command" }.count == 9)

        let sleepers = fixture.clock.sleeperCount  // the cache's housekeeping
        let running = Task { try await engine.run() }
        #expect(await eventually { fixture.clock.sleeperCount == sleepers + 1 }, "one timer for all the faults")
        fixture.clock.advance(by: .seconds(6))
        // No snapshot in between: the engine's run loop ends the faults on its own.
        #expect(await eventually { fixture.pool.faults == .none && !fixture.registry.failsCleanups })
        #expect(await eventually { !fixture.cache.status().forcingMisses && !fixture.cache.status().squeezed })
        #expect(await eventually { engine.snapshot().faults.isEmpty })
        running.cancel()
        let after = engine.snapshot()
        #expect(after.events.filter { $0.kind == "fault-cleared" }.count == 7)
        await fixture.pool.shutdown()
    }

    @Test("an open breaker makes the pool and the engine unhealthy, with the reason")
    func health() async throws {
        let factory = TestFactory()
        factory.state.withLockedValue { $0.failCreates = true }
        var configuration = PoolConfiguration()
        configuration.circuitBreakerThreshold = 1
        configuration.acquireTimeout = .seconds(30)
        let pool = try Pool(name: "flaky", configuration: configuration, factory: factory).running()
        let engine = Engine(name: "e")
        engine.register(pool)
        await #expect(throws: PatinoxError.self, "every create fails, so the acquire does") {
            _ = try await pool.acquire()
        }
        let snapshot = engine.snapshot()
        #expect(snapshot.health.overall == .unhealthy)
        #expect(snapshot.health.components["pool/flaky"]?.reason?.contains("circuit open") == true)
        await pool.shutdown()
    }
}
