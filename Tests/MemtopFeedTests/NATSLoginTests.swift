import Foundation
import MemtopTestSupport
import NIOConcurrencyHelpers
import PatinoxMemory
import Testing

@testable import MemtopFeed

/// NKEY seeds and `.creds` files, checked against the nkeys package's own results (issue #16).
@Suite("NKEY seeds and .creds files")
struct NKeyTests {
    /// Made with the PyPI nkeys package: `from_seed(seed).public_key` and `sign(b"PXoWU7zWAMt75FY")`.
    static let seed = "SUAMLK2ZNL35WSMW37E7UD4VZ7ELPKW7DHC3BWBSD2GCZ7IUQQXZIORRBU"
    static let publicKey = "UCK5N7N66OBOINFXAYC2ACJQYFSOD4VYNU6APEJTAVFZB2SVHLKGEW7L"
    static let nonceSignature = "ZaAiVDgB5CeYoXoQ7cBCmq-ZllzUnGUoDVb8C7PilWvCs8XKfUchAUhz2P4BYAF--Dg3w05CqyQFRDiGL6LrDw"

    /// The message of the error decoding `seed` throws.
    func seedError(_ seed: String) -> String {
        do throws(PatinoxError) {
            _ = try NKeyPair(seed: seed, source: "test.nk")
            return "no error"
        } catch {
            #expect(error.code == .invalidInput)
            return error.message
        }
    }

    @Test("a user seed gives nkeys' public key and nonce signature; bytes 0…31 encode as nkeys encodes them")
    func matchesNkeys() throws {
        let pair = try NKeyPair(seed: Self.seed + "\n", source: "test.nk")
        #expect(pair.publicKey == Self.publicKey)
        #expect(try pair.sign(Array("PXoWU7zWAMt75FY".utf8)).base64URLEncoded == Self.nonceSignature)
        let counting = NKeyPair.encodeSeed(Array(0..<32))
        #expect(counting == "SUAAAAICAMCAKBQHBAEQUCYMBUHA6EARCIJRIFIWC4MBSGQ3DQOR4H776Y")
        #expect(
            try NKeyPair(seed: counting, source: "t").publicKey
                == "UAB2CB576PHBBPQ5ODORRZ2LYCMWPZGWGCN2KDK7DXOIMZASKUY3RLKK"
        )
    }

    @Test("a public key, an account's seed, a typo and garbage are refused with what is wrong")
    func badSeeds() {
        #expect(seedError(Self.publicKey).contains("does not hold a seed"))
        // nkeys' seed of the same 32 bytes for an account (SA…).
        #expect(seedError("SAAAAAICAMCAKBQHBAEQUCYMBUHA6EARCIJRIFIWC4MBSGQ3DQOR4HYMHI").contains("not a user's"))
        var typo = Array(Self.seed)
        typo[20] = typo[20] == "A" ? "B" : "A"
        #expect(seedError(String(typo)).contains("bad checksum"))
        #expect(seedError("not a seed at all!").contains("does not hold a seed"))
        #expect(seedError("").contains("does not hold a seed"))
        #expect(seedError(String(Self.seed.dropLast(3))).contains("does not hold a seed"))
    }

    @Test("a .creds file gives its JWT and seed; a file without either block says which is missing")
    func credsFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let jwt = "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJVIn0.c2ln"
        let text = """
            -----BEGIN NATS USER JWT-----
            \(jwt)
            ------END NATS USER JWT------

            ************************* IMPORTANT *************************
            NKEY Seed printed below can be used to sign and prove identity.

            -----BEGIN USER NKEY SEED-----
            \(Self.seed)
            ------END USER NKEY SEED------
            """
        let path = "\(folder.path)/user.creds"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let credentials = try NATSCredentials.userCredentials(file: path)
        #expect(credentials.jwt == jwt && credentials.keyPair.publicKey == Self.publicKey)

        try Self.seed.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: PatinoxError.self) { try NATSCredentials.userCredentials(file: path) }
        let withoutSeed = text.components(separatedBy: "-----BEGIN USER NKEY SEED-----")[0]
        try withoutSeed.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try NATSCredentials.userCredentials(file: path)
            Issue.record("a .creds file without a seed was accepted")
        } catch {
            #expect(error.message.contains("no -----BEGIN USER NKEY SEED----- block"), "\(error)")
        }
        do {
            _ = try NATSCredentials.userCredentials(file: "/nonexistent/user.creds")
            Issue.record("a missing file was read")
        } catch {
            #expect(error.message.contains("cannot read '/nonexistent/user.creds'"), "\(error)")
        }
        try "\n\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: PatinoxError.self) { try NATSCredentials.secret(file: path, what: "password") }
        try "  s3cret \n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try NATSCredentials.secret(file: path, what: "password") == "s3cret")
    }
}

