import Foundation
import MemtopTestSupport
import Testing

@testable import MemtopFeed

/// A peer floods the broker with made-up engines: the viewer's memory and CPU stay bounded.
@Suite("Feed under a flood of engine names × real nats-server", .serialized, .timeLimit(.minutes(2)))
struct FloodTests {
    @Test(
        "300,000 made-up engines (summaries, or one-byte snapshots): 10,000 names kept, the rest counted",
        .requires(.natsServer),
        .requires(.natsPy)
    )
    func engineNameFlood() async throws {
        for discovery in [RemoteSource.Discovery.summaries(service: nil), .snapshots] {
            try await flood(discovery)
        }
    }

    /// Floods a viewer that finds engines by `discovery` with made-up engines of the matching kind.
    func flood(_ discovery: RemoteSource.Discovery) async throws {
        try TestRequirement.natsPy.require()
        let server = try await NATSServerProcess()
        let viewer = try await server.client()
        let source = RemoteSource(client: viewer, engine: "shop", discovery: discovery)
        try await Task.sleep(for: .milliseconds(100))  // the viewer's SUB reaches the server first
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Interop/flood.py")
        let kind = discovery == .snapshots ? "snapshots" : "summaries"
        let exitCode = try await onThread { try runPython([script.path, server.url, "300000", kind]) }
        #expect(exitCode == 0)
        // A loaded machine's server may drop some of the flood to the viewer (slow-consumer protection): the
        // bound is what matters, not the exact count that arrived.
        #expect(
            await eventually(30) { source.droppedEngines >= 250_000 && (source.engines()?.count ?? 0) == 10_000 },
            "\(discovery): dropped \(source.droppedEngines)"
        )
        let listed = ContinuousClock.now
        let engines = source.engines() ?? []
        let took = ContinuousClock.now - listed
        #expect(engines.count == EngineRoster.capacity)
        #expect(took < .milliseconds(200), "a refresh's listing of 10,000 names, outside the lock: \(took)")
        let status = source.status() ?? ""
        #expect(status.contains("engine name(s) dropped: over 10000 heard"), "\(status)")
        await viewer.close()
    }
}
