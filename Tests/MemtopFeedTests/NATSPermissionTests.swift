import Foundation
import MemtopTestSupport
import PatinoxMemory
import Testing

@testable import MemtopFeed

/// docs/FEED.md's permission block, verbatim, on a real nats-server: each role can do what the docs say and
/// nothing more (issue #16).
@Suite("docs/FEED.md's nats-server permissions × real nats-server", .requires(.natsServer), .timeLimit(.minutes(1)))
struct NATSPermissionTests {
    /// The authorization block of docs/FEED.md's "Access control in production" section, passwords filled in.
    static func documentedConfig() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let feed = try String(contentsOf: root.appendingPathComponent("docs/FEED.md"), encoding: .utf8)
        let section = try #require(feed.components(separatedBy: "## Access control in production").dropFirst().first)
        let block = try #require(section.components(separatedBy: "```").dropFirst().first)
        return block.replacingOccurrences(of: "$VIEWER_PASSWORD", with: "v")
            .replacingOccurrences(of: "$OPERATOR_PASSWORD", with: "o")
            .replacingOccurrences(of: "$CHECKOUT_PASSWORD", with: "c")
    }

    func client(_ server: NATSServerProcess, _ user: String, _ password: String) async throws -> NATSClient {
        var options = try NATSOptions(url: server.url)
        (options.user, options.password) = (user, password)
        return try await NATSClient.connect(options)
    }

    @Test("a viewer reads but cannot forge or steer; an operator steers; an engine cannot publish as another")
    func roles() async throws {
        let server = try await NATSServerProcess(config: try Self.documentedConfig())
        let engine = Engine(name: "checkout")
        let pool = try Pool(name: "db", factory: TestFactory())
        engine.register(pool)
        let engineClient = try await client(server, "checkout", "c")
        let publisher = try FeedPublisher(
            engine: engine,
            client: engineClient,
            name: "checkout",
            interval: .milliseconds(100),
            allowControl: true
        )
        let running = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await pool.run() }
                group.addTask { await publisher.run() }
            }
        }
        defer { running.cancel() }

        let viewerClient = try await client(server, "viewer", "v")
        let viewer = RemoteSource(client: viewerClient, engine: "checkout")
        #expect(await eventually { viewer.latest()?.pools.first?.name == "db" }, "the viewer reads the engine")
        #expect(
            viewerClient.lastServerError == nil,
            "reading alone draws no violation: \(viewerClient.lastServerError ?? "")"
        )
        try viewerClient.publish(Array("{}".utf8), to: "memtop.v1.checkout.snapshot")
        #expect(await eventually { viewerClient.lastServerError?.contains("Permissions Violation") == true })
        if case .success = await controlResult(viewer, .resizePool(pool: "db", minimum: 1, maximum: 9)) {
            Issue.record("the viewer's control request was answered")
        }
        #expect(pool.status().maximum != 9)

        let operatorClient = try await client(server, "operator", "o")
        let operatorSource = RemoteSource(client: operatorClient, engine: "checkout")
        let resized = await controlResult(operatorSource, .resizePool(pool: "db", minimum: 1, maximum: 9))
        #expect((try? resized.get())?.contains("9") == true, "\(resized)")
        #expect(await eventually { pool.status().maximum == 9 })
        #expect(operatorClient.lastServerError == nil, "\(operatorClient.lastServerError ?? "")")

        try engineClient.publish(Array("{}".utf8), to: "memtop.v1.payments.snapshot")
        #expect(await eventually { engineClient.lastServerError?.contains("Permissions Violation") == true })
        for client in [viewerClient, operatorClient, engineClient] { await client.close() }
        server.stop()
    }
}
