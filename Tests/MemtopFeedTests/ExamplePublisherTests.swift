import Foundation
import MemtopTestSupport
import PatinoxMemory
import Testing

@testable import MemtopFeed

/// `Examples/PublishEngine`, the smallest publishing service (PatinoxMemory and the feed, no UI), run as a
/// process against a real nats-server: what it publishes is a valid snapshot, and it stops when told.
@Suite("Example publisher (Examples/PublishEngine) × real nats-server", .timeLimit(.minutes(1)))
struct ExamplePublisherTests {
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("memtop-publish-example")

    @Test("it publishes its engine's snapshots and exits 0 after its seconds", .requires(.natsServer))
    func publishes() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "no \(Self.binary.path)")
        let server = try await NATSServerProcess()
        let (viewer, inbox) = try await server.snapshotsOf("example")
        let pid = try spawn([Self.binary.path, server.url, "2"])
        let status = try await onThread { waitForExit(pid) }
        #expect(status == 0, "memtop-publish-example exited \(status)")
        let payload = try #require(inbox.messages.withLockedValue { $0.last?.payload }, "no snapshot arrived")
        let snapshot = try RemoteSource.decodeSnapshot(payload).get()
        #expect(snapshot.engine == "example" && snapshot.schemaVersion == 1)
        #expect(snapshot.caches.map(\.name) == ["greetings"] && snapshot.caches.first?.count == 500)
        #expect(inbox.count >= 4, "a snapshot every 250 ms for 2 s: \(inbox.count)")
        await viewer.close()
        server.stop()
    }
}
