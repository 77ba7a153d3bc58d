import Foundation
import MemtopFeed
import MemtopTestSupport
import PatinoxMemory
import Testing

@testable import memtop

/// The login options `attach`, `record` and `publish` share (issue #16): secrets from files and the
/// environment, one login at a time.
@Suite("memtop's broker login options")
struct BrokerCredentialsTests {
    /// NATSOptions for nats://127.0.0.1:4222 (or `url`) after `arguments` and `environment`.
    func options(
        _ arguments: [String],
        url: String = "nats://127.0.0.1:4222",
        environment: [String: String] = [:]
    ) throws -> NATSOptions {
        var options = try NATSOptions(url: url)
        try BrokerCredentials.parse(arguments).apply(to: &options, environment: environment)
        return options
    }

    @Test("a password or token comes from a file, the environment or the URL; a flag wins over the environment")
    func secretSources() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try "from-file\n".write(toFile: "\(folder.path)/password", atomically: true, encoding: .utf8)
        let environment = ["MEMTOP_NATS_PASSWORD": "from-env", "MEMTOP_NATS_TOKEN": "env-token"]

        let fromFile = try options(
            ["--user", "ops", "--password-file", "\(folder.path)/password"],
            environment: environment
        )
        #expect(fromFile.user == "ops" && fromFile.password == "from-file" && fromFile.token == nil)
        let fromEnvironment = try options(["--user", "ops"], environment: environment)
        #expect(fromEnvironment.password == "from-env" && fromEnvironment.token == nil)
        let fromURL = try options([], url: "nats://ops:in-url@127.0.0.1:4222")
        #expect(fromURL.user == "ops" && fromURL.password == "in-url")
        #expect(try options([], environment: environment).token == "env-token")
        #expect(
            try options(["--token-file", "\(folder.path)/password"], environment: environment).token == "from-file"
        )
        #expect(try options([]).token == nil && (try options([])).password == nil)
    }

    @Test("--server adds the other servers of a cluster to the URL's")
    func servers() throws {
        let options = try options(["--server", "nats://b:4223", "--server", "nats://c:4224,nats://d:4225"])
        #expect(options.servers.map(\.description) == ["127.0.0.1:4222", "b:4223", "c:4224", "d:4225"])
        #expect(throws: (any Error).self) { try self.options(["--server", "b:4223"]) }
    }

    @Test("--nkey and --creds read their files; a bad file is an error naming it")
    func keyFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try NKeyTestVector.seed.write(toFile: "\(folder.path)/user.nk", atomically: true, encoding: .utf8)
        let nkey = try options(["--nkey", "\(folder.path)/user.nk"], environment: ["MEMTOP_NATS_TOKEN": "t"])
        #expect(nkey.nkey?.publicKey == NKeyTestVector.publicKey && nkey.userJWT == nil)
        #expect(nkey.token == nil, "the environment's token is not sent beside an NKEY login")
        do {
            _ = try options(["--creds", "\(folder.path)/user.nk"])
            Issue.record("a seed was read as a .creds file")
        } catch let error as PatinoxError {
            #expect(error.message.contains("user.nk") && error.message.contains("NATS USER JWT"), "\(error)")
        }
    }

    @Test("two logins at once, or a password without a user, are refused before connecting")
    func conflicts() {
        for arguments in [
            ["--user", "a", "--token", "t"], ["--nkey", "f", "--creds", "g"], ["--password", "p"],
            ["--password-file", "f"], ["--user", "a", "--password", "p", "--password-file", "f"],
            ["--token", "t", "--token-file", "f"], ["--token-file", "f", "--nkey", "g"],
        ] {
            #expect(throws: (any Error).self, "\(arguments)") { try BrokerCredentials.parse(arguments) }
        }
    }
}

/// nkeys' (PyPI) public key of a user seed, as NKeyTests in MemtopFeedTests checks it.
enum NKeyTestVector {
    static let seed = "SUAMLK2ZNL35WSMW37E7UD4VZ7ELPKW7DHC3BWBSD2GCZ7IUQQXZIORRBU"
    static let publicKey = "UCK5N7N66OBOINFXAYC2ACJQYFSOD4VYNU6APEJTAVFZB2SVHLKGEW7L"
}
