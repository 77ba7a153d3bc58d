import Foundation
import MemtopTestSupport
import Testing

@testable import MemtopFeed

/// A peer floods the broker with made-up engines: the viewer's memory and CPU stay bounded.
@Suite("Feed under a flood of engine names × real nats-server", .serialized, .timeLimit(.minutes(2)))
struct FloodTests {
    @Test(
        "300,000 one-byte messages on distinct engine subjects: 10,000 names kept, the rest counted, no reconnect",
        .requires(.natsServer),
        .requires(.natsPy)
    )
    func engineNameFlood() async throws {
        try TestRequirement.natsPy.require()
        let server = try await NATSServerProcess()
        let viewer = try await server.client()
        let source = RemoteSource(client: viewer, engine: "shop")
        try await Task.sleep(for: .milliseconds(100))  // the viewer's SUB reaches the server first
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Interop/flood.py")
        let status = try await onThread { try runPython([script.path, server.url, "300000"]) }
        #expect(status == 0)
        #expect(
            await eventually(30) { source.droppedEngines == 300_000 - EngineRoster.capacity },
            "dropped \(source.droppedEngines)"
        )
        let listed = ContinuousClock.now
        let engines = source.engines() ?? []
        let took = ContinuousClock.now - listed
        #expect(engines.count == EngineRoster.capacity)
        #expect(took < .milliseconds(200), "a refresh's listing of 10,000 names, outside the lock: \(took)")
        #expect((source.status() ?? "").contains("290000 engine name(s) dropped"), "\(source.status() ?? "")")
        #expect(viewer.reconnects == 0, "the flood did not cost the viewer its connection")
        await viewer.close()
    }
}
