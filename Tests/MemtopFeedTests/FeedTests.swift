import Foundation
import MemtopSource
import MemtopTestSupport
import MemtopWorkload
import NIOConcurrencyHelpers
import PatinoxMemory
import ServiceLifecycleTestKit
import Testing

@testable import MemtopFeed

@Suite(
    "Feed: publish → attach over a real nats-server",
    .serialized,
    .timeLimit(.minutes(2)),
    .requires(.natsServer)
)
struct FeedTests {
    /// A publishing engine (the built-in scenario), a remote source attached to it, and what stops them.
    struct Attached {
        let server: NATSServerProcess
        let service: SyntheticService
        let load: Task<Void, Never>
        let source: RemoteSource
        let clients: [NATSClient]

        /// Stops the load and the publisher, closes the clients, shuts the service down (then the server).
        func close() async {
            load.cancel()
            for client in clients { await client.close() }
            await service.shutdown()
        }
    }

    func publishAndAttach(allowControl: Bool) async throws -> Attached {
        let server = try await NATSServerProcess()
        let publisherClient = try await server.client()
        let viewerClient = try await server.client()
        let service = try SyntheticService(scenario: .builtin, engine: Engine(name: "shop"))
        let publisher = try FeedPublisher(
            engine: service.engine,
            client: publisherClient,
            name: "shop",
            interval: .milliseconds(100),
            allowControl: allowControl
        )
        let source = RemoteSource(client: viewerClient, engine: "shop")
        let load = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await service.run() }
                group.addTask { await publisher.run() }
            }
        }
        return Attached(
            server: server,
            service: service,
            load: load,
            source: source,
            clients: [publisherClient, viewerClient]
        )
    }

    @Test("snapshots arrive; a resize by request/reply changes the remote engine; the engine list hears it")
    func roundTrip() async throws {
        let attached = try await publishAndAttach(allowControl: true)
        let (source, service) = (attached.source, attached.service)
        #expect(await eventually { source.latest()?.pools.first?.name == "db" })
        #expect(source.latest()?.engine == "shop" && source.status() == nil)
        #expect(await source.waitForEngines(upTo: 1) == ["shop"])
        #expect(source.engines()?.first.map { $0.rate > 0 && $0.bytes > 100 } == true)
        let outcome = await controlResult(source, .resizePool(pool: "db", minimum: 1, maximum: 13))
        #expect((try? outcome.get())?.contains("resized") == true, "\(outcome)")
        #expect(service.pool.status().maximum == 13)
        #expect(await eventually { source.latest()?.pools.first?.maximum == 13 })
        let bad = await controlResult(source, .resizePool(pool: "nope", minimum: 1, maximum: 2))
        #expect(throws: PatinoxError.self) { try bad.get() }
        await attached.close()
    }

    @Test("control is refused, with a reply that says so, unless the owner allowed it")
    func controlRefused() async throws {
        let attached = try await publishAndAttach(allowControl: false)
        let (source, service) = (attached.source, attached.service)
        #expect(await eventually { source.latest() != nil })
        let outcome = await controlResult(source, .resizePool(pool: "db", minimum: 1, maximum: 13))
        switch outcome {
        case .success: Issue.record("a refused engine applied a command")
        case .failure(let error): #expect(error.message.contains("--allow-control"), "\(error)")
        }
        #expect(service.pool.status().maximum != 13)
        await attached.close()
    }

    @Test("garbage and wrong-version messages are counted and shown, never passed on")
    func garbage() async throws {
        let attached = try await publishAndAttach(allowControl: false)
        let (source, server) = (attached.source, attached.server)
        #expect(await eventually { source.latest() != nil })
        let vandal = try await server.client()
        try vandal.publish(Array("{not json".utf8), to: FeedSubjects.snapshot("shop"))
        var future = try #require(source.latest())
        future.schemaVersion = 99
        try vandal.publish(try future.jsonData(), to: FeedSubjects.snapshot("shop"))
        #expect(
            await eventually { (source.status() ?? "").contains("rejected 2 snapshot(s)") },
            "\(source.status() ?? "")"
        )
        #expect(source.latest()?.schemaVersion == 1)
        await vandal.close()
        await attached.close()
    }

    @Test("two engines: the picker lists both, a switch draws the other, --record keeps the drawn engine's frames")
    func switchAndRecord() async throws {
        let server = try await NATSServerProcess()
        let publisherClient = try await server.client()
        let viewerClient = try await server.client()
        let publishers = try ["shop", "books"].map { name in
            try FeedPublisher(
                engine: Engine(name: name),
                client: publisherClient,
                name: name,
                interval: .milliseconds(50),
                allowControl: false
            )
        }
        let feed = Task {
            await withTaskGroup(of: Void.self) { group in
                for publisher in publishers { group.addTask { await publisher.run() } }
            }
        }
        let path = temporaryPath("recording.ndjson")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let recorder = try RecordingWriter(path: path, header: RecordingHeader(engine: "shop", source: server.url))
        let source = RemoteSource(client: viewerClient, engine: nil, recorder: recorder)
        #expect(await source.waitForEngines(upTo: 2) == ["books", "shop"])
        #expect(source.latest() == nil, "nothing is drawn before a pick")
        source.select(engine: "shop")
        #expect(await eventually { source.latest()?.engine == "shop" })
        #expect(await eventually { recorder.written.frames >= 3 })
        source.select(engine: "books")
        #expect(await eventually { source.latest()?.engine == "books" })
        feed.cancel()
        await viewerClient.close()
        recorder.close()
        let recording = try Recording.read(path: path)
        #expect(recording.header?.engine == "shop" && recording.problems.isEmpty)
        #expect(recording.frames.count == recorder.written.frames && recording.frames.count >= 3)
        #expect(Set(recording.frames.map(\.snapshot.engine)) == ["shop", "books"], "frames follow the drawn engine")
        await publisherClient.close()
        _ = server
    }

    @Test("an event goes out at once, not at the next interval; a burst of events is coalesced")
    func eventPush() async throws {
        let server = try await NATSServerProcess()
        let publisherClient = try await server.client()
        let viewerClient = try await server.client()
        let engine = Engine(name: "slow")
        let publisher = try FeedPublisher(
            engine: engine,
            client: publisherClient,
            name: "slow",
            interval: .seconds(600),
            allowControl: false
        )
        let source = RemoteSource(client: viewerClient, engine: "slow")
        let feed = Task { await publisher.run() }
        // The viewer's subscription reaches the server asynchronously (the first snapshot, sent at start, may
        // go before it): record until a push is heard. The interval is 10 minutes, so only events push.
        #expect(
            await eventually {
                engine.record(component: "pool/db", kind: "resized", message: "marker-1")
                return source.latest()?.events.contains { $0.message == "marker-1" } == true
            }
        )
        let count = NIOLockedValueBox(0)
        viewerClient.subscribe(FeedSubjects.snapshot("slow")) { _ in count.withLockedValue { $0 += 1 } }
        try await Task.sleep(for: .milliseconds(100))
        let started = ContinuousClock.now
        for index in 0..<200 { engine.record(component: "pool/db", kind: "burst", message: "burst-\(index)") }
        #expect(await eventually { source.latest()?.events.contains { $0.message == "burst-199" } == true })
        try await Task.sleep(for: .milliseconds(100))
        let seconds = (ContinuousClock.now - started) / .milliseconds(1) / 1000
        let pushed = count.withLockedValue { $0 }
        // One per minimum gap at most (+1 for the first): 200 events, a handful of snapshots.
        #expect(pushed >= 1 && Double(pushed) <= seconds / 0.05 + 1, "\(pushed) snapshots in \(seconds) s")
        feed.cancel()
        for client in [publisherClient, viewerClient] { await client.close() }
        _ = server
    }

    @Test("as a service, the publisher sends a last snapshot at graceful shutdown and leaves")
    func lastSnapshotAtShutdown() async throws {
        let server = try await NATSServerProcess()
        let publisherClient = try await server.client()
        let (viewer, inbox) = try await server.snapshotsOf("leaving")
        let engine = Engine(name: "leaving")
        let publisher = try FeedPublisher(
            engine: engine,
            client: publisherClient,
            name: "leaving",
            interval: .seconds(600),
            allowControl: false
        )
        await testGracefulShutdown { trigger in
            let running = Task { await publisher.run() }
            #expect(await eventually { inbox.count == 1 }, "the first snapshot at start")
            trigger.triggerGracefulShutdown()
            await running.value
        }
        #expect(await eventually { inbox.count == 2 }, "one more at shutdown, not ten minutes later")
        #expect(publisher.published == 2)
        await publisherClient.close()
        await viewer.close()
    }

    @Test("on a manual clock the publishing interval is manual time: a snapshot per interval advanced")
    func manualInterval() async throws {
        let server = try await NATSServerProcess()
        let publisherClient = try await server.client()
        let (viewer, inbox) = try await server.snapshotsOf("timed")
        let clock = ManualClock()
        let publisher = try FeedPublisher(
            engine: Engine(name: "timed"),
            client: publisherClient,
            name: "timed",
            interval: .seconds(10),
            allowControl: false,
            clock: clock
        )
        let running = Task { await publisher.run() }
        for expected in 1...3 {
            #expect(await eventually { inbox.count == expected && clock.sleeperCount == 1 }, "\(inbox.count)")
            clock.advance(by: .seconds(10))
        }
        #expect(await eventually { inbox.count == 4 && clock.sleeperCount == 1 }, "one per interval: \(inbox.count)")
        running.cancel()
        await running.value
        #expect(await eventually { inbox.count == 5 }, "and the last snapshot when it stops: \(inbox.count)")
        await publisherClient.close()
        await viewer.close()
    }

    @Test("a snapshot the broker refuses (over max_payload) is counted and said, never sent empty")
    func refusedSnapshot() async throws {
        let server = try await NATSServerProcess(config: "max_payload: 512")
        let capture = LogCapture()
        let publisherClient = try await server.client(logger: capture.logger)
        let (viewer, inbox) = try await server.snapshotsOf("big")
        let engine = Engine(name: "big")
        var configuration = CacheConfiguration<Int, Int>()
        configuration.maximumCount = 10
        let caches = try (0..<8).map { try Cache(name: "cache-\($0)", configuration: configuration) }
        for cache in caches { engine.register(cache) }
        let publisher = try FeedPublisher(engine: engine, client: publisherClient, name: "big", allowControl: false)
        await publisher.publishOnce()
        await publisher.publishOnce()
        #expect(publisher.published == 0 && publisher.publishFailures == 2)
        let why = try #require(publisher.lastFailure)
        #expect(why.contains("snapshot of 'big' not published") && why.contains("512"), "\(why)")
        try await Task.sleep(for: .milliseconds(200))
        #expect(inbox.count == 0, "nothing, not an empty message, went out")
        let logged = try #require(capture.records(containing: "snapshot of 'big' not published").first)
        #expect(logged.level == .warning && logged.metadata["engine"] == "big")
        await publisherClient.close()
        await viewer.close()
    }

    @Test(
        "an independent client (nats-py) validates the published JSON and its garbage is survived",
        .requires(.natsPy)
    )
    func natsPyInterop() async throws {
        try TestRequirement.natsPy.require()
        let attached = try await publishAndAttach(allowControl: false)
        let (source, server) = (attached.source, attached.server)
        #expect(await eventually { source.latest() != nil })
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Interop/nats_interop.py"
        )
        let status = try await onThread { try runPython([script.path, server.url, "shop"]) }
        #expect(status == 0, "nats_interop.py found schema problems (see its output)")
        // 4 garbage messages and 5 forged snapshots (a counter of -2^63, one of 2^62, residentPages > pages, an
        // escape in an event, another engine's name): each rejected at decode, the last good one kept.
        #expect(
            await eventually { (source.status() ?? "").contains("rejected 9 snapshot(s), the last from shop") },
            "\(source.status() ?? "")"
        )
        #expect((source.status() ?? "").contains("engine is 'elsewhere', but its subject names 'shop'"))
        #expect(source.latest()?.schemaVersion == 1 && source.latest()?.engine == "shop")
        #expect(source.latest()?.limitProblem() == nil, "what is drawn is within the limits")
        await attached.close()
    }
}

/// Runs python3 with `arguments` and returns its exit status (output goes to the test log).
func runPython(_ arguments: [String]) throws -> Int32 {
    waitForExit(try spawn(["/usr/bin/env", "python3"] + arguments))
}
