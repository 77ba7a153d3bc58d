import Foundation
import MemtopTestSupport
import NIOConcurrencyHelpers
import PatinoxMemory
import Testing

@testable import MemtopFeed

/// Certificates made by Interop/make_certs.sh (openssl) in a folder of their own.
struct TestCertificates {
    let folder: TemporaryFolder
    var path: String { folder.path }
    func file(_ name: String) -> String { "\(folder.path)/\(name)" }

    init() async throws {
        try TestRequirement.openssl.require()
        folder = try TemporaryFolder()
        let command = [
            "/bin/bash",
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Interop/make_certs.sh")
                .path,
            folder.path,
        ]
        let status = try await onThread { waitForExit(try spawn(command)) }  // not on a cooperative thread
        #expect(status == 0, "openssl made the certificates")
    }

    /// A nats-server `tls` block with `certificate` (server, other) and, for mutual TLS, the CA and `verify`.
    func serverConfig(_ certificate: String = "server", verifyClients: Bool = false) -> String {
        var block = "cert_file: \"\(file("\(certificate).pem"))\"\nkey_file: \"\(file("\(certificate)-key.pem"))\"\n"
        if verifyClients { block += "ca_file: \"\(file("ca.pem"))\"\nverify: true\n" }
        return "tls {\n\(block)}\n"
    }
}

/// TLS to real nats-servers configured with certificates made by the test (issue #16).
@Suite("NATS over TLS × real nats-server", .requires(.natsServer), .requires(.openssl), .timeLimit(.minutes(1)))
struct NATSTLSTests {
    /// Connects and sends a message round through the server.
    func roundTrip(_ options: NATSOptions) async throws {
        let client = try await NATSClient.connect(options)
        let inbox = Inbox()
        client.subscribe("memtop.v1.tls.snapshot") { inbox.add($0) }
        try await Task.sleep(for: .milliseconds(100))
        try client.publish([1, 2, 3], to: "memtop.v1.tls.snapshot")
        #expect(await eventually { inbox.count == 1 })
        await client.close()
    }

    @Test("tls:// with the CA draws messages; nats:// to a TLS-only server upgrades after INFO (and then checks)")
    func trustedServer() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.folder.remove() }
        let server = try await NATSServerProcess(config: certificates.serverConfig())
        var options = try NATSOptions(url: "tls://127.0.0.1:\(server.port)")
        options.tls?.caFile = certificates.file("ca.pem")
        try await roundTrip(options)
        #expect(options.url.hasPrefix("tls://"))
        // By name: sent as SNI and checked against the certificate's DNS names (an IP address is checked
        // against its IP addresses, and never sent as SNI).
        var byName = try NATSOptions(url: "tls://localhost:\(server.port)")
        byName.tls?.caFile = certificates.file("ca.pem")
        try await roundTrip(byName)

        // A nats:// URL: the server's tls_required upgrades it, with the system's CAs, which do not know ours.
        let plain = try NATSOptions(url: server.url)
        let untrusted = try #require(await connectError(plain))
        #expect(untrusted.message.contains("not trusted by the system's CAs"), "\(untrusted)")
        #expect(untrusted.description.contains("--tls-ca"), "\(untrusted)")
        server.stop()
    }

    @Test("a certificate for another name is a hostname mismatch; tls:// to a plain server says it offers no TLS")
    func wrongServer() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.folder.remove() }
        let other = try await NATSServerProcess(config: certificates.serverConfig("other"))
        var options = try NATSOptions(url: "tls://127.0.0.1:\(other.port)")
        options.tls?.caFile = certificates.file("ca.pem")
        let mismatch = try #require(await connectError(options))
        #expect(mismatch.message.contains("not for 127.0.0.1 (hostname mismatch)"), "\(mismatch)")
        other.stop()

        let plain = try await NATSServerProcess()
        let notOffered = try #require(await connectError(try NATSOptions(url: "tls://127.0.0.1:\(plain.port)")))
        #expect(notOffered.message.contains("does not offer it"), "\(notOffered)")
        plain.stop()
    }

    @Test("mutual TLS: without a client certificate the error says the server wants one; with it, it works")
    func mutualTLS() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.folder.remove() }
        let server = try await NATSServerProcess(config: certificates.serverConfig(verifyClients: true))
        var options = try NATSOptions(url: "tls://127.0.0.1:\(server.port)")
        options.tls?.caFile = certificates.file("ca.pem")
        let refused = try #require(await connectError(options))
        #expect(refused.message.contains("wants a client certificate"), "\(refused)")
        options.tls?.certificateFile = certificates.file("client.pem")
        options.tls?.keyFile = certificates.file("client-key.pem")
        try await roundTrip(options)

        options.tls?.keyFile = certificates.file("missing-key.pem")
        let missing = try #require(await connectError(options))
        #expect(missing.message.contains("cannot load the client key file"), "\(missing)")
        server.stop()
    }
}

/// What crosses the wire to a server that asks for TLS, seen by a fake server that records it (issue #16).
@Suite("NATS TLS on the wire (a recording fake server)", .timeLimit(.minutes(1)))
struct NATSTLSWireTests {
    @Test("a server whose INFO says tls_required gets a TLS ClientHello next, never CONNECT or the password")
    func noCredentialsInClear() async throws {
        let listener = try RecordingListener(
            greeting: "INFO {\"server_id\":\"fake\",\"tls_required\":true,\"auth_required\":true}\r\n"
        )
        var options = try NATSOptions(url: listener.url)
        options.user = "viewer"
        options.password = "s3cret-password"
        options.handshakeTimeout = .seconds(1)
        _ = try? await NATSClient.connect(options)
        let bytes = await listener.bytes()
        #expect(bytes.first == 0x16, "a TLS handshake record first, got \(bytes.prefix(8))")
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("CONNECT") && !text.contains("s3cret-password"), "sent in clear: \(text.prefix(80))")
    }

    @Test("--tls-first starts TLS before the server has said anything")
    func tlsFirst() async throws {
        let listener = try RecordingListener(greeting: "")
        var options = try NATSOptions(url: "tls://127.0.0.1:\(listener.port)")
        options.tls?.handshakeFirst = true
        options.password = "never"
        options.user = "u"
        options.handshakeTimeout = .seconds(1)
        _ = try? await NATSClient.connect(options)
        let bytes = await listener.bytes()
        #expect(bytes.first == 0x16, "a ClientHello without waiting for INFO, got \(bytes.prefix(8))")
        #expect(!String(decoding: bytes, as: UTF8.self).contains("never"))
    }
}
