import ArgumentParser
import Foundation
import MemtopFeed

/// How to reach and log in to a broker, shared by `memtop attach`, `record` and `publish`: TLS (CA, client
/// certificate), and a user and password, a token, an NKEY seed or a `.creds` file. Secrets come from files or
/// the environment, so that they never sit on the command line (`ps` shows it to every user of the machine).
struct BrokerCredentials: ParsableArguments {
    @Option(help: "User name for brokers with user/password authorization.")
    var user: String?

    @Option(help: "Password (with --user). Visible in ps: prefer --password-file or MEMTOP_NATS_PASSWORD.")
    var password: String?

    @Option(help: "A file holding the password (with --user).")
    var passwordFile: String?

    @Option(help: "A token for brokers that use token authentication. Visible in ps: prefer --token-file.")
    var token: String?

    @Option(help: "A file holding the token (or set MEMTOP_NATS_TOKEN).")
    var tokenFile: String?

    @Option(help: "An NKEY user seed file (SU…), for brokers that list the user's public key.")
    var nkey: String?

    @Option(help: "A .creds file (user JWT and seed, as nsc writes it), for operator-mode and hosted brokers.")
    var creds: String?

    @Option(name: .customLong("server"), help: "Another server of the broker's cluster (repeat for more).")
    var servers: [String] = []

    @Option(help: "PEM file of the CAs that sign the broker's certificate (TLS; the system's CAs otherwise).")
    var tlsCa: String?

    @Option(help: "PEM file of a client certificate, for brokers that verify clients (with --tls-key).")
    var tlsCert: String?

    @Option(help: "PEM file of the client certificate's private key.")
    var tlsKey: String?

    @Flag(help: "Start TLS before the broker's INFO (servers with handshake_first).")
    var tlsFirst = false

    /// Where secrets come from when no flag gives them.
    static let passwordVariable = "MEMTOP_NATS_PASSWORD"
    static let tokenVariable = "MEMTOP_NATS_TOKEN"

    func validate() throws {
        if password != nil && passwordFile != nil { throw ValidationError("choose --password or --password-file.") }
        if token != nil && tokenFile != nil { throw ValidationError("choose --token or --token-file.") }
        if (password != nil || passwordFile != nil) && user == nil {
            throw ValidationError("--password and --password-file need --user.")
        }
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together.") }
        let logins = [user != nil, token != nil || tokenFile != nil, nkey != nil, creds != nil].filter { $0 }.count
        if logins > 1 {
            throw ValidationError("choose one login: --user (with a password), --token, --nkey or --creds.")
        }
    }

    /// `options` with this login applied: flags first, then the environment, then the URL's userinfo.
    func apply(to options: inout NATSOptions, environment: [String: String]) throws {
        if password != nil {
            let warning =
                "memtop: --password is visible to every user in ps; --password-file or \(Self.passwordVariable) "
            FileHandle.standardError.write(Data((warning + "is not.\n").utf8))
        }
        for server in servers { options.servers += try NATSOptions(url: server).servers }
        if tlsCa != nil || tlsCert != nil || tlsFirst {
            var tls = options.tls ?? NATSTLSOptions()
            (tls.caFile, tls.certificateFile, tls.keyFile) = (tlsCa, tlsCert, tlsKey)
            tls.handshakeFirst = tlsFirst
            options.tls = tls
        }
        options.user = user ?? options.user
        if let passwordFile {
            options.password = try NATSCredentials.secret(file: passwordFile, what: "password")
        } else if let password {
            options.password = password
        } else if user != nil || options.user != nil, let password = environment[Self.passwordVariable] {
            options.password = password
        }
        if let tokenFile {
            options.token = try NATSCredentials.secret(file: tokenFile, what: "token")
        } else if let token {
            options.token = token
        } else if options.user == nil, nkey == nil, creds == nil, let token = environment[Self.tokenVariable] {
            options.token = token
        }
        if let nkey { options.nkey = try NATSCredentials.nkey(file: nkey) }
        if let creds {
            let credentials = try NATSCredentials.userCredentials(file: creds)
            options.userJWT = credentials.jwt
            options.nkey = credentials.keyPair
        }
    }

    /// Connects to `broker` as `clientName`; a refused login or an unreachable broker throws a PatinoxError
    /// that says so. Credentials given here win over those in the URL.
    func connect(to broker: String, as clientName: String) async throws -> NATSClient {
        var options = try NATSOptions(url: broker)
        try apply(to: &options, environment: ProcessInfo.processInfo.environment)
        options.name = clientName
        return try await NATSClient.connect(options)
    }
}

/// The broker as an argument, and how to log in to it: `memtop attach` and `memtop record`.
struct BrokerOptions: ParsableArguments {
    @Argument(help: "The broker, nats://[user:password@]HOST:PORT (tls://… for TLS; several: comma-separated).")
    var broker: String

    @OptionGroup var credentials: BrokerCredentials

    /// Connects as `clientName` (see ``BrokerCredentials/connect(to:as:)``).
    func connect(as clientName: String) async throws -> NATSClient {
        try await credentials.connect(to: broker, as: clientName)
    }
}
