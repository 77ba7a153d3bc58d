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
            Snapshots go to memtop.v1.NAME.snapshot every interval, events to memtop.v1.NAME.events, a summary \
            for fleet views to memtop.v1.summary.SERVICE.NAME every second; control requests on \
            memtop.v1.NAME.control are answered only with --allow-control (refused otherwise). Name the engine \
            with --name, or with --service and --instance (NAME is then SERVICE-INSTANCE).
            """
    )

    @Option(help: "The broker, nats://[user:password@]HOST:PORT (tls://… for TLS; several: comma-separated).")
    var broker: String

    @Option(help: "The engine's name on the feed (letters, digits, - and _). Default: SERVICE-INSTANCE.")
    var name: String?

    @Option(help: "The service this engine is a replica of, for fleet views (default: the name).")
    var service: String?

    @Option(help: "Which replica of the service it is (a number or a pod's name).")
    var instance: String?

    @Option(name: .customLong("label"), help: "A label for fleet views, KEY=VALUE (repeat for several).")
    var labels: [String] = []

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
        guard name != nil || service != nil else { throw ValidationError("name the engine: --name or --service.") }
        _ = try labelTable()
    }

    /// The engine's name: `--name`, else `SERVICE-INSTANCE` (or `SERVICE` without an instance).
    var engineName: String { name ?? [service, instance].compactMap { $0 }.joined(separator: "-") }

    func labelTable() throws -> [String: String] {
        var table: [String: String] = [:]
        for label in labels {
            let parts = label.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("--label '\(label)' is not KEY=VALUE (for example --label region=eu-west).")
            }
            table[String(parts[0])] = String(parts[1])
        }
        return table
    }

    func run() async throws {
        let scenario = try scenario.map { path throws(PatinoxError) in try Scenario.load(path: path) } ?? .builtin
        let name = engineName
        let client = try await credentials.connect(to: broker, as: "memtop publish \(name)")
        let load = try SyntheticService(scenario: scenario, engine: Engine(name: name))
        let publisher = try FeedPublisher(
            engine: load.engine,
            client: client,
            name: name,
            service: service,
            instance: instance,
            labels: try labelTable(),
            interval: .milliseconds(Int64(interval)),
            allowControl: allowControl
        )
        let running = Task { await load.run() }
        let feed = Task { await publisher.run() }
        print(
            "publishing engine '\(name)' of service '\(publisher.service)' (scenario '\(scenario.name)') to "
                + client.options.url
                + (allowControl ? ", control allowed" : ", control refused")
        )
        await waitUntilStopped(seconds: seconds)
        feed.cancel()
        await feed.value  // its last snapshot goes out before the client closes
        await load.shutdown()  // drains the pool; run() then returns
        await running.value
        await client.close()
        print(
            "published \(publisher.published) snapshot(s)"
                + (publisher.lastFailure.map { "; \(publisher.publishFailures) failed, the last: \($0)" } ?? "")
        )
    }
}
