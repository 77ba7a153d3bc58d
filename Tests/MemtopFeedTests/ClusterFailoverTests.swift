import Foundation
import MemtopTestSupport
import NIOConcurrencyHelpers
import PatinoxMemory
import Testing

@testable import MemtopFeed

/// Three nats-servers routed into one cluster on loopback, as a production broker is (issue #16).
final class TestCluster: Sendable {
    let nodes: [NATSServerProcess]

    init() async throws {
        let routes = (0..<3).map { _ in NATSServerProcess.freePort() }
        var nodes: [NATSServerProcess] = []
        for (index, route) in routes.enumerated() {
            let others = routes.enumerated().filter { $0.offset != index }.map {
                "nats-route://127.0.0.1:\($0.element)"
            }
            let config = """
                cluster {
                  name: memtop
                  listen: 127.0.0.1:\(route)
                  routes: [\(others.joined(separator: ", "))]
                }
                lame_duck_grace_period: "1s"
                lame_duck_duration: "30s"
                """
            nodes.append(try await NATSServerProcess(config: config))
        }
        self.nodes = nodes
    }

    /// The node a client is on.
    func node(of client: NATSClient) -> NATSServerProcess? {
        nodes.first { client.serverURL.hasSuffix(":\($0.port)") }
    }

    func stop() { for node in nodes { node.stop() } }
}

/// The publisher's snapshots as a viewer receives them: when each arrived and what it was.
final class Arrivals: Sendable {
    private let times = NIOLockedValueBox<[(at: ContinuousClock.Instant, takenAt: UInt64)]>([])
    func add(_ takenAt: UInt64) { times.withLockedValue { $0.append((ContinuousClock.now, takenAt)) } }
    var count: Int { times.withLockedValue { $0.count } }
    /// Interval snapshots that never arrived: each gap between the times of consecutive snapshots beyond one
    /// `interval` counts the ones that would have been sent in it (event-driven snapshots only add arrivals).
    func lost(interval: Duration) -> Int {
        let taken = times.withLockedValue { $0.map(\.takenAt) }.sorted()
        let step = Double(interval.nanosecondsClamped)
        return zip(taken, taken.dropFirst()).reduce(0) { lost, pair in
            lost + max(0, Int((Double(pair.1 - pair.0) / step).rounded()) - 1)
        }
    }

    /// Arrivals after `instant`.
    func count(after instant: ContinuousClock.Instant) -> Int {
        times.withLockedValue { $0.filter { $0.at > instant }.count }
    }
}

@Suite(
    "A 3-node nats-server cluster: failover and lame duck",
    .serialized,
    .requires(.natsServer),
    .timeLimit(.minutes(3))
)
struct ClusterFailoverTests {
    static let interval = Duration.milliseconds(100)

