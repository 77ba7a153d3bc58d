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
        // At the deadline, not before; the upper bound leaves room for a loaded CI machine (the bug was a hang).
        #expect(took >= .milliseconds(450) && took < .seconds(10), "failed at the deadline: \(took)")
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

    @Test(
        "a stopped server that reads nothing: 100 MiB published keep at most the 4 MiB buffer",
        .requires(.natsServer)
    )
    func stoppedServerBoundsMemory() async throws {
        let server = try await NATSServerProcess()
        var options = try NATSOptions(url: server.url)
        options.pingInterval = .seconds(600)  // this test is about writes, not liveness
        let client = try await NATSClient.connect(options)
        server.pause()
        defer { server.resume() }
        let message = [UInt8](repeating: 0x61, count: 64 * 1_024)
        for _ in 0..<1_600 { try client.publish(message, to: "memtop.v1.flood.snapshot") }
        try await Task.sleep(for: .milliseconds(200))
        #expect(client.waitingBytes <= options.outgoingLimit)
        // What went to the channel is its 1 MiB high-water mark plus what the kernel's socket buffers took
        // (loopback autotunes them to tens of MiB); the rest waited in the 4 MiB buffer or was dropped. Before
        // the bound, all 100 MiB went to the channel and sat in memory.
        let handedOver = (1_600 - client.droppedMessages) * message.count - client.waitingBytes
        #expect(client.droppedMessages > 0, "the oldest were dropped and counted")
        #expect(handedOver < 64 * 1_048_576, "\(handedOver / 1_048_576) MiB went to the channel, not 100")
        server.resume()
        #expect(await eventually(5) { client.waitingBytes == 0 }, "the backlog goes out once the server reads")
        await client.close()
    }

    @Test(
        "-ERR after the handshake is kept for the header and logged (a permissions violation)",
        .requires(.natsServer)
    )
    func serverErrorShown() async throws {
        let server = try await NATSServerProcess(
            config: """
                authorization { users = [
                    {user: viewer, password: v, permissions: { publish: { deny: ["memtop.>"] } } }
                ] }
                """
        )
        let capture = LogCapture()
        var options = try NATSOptions(url: server.url)
        options.user = "viewer"
        options.password = "v"
        options.logger = capture.logger
        let client = try await NATSClient.connect(options)
        try client.publish([1], to: "memtop.v1.shop.control")
        #expect(await eventually { client.lastServerError?.contains("Permissions Violation") == true })
        #expect(!capture.records(containing: "the broker reported an error").isEmpty)
        await client.close()
    }

    @Test("close() while a connection attempt is in flight leaves no live connection behind", .requires(.natsServer))
    func closeRacingConnect() async throws {
        let server = try await NATSServerProcess()
        for _ in 0..<20 {
            let client = NATSClient(
                options: try NATSOptions(url: server.url),
                group: .singletonMultiThreadedEventLoopGroup
            )
            async let attempt: Void = client.open()
            await client.close()
            _ = try? await attempt
            #expect(client.connectionState == .closed, "closed stays closed, whichever finished first")
        }
        // A leaked connection stays open for good; a closing one may take a moment on a loaded machine.
        #expect(
            await eventually(5) { establishedConnections(toPort: server.port) == 0 },
            "no connection to the server is left open"
        )
    }
}

/// Established TCP connections from this machine to `port` on loopback (from /proc/net/tcp).
func establishedConnections(toPort port: Int) -> Int {
    let table = (try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)) ?? ""
    let remote = String(format: ":%04X", port)
    return table.split(separator: "\n").dropFirst().filter { line in
        let fields = line.split(separator: " ")
        return fields.count > 3 && fields[2].hasSuffix(remote) && fields[3] == "01"
    }.count
}
