import Foundation
import MemtopTestSupport
import PatinoxMemory
import Testing

@testable import MemtopFeed

/// The client notices trouble by itself: a port that never speaks, a server that stops answering.
@Suite("NATS client liveness: handshake deadline, PINGs", .serialized, .timeLimit(.minutes(2)))
struct NATSLivenessTests {
    @Test("a port that accepts and never speaks fails the connect at the handshake deadline, with the reason")
    func silentPort() async throws {
        let listener = try SilentListener()
        var options = try NATSOptions(url: listener.url)
        options.handshakeTimeout = .milliseconds(500)
        let started = ContinuousClock.now
        do {
            _ = try await NATSClient.connect(options)
            Issue.record("connected to a port that never speaks")
        } catch {
            #expect(error.code == .feedFailed)
            #expect(error.description.contains("did not finish the NATS handshake within 500 ms"), "\(error)")
            #expect(error.description.contains("check that a NATS server"), "\(error)")
        }
        let took = ContinuousClock.now - started
        #expect(took >= .milliseconds(450) && took < .seconds(3), "failed at the deadline: \(took)")
    }

    @Test(
        "a server that stops answering (SIGSTOP) is noticed within the PING limit; the client reconnects",
        .requires(.natsServer)
    )
    func stoppedServer() async throws {
        let server = try await NATSServerProcess()
        let capture = LogCapture()
        var options = try NATSOptions(url: server.url)
        options.pingInterval = .milliseconds(300)
        options.maximumOutstandingPings = 2
        options.handshakeTimeout = .milliseconds(500)
        options.logger = capture.logger
        let client = try await NATSClient.connect(options)
        #expect(client.connectionState == .connected)
        server.pause()
        let paused = ContinuousClock.now
        #expect(await eventually(5) { client.connectionState != .connected }, "noticed the silence")
        let noticed = ContinuousClock.now - paused
        #expect(noticed < .seconds(2), "within (2 + 1) PINGs of 300 ms and a little: \(noticed)")
        #expect(!capture.records(containing: "stopped answering PINGs").isEmpty)
        server.resume()
        #expect(
            await eventually(10) { client.connectionState == .connected && client.reconnects >= 1 },
            "reconnected once it answers"
        )
        await client.close()
    }
}
