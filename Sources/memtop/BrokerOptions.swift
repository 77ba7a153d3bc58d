import ArgumentParser
import MemtopFeed

/// How to reach a broker, shared by `memtop attach` and `memtop record`.
struct BrokerOptions: ParsableArguments {
    @Argument(help: "The broker, nats://[user:password@]HOST:PORT.")
    var broker: String

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

    /// Connects as `clientName`; a refused login or an unreachable broker throws a PatinoxError that says so.
    func connect(as clientName: String) async throws -> NATSClient {
        var options = try NATSOptions(url: broker)
        options.user = user ?? options.user
        options.password = password ?? options.password
        options.token = token
        options.name = clientName
        return try await NATSClient.connect(options)
    }
}
