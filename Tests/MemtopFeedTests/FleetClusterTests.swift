import Foundation
import MemtopSource
import MemtopTestSupport
import PatinoxMemory
import Testing

@testable import MemtopFeed

@Suite("The fleet through a 3-node cluster: complete while nodes die", .serialized, .requires(.natsServer))
struct FleetClusterTests {
    /// Six engines, two on each node's own client (given only that node's URL), and a viewer on node 2: a
    /// publishers' node dies, then the viewer's; no engine goes silent long enough to turn STALE.
    @Test(
        "publishers spread over the nodes, the viewer on one: every engine stays heard when a node dies",
        .timeLimit(.minutes(2))
    )
    func fleetSurvivesNodeLoss() async throws {
        let cluster = try await TestCluster()
        defer { cluster.stop() }
        var clients: [NATSClient] = []
        var publishers: [FeedPublisher] = []
        for index in 0..<6 {
            var options = try NATSOptions(url: cluster.nodes[index % 3].url)
            options.reconnectDelay = .milliseconds(50)
            let client = try await NATSClient.connect(options)
            clients.append(client)
            publishers.append(
                try FeedPublisher(
                    engine: Engine(name: "shop-\(index)"),
                    client: client,
                    name: "shop-\(index)",
                    service: "shop",
                    instance: String(index),
                    interval: .milliseconds(100),
                    allowControl: false
                )
            )
        }
        let feed = Task {
            await withTaskGroup(of: Void.self) { group in
                for publisher in publishers { group.addTask { await publisher.run() } }
            }
        }
        defer { feed.cancel() }
        var options = try NATSOptions(url: cluster.nodes[2].url)
        options.reconnectDelay = .milliseconds(50)
        let viewerClient = try await NATSClient.connect(options)
        let viewer = RemoteSource(client: viewerClient, engine: nil)
        let names = (0..<6).map { "shop-\($0)" }
        #expect(await eventually(10) { viewer.engines()?.map(\.name) == names && viewerClient.knownServers.count == 3 })
        #expect(await eventually(10) { clients.allSatisfy { $0.knownServers.count == 3 } }, "publishers learned it")

        /// The longest any engine is silent over `seconds`, polled every 100 ms, and whether all were heard at the end.
        func longestSilence(over seconds: Double) async throws -> (Duration, Bool) {
            var longest = Duration.zero
            let end = ContinuousClock.now + .seconds(seconds)
            while ContinuousClock.now < end {
                let listing = viewer.engines() ?? []
                longest = max(longest, listing.map(\.silentFor).max() ?? .zero)
                try await Task.sleep(for: .milliseconds(100))
            }
            let listing = viewer.engines() ?? []
            return (longest, listing.count == 6 && listing.allSatisfy { $0.silentFor < .seconds(2) })
        }

        cluster.nodes[0].stop()  // shop-0 and shop-3 lose their node
        let (publishersLost, completeAfter) = try await longestSilence(over: 5)
        #expect(completeAfter, "every engine heard again after the publishers' node died")
        #expect(publishersLost < FleetTiming.staleAfter, "longest silence \(publishersLost)")
        let viewerNode = try #require(cluster.node(of: viewerClient))
        viewerNode.stop()
        let (viewerLost, completeAgain) = try await longestSilence(over: 5)
        #expect(completeAgain, "every engine heard again after the viewer's node died")
        #expect(viewerLost < FleetTiming.staleAfter, "longest silence \(viewerLost)")
        print(
            "fleet through a 3-node cluster: 6 engines, longest silence \(publishersLost) when a publishers' node "
                + "died, \(viewerLost) when the viewer's did (STALE after \(FleetTiming.staleAfter))"
        )
        await viewerClient.close()
        for client in clients { await client.close() }
    }
}
