import Foundation
import MemtopTestSupport
import NIOConcurrencyHelpers
import PatinoxMemory
import Testing

@testable import MemtopFeed

/// Collects messages from a subscription, for polling.
final class Inbox: Sendable {
    let messages = NIOLockedValueBox<[NATSMessage]>([])
    func add(_ message: NATSMessage) { messages.withLockedValue { $0.append(message) } }
    var count: Int { messages.withLockedValue { $0.count } }
}

@Suite("NATS client × real nats-server", .serialized, .timeLimit(.minutes(2)))
struct NATSClientTests {
    @Test("publish, subscribe, request/reply, unsubscribe", .requires(.natsServer))
    func pubSubRequest() async throws {
        let server = try await NATSServerProcess()
        let client = try await server.client()
        let other = try await server.client()
        #expect(client.maximumPayload == 1_048_576)
        let inbox = Inbox()
        let sid = other.subscribe("memtop.v1.test.>") { inbox.add($0) }
        other.subscribe("memtop.v1.echo") { message in
            guard let reply = message.replyTo else { return }
            try? other.publish(Array("echo: ".utf8) + message.payload, to: reply)
        }
        try await Task.sleep(for: .milliseconds(100))  // SUBs reach the server before the PUBs
        for index in 0..<10 { try client.publish(Array("m\(index)".utf8), to: "memtop.v1.test.snapshot") }
        #expect(await eventually { inbox.count == 10 })
        #expect(
            inbox.messages.withLockedValue { $0.map { String(decoding: $0.payload, as: UTF8.self) } }
                == (0..<10).map { "m\($0)" }
        )
        let reply = try await client.request(Array("hi".utf8), to: "memtop.v1.echo", timeout: .seconds(2))
        #expect(String(decoding: reply.payload, as: UTF8.self) == "echo: hi")
        await #expect(throws: PatinoxError.self) {
            try await client.request([], to: "memtop.v1.nobody", timeout: .milliseconds(200))
        }
        other.unsubscribe(sid)
        try await Task.sleep(for: .milliseconds(100))
        try client.publish([1], to: "memtop.v1.test.snapshot")
        try await Task.sleep(for: .milliseconds(200))
        #expect(inbox.count == 10)
        #expect(throws: PatinoxError.self) { try client.publish([UInt8](repeating: 0, count: 1_048_577), to: "x") }
        await client.close()
        await other.close()
    }

    @Test("user and password: good ones connect, bad ones fail with the server's reason", .requires(.natsServer))
    func authentication() async throws {
        let server = try await NATSServerProcess(
            config: "authorization { users = [ {user: operator, password: s3cret} ] }\n"
        )
        var options = try NATSOptions(url: server.url)
        options.user = "operator"
        options.password = "s3cret"
        let client = try await NATSClient.connect(options)
        #expect(client.connectionState == .connected)
        await client.close()
        options.password = "wrong"
        do {
            _ = try await NATSClient.connect(options)
            Issue.record("bad credentials were accepted")
        } catch {
            #expect(error.description.contains("Authorization Violation"), "\(error)")
            #expect(error.description.contains("password"))
        }
        let fromURL = try NATSOptions(url: "nats://operator:s3cret@127.0.0.1:\(server.port)")
        let second = try await NATSClient.connect(fromURL)
        await second.close()
    }

    @Test(
        "the server killed and restarted: the client reconnects, resubscribes and delivers again",
        .requires(.natsServer)
    )
    func reconnect() async throws {
        let server = try await NATSServerProcess()
        let capture = LogCapture()
        let client = try await server.client(logger: capture.logger)
        let publisher = try await server.client()
        let inbox = Inbox()
        client.subscribe("memtop.v1.r.snapshot") { inbox.add($0) }
        try await Task.sleep(for: .milliseconds(100))
        try publisher.publish([1], to: "memtop.v1.r.snapshot")
        #expect(await eventually { inbox.count == 1 })
        server.stop()
        // Several failed attempts while the server is down (each one a refused TCP connect).
        #expect(
            await eventually {
                if case .reconnecting(let attempt, _) = client.connectionState { attempt >= 3 } else { false }
            }
        )
        try await server.start()
        let started = ContinuousClock.now
        #expect(await eventually(5) { client.connectionState == .connected && publisher.connectionState == .connected })
        #expect(ContinuousClock.now - started < .seconds(3), "reconnected within 3 s")
        try await Task.sleep(for: .milliseconds(100))
        try publisher.publish([2], to: "memtop.v1.r.snapshot")
        #expect(await eventually { inbox.count == 2 })
        #expect(client.reconnects >= 1)
        let lost = try #require(capture.records(containing: "connection to the broker lost").first)
        #expect(lost.level == .warning && lost.metadata["broker"] == server.url)
        #expect(capture.records(containing: "reconnect attempt failed").count >= 2)
        #expect(capture.records(containing: "reconnected to the broker").first?.level == .notice)
        await client.close()
        await publisher.close()
    }

    @Test("a URL that is not nats:// and an unreachable server give clear errors")
    func badAddresses() async throws {
        #expect(throws: PatinoxError.self) { try NATSOptions(url: "http://x") }
        do {
            _ = try await NATSClient.connect(try NATSOptions(url: "nats://127.0.0.1:\(NATSServerProcess.freePort())"))
            Issue.record("connected to nothing")
        } catch {
            #expect(error.description.contains("cannot reach") && error.description.contains("nats-server"))
        }
    }

    @Test("the test server says its port was taken instead of waiting for a server that exited", .requires(.natsServer))
    func takenPort() async throws {
        let server = try await NATSServerProcess()
        server.stop()
        let squatter = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        var address = NATSServerProcess.loopback(port: server.port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(squatter, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        #expect(bound == 0 && listen(squatter, 1) == 0)
        let started = ContinuousClock.now
        await #expect(throws: NATSServerProcess.ServerDidNotStart.self) { try await server.start() }
        #expect(ContinuousClock.now - started < .seconds(5), "noticed the exit, did not wait out the deadline")
        close(squatter)
        try await server.start()
        let client = try await server.client()
        await client.close()
    }
}
