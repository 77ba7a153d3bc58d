import Foundation
import MemtopSource
import MemtopTestSupport
import NIOConcurrencyHelpers
import PatinoxMemory
import Testing

@testable import MemtopFeed

@Suite(
    "Fleet feed: summaries, routing by interest, a moving snapshot subscription (real nats-server)",
    .serialized,
    .timeLimit(.minutes(2)),
    .requires(.natsServer)
)
struct FleetFeedTests {
    /// Publishers for `names` (service, instance) on one client, every 50 ms; cancel the task to stop them.
    func publish(_ engines: [(service: String, instance: String)], on client: NATSClient) throws -> Task<Void, Never> {
        let publishers = try engines.map { engine in
            try FeedPublisher(
                engine: Engine(name: "\(engine.service)-\(engine.instance)"),
                client: client,
                name: "\(engine.service)-\(engine.instance)",
                service: engine.service,
                instance: engine.instance,
                labels: ["region": "eu-west"],
                interval: .milliseconds(50),
                allowControl: false
            )
        }
        return Task {
            await withTaskGroup(of: Void.self) { group in
                for publisher in publishers { group.addTask { await publisher.run() } }
            }
        }
    }

    @Test("a summary a second per engine on memtop.v1.summary.SERVICE.ENGINE; the viewer gets only the drawn snapshots")
    func summariesAndInterest() async throws {
        let server = try await NATSServerProcess()
        let publisherClient = try await server.client()
        let viewerClient = try await server.client()
        let watcher = try await server.client()
        let subjects = NIOLockedValueBox<[String: Int]>([:])
        watcher.subscribe("memtop.v1.>") { message in subjects.withLockedValue { $0[message.subject, default: 0] += 1 }
        }
        let feed = try publish([("shop", "1"), ("shop", "2"), ("books", "1")], on: publisherClient)
        let source = RemoteSource(client: viewerClient, engine: nil)
        #expect(await source.waitForEngines(upTo: 3) == ["books-1", "shop-1", "shop-2"])
        let listing = try #require(source.engines()?.first { $0.name == "shop-2" })
        #expect(listing.summary?.service == "shop" && listing.summary?.instance == "2")
        #expect(listing.summary?.labels == ["region": "eu-west"])
        #expect(listing.bytes < 1_000, "a summary is a few hundred bytes, not a snapshot")
        #expect(source.traffic.snapshots == 0, "nothing drawn: no snapshot is routed to the viewer")
        source.select(engine: "shop-1")
        #expect(await eventually { source.latest()?.engine == "shop-1" })
        let before = source.traffic
        try await Task.sleep(for: .seconds(2))
        let during = source.traffic
        let seen = subjects.withLockedValue { $0 }
        // The watcher hears all three engines' snapshots at 20 Hz; the viewer only the drawn one's.
        let allSnapshots = ["shop-1", "shop-2", "books-1"].reduce(0) { $0 + (seen[FeedSubjects.snapshot($1)] ?? 0) }
        let drawnSnapshots = during.snapshots - before.snapshots
        #expect(drawnSnapshots > 10 && drawnSnapshots < 60, "one engine at 20 Hz for 2 s: \(drawnSnapshots)")
        #expect(
            allSnapshots > 2 * drawnSnapshots,
            "the broker carries \(allSnapshots), the viewer got \(drawnSnapshots)"
        )
        // Summaries: about one a second each, and on their own subjects.
        let summaries = seen[FeedSubjects.summary(service: "shop", engine: "shop-2")] ?? 0
        #expect(summaries >= 2 && summaries <= 8, "\(summaries) summaries of shop-2 in about 4 s")
        source.select(engine: "books-1")
        #expect(await eventually { source.latest()?.engine == "books-1" })
        try await Task.sleep(for: .milliseconds(300))
        #expect(source.latest()?.engine == "books-1", "the old subscription is gone")
        feed.cancel()
        for client in [publisherClient, viewerClient, watcher] { await client.close() }
        _ = server
    }

    @Test("--service: a viewer of one service hears only that service's engines")
    func oneService() async throws {
        let server = try await NATSServerProcess()
        let publisherClient = try await server.client()
        let viewerClient = try await server.client()
        let feed = try publish([("shop", "1"), ("books", "1"), ("books", "2")], on: publisherClient)
        let source = RemoteSource(client: viewerClient, engine: nil, discovery: .summaries(service: "books"))
        #expect(await source.waitForEngines(upTo: 3) == ["books-1", "books-2"])
        try await Task.sleep(for: .milliseconds(1200))
        #expect(source.engines()?.map(\.name) == ["books-1", "books-2"])
        feed.cancel()
        for client in [publisherClient, viewerClient] { await client.close() }
        _ = server
    }

    @Test("viewers before summaries (--discover snapshots) still list and draw engines that publish them")
    func snapshotDiscovery() async throws {
        let server = try await NATSServerProcess()
        let publisherClient = try await server.client()
        let viewerClient = try await server.client()
        let feed = try publish([("shop", "1"), ("books", "1")], on: publisherClient)
        let source = RemoteSource(client: viewerClient, engine: nil, discovery: .snapshots)
        #expect(await source.waitForEngines(upTo: 3) == ["books-1", "shop-1"])
        #expect(source.engines()?.allSatisfy { $0.summary == nil } == true)
        source.select(engine: "shop-1")
        #expect(await eventually { source.latest()?.engine == "shop-1" })
        feed.cancel()
        for client in [publisherClient, viewerClient] { await client.close() }
        _ = server
    }

    @Test("forged summaries are rejected whole, counted and said: wrong subject, bad numbers, long lists, versions")
    func forgedSummaries() async throws {
        let server = try await NATSServerProcess()
        let viewerClient = try await server.client()
        let vandal = try await server.client()
        let source = RemoteSource(client: viewerClient, engine: nil)
        var good = EngineSummary(engine: "shop-1", service: "shop", instance: "1", takenAt: 1, health: .healthy)
        good.pools = [.init(name: "db", leased: 1, maximum: 4, waiters: 0, timeoutsPerSecond: 0, waitingSeconds: 0)]
        var forgeries: [(String, EngineSummary)] = []
        var other = good
        other.engine = "shop-9"
        forgeries.append((FeedSubjects.summary(service: "shop", engine: "shop-1"), other))
        var negative = good
        negative.pools[0].waiters = -1
        forgeries.append((FeedSubjects.summary(service: "shop", engine: "shop-1"), negative))
        var crowded = good
        crowded.warnings = Array(repeating: "w", count: FleetLimits.maximumWarnings + 1)
        forgeries.append((FeedSubjects.summary(service: "shop", engine: "shop-1"), crowded))
        var future = good
        future.summaryVersion = 2
        forgeries.append((FeedSubjects.summary(service: "shop", engine: "shop-1"), future))
        var escape = good
        escape.reasons = ["pool/db: \u{1B}[2J"]
        forgeries.append((FeedSubjects.summary(service: "shop", engine: "shop-1"), escape))
        forgeries.append((FeedSubjects.summary(service: "books", engine: "shop-1"), good))
        // A good one first, again until it is listed (the viewer's SUB and the vandal's PUB travel on two
        // connections: the first PUB can reach the server before the SUB); then the subscription is in place.
        let subject = FeedSubjects.summary(service: "shop", engine: "shop-1")
        let encodedGood = try StreamingJSONEncoder().encode(good)
        #expect(
            await eventually(every: .milliseconds(50)) {
                try? vandal.publish(encodedGood, to: subject)
                return source.engines()?.first?.summary == good
            }
        )
        for (subject, summary) in forgeries {
            try vandal.publish(try StreamingJSONEncoder().encode(summary), to: subject)
        }
        try vandal.publish(Array("{".utf8), to: FeedSubjects.summary(service: "shop", engine: "shop-1"))
        try vandal.publish(Array(repeating: 32, count: FleetLimits.maximumBytes + 1), to: "memtop.v1.summary.shop.x")
        #expect(
            await eventually { (source.status() ?? "").contains("rejected 8 summaries") },
            "\(source.status() ?? "none")"
        )
        #expect(source.engines()?.map(\.name) == ["shop-1"], "no forged engine is listed")
        #expect(source.engines()?.first?.summary == good, "the last good summary stays")
        for client in [viewerClient, vandal] { await client.close() }
        _ = server
    }
}