    /// An engine `shop` with a pool `db`, published through a client that was given only `node`'s URL.
    func publisher(on node: NATSServerProcess) async throws -> (FeedPublisher, Pool<TestFactory>, Task<Void, Never>) {
        var options = try NATSOptions(url: node.url)
        options.reconnectDelay = .milliseconds(50)
        let client = try await NATSClient.connect(options)
        let engine = Engine(name: "shop")
        let pool = try Pool(name: "db", factory: TestFactory())
        engine.register(pool)
        let publisher = try FeedPublisher(
            engine: engine,
            client: client,
            name: "shop",
            interval: Self.interval,
            allowControl: true
        )
        let running = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await pool.run() }
                group.addTask { await publisher.run() }
            }
        }
        return (publisher, pool, running)
    }

    @Test(
        "a viewer given one node learns the others; 10 kills of its node: drawing again within 2 s each, control works"
    )
    func failover() async throws {
        let cluster = try await TestCluster()
        defer { cluster.stop() }
        let (publisher, pool, running) = try await publisher(on: cluster.nodes[0])
        defer { running.cancel() }
        var options = try NATSOptions(url: cluster.nodes[2].url)
        options.reconnectDelay = .milliseconds(50)
        let viewerClient = try await NATSClient.connect(options)
        let arrivals = Arrivals()
        viewerClient.subscribe(FeedSubjects.snapshot("shop")) { message in
            if let snapshot = try? JSONDecoder().decode(EngineSnapshot.self, from: Data(message.payload)) {
                arrivals.add(snapshot.takenAt)
            }
        }
        let viewer = RemoteSource(client: viewerClient, engine: "shop")
        #expect(await eventually(10) { arrivals.count > 3 && viewerClient.knownServers.count == 3 }, "routes formed")
        #expect(publisher.client.knownServers.count == 3, "the publisher learned the cluster too")

        var failovers: [Duration] = []
        let lostBefore = arrivals.lost(interval: Self.interval)
        for round in 0..<10 {
            let node = try #require(cluster.node(of: viewerClient))
            let killed = ContinuousClock.now
            node.stop()
            let moved = await eventually(5) {
                arrivals.count(after: killed) > 0 && cluster.node(of: viewerClient) !== node
            }
            #expect(moved, "round \(round): the viewer did not draw again after its node was killed")
            failovers.append(ContinuousClock.now - killed)
            try await node.start()  // back in the cluster for the next round
            _ = await eventually(5) { viewerClient.knownServers.count == 3 }
        }
        let sorted = failovers.sorted()
        let median = sorted[sorted.count / 2]
        let lost = arrivals.lost(interval: Self.interval) - lostBefore
        print(
            "cluster failover over \(sorted.count) kills: min \(sorted[0]), median \(median), max \(sorted.last!); "
                + "\(lost) interval snapshot(s) of 100 ms lost in all (\(Double(lost) / 10) per failover)"
        )
        #expect(sorted.last! < .seconds(2), "every failover within 2 s: \(sorted)")

        let resized = await controlResult(viewer, .resizePool(pool: "db", minimum: 1, maximum: 7))
        #expect((try? resized.get()) != nil, "\(resized)")
        #expect(await eventually { pool.status().maximum == 7 })

        // The publisher's node dies: it moves, and the viewer keeps drawing.
        let publisherNode = try #require(cluster.node(of: publisher.client))
        let killed = ContinuousClock.now
        publisherNode.stop()
        #expect(
            await eventually(5) {
                cluster.node(of: publisher.client) !== publisherNode
                    && arrivals.count(after: killed + .milliseconds(500)) > 2
            }
        )
        await viewerClient.close()
        await publisher.client.close()
    }

    @Test("lame-duck mode: the viewer leaves the node before it stops, to another node, and keeps drawing")
    func lameDuck() async throws {
        let cluster = try await TestCluster()
        defer { cluster.stop() }
        let (publisher, _, running) = try await publisher(on: cluster.nodes[0])
        defer { running.cancel() }
        var options = try NATSOptions(url: cluster.nodes[1].url)
        options.reconnectDelay = .milliseconds(50)
        let viewerClient = try await NATSClient.connect(options)
        let arrivals = Arrivals()
        viewerClient.subscribe(FeedSubjects.snapshot("shop")) { _ in arrivals.add(0) }
        #expect(await eventually(10) { arrivals.count > 3 && viewerClient.knownServers.count == 3 })
        let node = cluster.nodes[1]
        let signalled = ContinuousClock.now
        try node.enterLameDuckMode()
        #expect(
            await eventually(5) {
                cluster.node(of: viewerClient) !== node && viewerClient.connectionState == .connected
            }
        )
        let movedAfter = ContinuousClock.now - signalled
        #expect(node.isRunning, "the viewer moved while the node was still up (lame duck lasts 30 s)")
        #expect(await eventually(5) { arrivals.count(after: signalled + movedAfter) > 2 }, "drawing again")
        print("lame duck: the viewer left its node \(movedAfter) after the signal")
        await viewerClient.close()
        await publisher.client.close()
    }
}