/// NKEY and JWT logins against a real nats-server, whose configs and JWTs nkeys (PyPI) makes (issue #16).
@Suite(
    "NKEY and JWT logins × real nats-server",
    .requires(.natsServer),
    .requires(.nkeysPy),
    .timeLimit(.minutes(1))
)
struct NATSLoginTests {
    /// Runs Interop/nats_auth.py KIND into a new folder: the folder and the user's public key.
    func authFiles(_ kind: String) async throws -> (folder: TemporaryFolder, publicKey: String) {
        try TestRequirement.nkeysPy.require()
        let folder = try TemporaryFolder()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Interop/nats_auth.py")
        let output = "\(folder.path)/public-key"
        let command = ["/bin/sh", "-c", "python3 '\(script.path)' \(kind) '\(folder.path)' > '\(output)'"]
        let status = try await onThread { waitForExit(try spawn(command)) }  // not on a cooperative thread
        #expect(status == 0)
        let key = try String(contentsOfFile: output, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return (folder, key)
    }

    /// Connects with `options` and checks a message goes round through the server.
    func roundTrip(_ options: NATSOptions) async throws {
        let client = try await NATSClient.connect(options)
        let inbox = Inbox()
        _ = client.subscribe("memtop.v1.login.snapshot") { inbox.add($0) }
        try await Task.sleep(for: .milliseconds(100))
        try client.publish([7, 8], to: "memtop.v1.login.snapshot")
        #expect(await eventually { inbox.messages.withLockedValue { $0.first?.payload } == [7, 8] })
        await client.close()
    }

    @Test("an nkey user logs in with its seed; another seed gets the server's Authorization Violation and its key")
    func nkeyLogin() async throws {
        let (folder, publicKey) = try await authFiles("nkey")
        defer { folder.remove() }
        let config = try String(contentsOfFile: "\(folder.path)/server.conf", encoding: .utf8)
        let server = try await NATSServerProcess(config: config)
        var options = try NATSOptions(url: server.url)
        options.nkey = try NATSCredentials.nkey(file: "\(folder.path)/user.nk")
        #expect(options.nkey?.publicKey == publicKey, "memtop and nkeys derive the same public key")
        try await roundTrip(options)

        let stranger = NKeyPair.encodeSeed((0..<32).map { _ in UInt8.random(in: 0...255) })
        options.nkey = try NKeyPair(seed: stranger, source: "stranger.nk")
        let error = try #require(await connectError(options))
        #expect(error.message.contains("Authorization Violation"), "\(error)")
        #expect(error.description.contains(try #require(options.nkey?.publicKey)), "the hint names the key: \(error)")
        server.stop()
    }

    @Test("operator mode: a .creds user logs in; a user of an account the server does not trust is refused")
    func jwtLogin() async throws {
        let (folder, publicKey) = try await authFiles("operator")
        defer { folder.remove() }
        let config = try String(contentsOfFile: "\(folder.path)/server.conf", encoding: .utf8)
        let server = try await NATSServerProcess(config: config)
        var options = try NATSOptions(url: server.url)
        let credentials = try NATSCredentials.userCredentials(file: "\(folder.path)/user.creds")
        #expect(credentials.keyPair.publicKey == publicKey)
        (options.userJWT, options.nkey) = (credentials.jwt, credentials.keyPair)
        try await roundTrip(options)

        let other = try NATSCredentials.userCredentials(file: "\(folder.path)/other.creds")
        (options.userJWT, options.nkey) = (other.jwt, other.keyPair)
        let error = try #require(await connectError(options))
        #expect(error.message.contains("Authorization Violation"), "\(error)")
        #expect(error.description.contains(".creds"), "the hint says what to check: \(error)")
        server.stop()
    }

    @Test("a password in the URL shows in no URL, header status, log line or error, across a reconnect")
    func secretsStayHidden() async throws {
        let secret = "p4ss-w0rd-7781"
        let server = try await NATSServerProcess(
            config: "authorization { users = [ {user: viewer, password: \"\(secret)\"} ] }\n"
        )
        let capture = LogCapture()
        var options = try NATSOptions(url: "nats://viewer:\(secret)@127.0.0.1:\(server.port)")
        options.logger = capture.logger
        options.reconnectDelay = .milliseconds(20)
        let client = try await NATSClient.connect(options)
        let source = RemoteSource(client: client, engine: "shop")
        server.stop()
        #expect(await eventually { client.connectionState != .connected })
        let whileDown = source.status() ?? ""
        try await server.start()
        #expect(await eventually(10) { client.connectionState == .connected })
        options.password = "wrong-\(secret)"
        let refused = try #require(await connectError(options))
        let shown =
            [options.url, client.serverURL, source.info.detail, whileDown, refused.description]
            + capture.records.map { "\($0.message) \($0.metadata)" }
        #expect(capture.records.count >= 2, "the loss and the reconnection were logged")
        for text in shown { #expect(!text.contains(secret), "the password shows in: \(text)") }
        await client.close()
        server.stop()
    }

    @Test("an NKEY login to a server that sends no nonce fails before sending anything, saying so")
    func noNonce() async throws {
        let server = try await NATSServerProcess()
        var options = try NATSOptions(url: server.url)
        options.nkey = try NKeyPair(seed: NKeyTests.seed, source: "test.nk")
        let error = try #require(await connectError(options))
        #expect(error.message.contains("sent no nonce"), "\(error)")
        server.stop()
    }
}
