import ArgumentParser
import Foundation
import MemtopFeed
import MemtopUI
import PatinoxMemory

/// `memtop attach`: the terminal UI on an engine published to a NATS broker.
struct AttachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Draw an engine published to a NATS broker (see `memtop publish`) with the terminal UI.",
        discussion: "Without --engine memtop lists the engines it hears and asks which one to draw."
    )

    @Argument(help: "The broker, nats://HOST:PORT.")
    var broker: String

    @Option(help: "The engine to draw.")
    var engine: String?

    @Option(help: "User name for brokers with user/password authorization.")
    var user: String?

    @Option(help: "Password (with --user).")
    var password: String?

    @Option(help: "A token for brokers that use token authentication.")
    var token: String?

    @OptionGroup var ui: UIOptions

    func validate() throws {
        if password != nil && user == nil { throw ValidationError("--password needs --user.") }
        if token != nil && user != nil { throw ValidationError("choose --user/--password or --token, not both.") }
    }

    func run() async throws {
        var options = try NATSOptions(url: broker)
        options.user = user ?? options.user
        options.password = password ?? options.password
        options.token = token
        options.name = "memtop attach"
        let client = try await NATSClient.connect(options)
        defer { Task { await client.close() } }
        let name: String
        if let engine {
            name = engine
        } else {
            let engines = await RemoteSource.listEngines(client: client, listening: 1.5)
            guard let picked = Self.pick(engines, broker: options.url) else { return }
            name = picked
        }
        let settings = ui.settings()
        let source = RemoteSource(client: client, engine: name)
        try await TerminalApp(source: source, options: settings.options).run()
    }

    /// The engine list: one engine is taken at once; several are numbered and the user picks one.
    static func pick(_ engines: [String], broker: String) -> String? {
        if engines.isEmpty {
            print(
                "No engine is publishing on \(broker) (listened 1.5 s). Start one: memtop publish --broker \(broker) --name NAME"
            )
            return nil
        }
        if engines.count == 1 { return engines[0] }
        print("Engines on \(broker):")
        for (index, engine) in engines.enumerated() { print("  \(index + 1). \(engine)") }
        while true {
            print("Draw which one (1-\(engines.count), q to quit)? ", terminator: "")
            guard let line = readLine()?.trimmingCharacters(in: .whitespaces), line != "q" else { return nil }
            if let number = Int(line), (1...engines.count).contains(number) { return engines[number - 1] }
            if engines.contains(line) { return line }
        }
    }
}
