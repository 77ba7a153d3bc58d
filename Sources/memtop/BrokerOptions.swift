import ArgumentParser
import MemtopFeed

/// How to log in to a broker, shared by `memtop attach`, `record` and `publish`.
struct BrokerCredentials: ParsableArguments {
    @Option(help: "User name for brokers with user/password authorization.")
    var user: String?

    @Option(help: "Password (with --user).")
    var password: String?

    @Option(help: "A token for brokers that use token authentication.")
    var token: String?

    func validate() throws {
        if password != nil && user == nil { throw ValidationError("--password needs --user.") }
        if token != nil && user != nil { throw ValidationError("choose --user/--password or --token, not both.") }
    }

    /// Connects to `broker` as `clientName`; a refused login or an unreachable broker throws a PatinoxError
    /// that says so. Credentials given here win over those in the URL.
    func connect(to broker: String, as clientName: String) async throws -> NATSClient {
        var options = try NATSOptions(url: broker)
        options.user = user ?? options.user
        options.password = password ?? options.password
        options.token = token
        options.name = clientName
        return try await NATSClient.connect(options)
    }
}

/// The broker as an argument, and how to log in to it: `memtop attach` and `memtop record`.
struct BrokerOptions: ParsableArguments {
    @Argument(help: "The broker, nats://[user:password@]HOST:PORT.")
    var broker: String

    @OptionGroup var credentials: BrokerCredentials

    /// Connects as `clientName` (see ``BrokerCredentials/connect(to:as:)``).
    func connect(as clientName: String) async throws -> NATSClient {
        try await credentials.connect(to: broker, as: clientName)
    }
}
