import ArgumentParser
import Foundation
import MemtopFeed
import MemtopWorkload
import PatinoxMemory

/// `memtop publish`: a headless engine with synthetic load that publishes to a NATS broker.
struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Run a demo scenario headless and publish its engine to a NATS broker.",
        discussion: """
            Snapshots go to memtop.v1.NAME.snapshot every interval, events to memtop.v1.NAME.events; control \
            requests on memtop.v1.NAME.control are answered only with --allow-control (refused otherwise).
            """
    )

    @Option(help: "The broker, nats://[user:password@]HOST:PORT (tls://… for TLS; several: comma-separated).")
    var broker: String

    @Option(help: "The engine's name on the feed (letters, digits, - and _).")
    var name: String

    @Option(help: "A scenario file (demo/*.toml). Default: the built-in steady scenario.")
    var scenario: String?

    @Option(help: "Milliseconds between snapshots.")
    var interval = 250

    @Option(help: "Stop after this many seconds (default: run until interrupted).")
    var seconds: Double?

    @OptionGroup var credentials: BrokerCredentials

    @Flag(help: "Let attached memtops resize pools, inject faults, flush caches and reset statistics.")
    var allowControl = false

    func validate() throws {
        guard interval >= 10 else { throw ValidationError("--interval must be at least 10 ms.") }
    }

    func run() async throws {
        let scenario = try scenario.map { path throws(PatinoxError) in try Scenario.load(path: path) } ?? .builtin
        let client = try await credentials.connect(to: broker, as: "memtop publish \(name)")
        let service = try SyntheticService(scenario: scenario, engine: Engine(name: name))
        let publisher = try FeedPublisher(
            engine: service.engine,
            client: client,
            name: name,
            interval: .milliseconds(Int64(interval)),
            allowControl: allowControl
        )
        let load = Task { await service.run() }
        let feed = Task { await publisher.run() }
        print(
            "publishing engine '\(name)' (scenario '\(scenario.name)') to \(client.options.url)"
                + (allowControl ? ", control allowed" : ", control refused")
        )
        await waitUntilStopped(seconds: seconds)
        feed.cancel()
        await feed.value  // its last snapshot goes out before the client closes
        await service.shutdown()  // drains the pool; run() then returns
        await load.value
        await client.close()
        print(
            "published \(publisher.published) snapshot(s)"
                + (publisher.lastFailure.map { "; \(publisher.publishFailures) failed, the last: \($0)" } ?? "")
        )
    }
}
