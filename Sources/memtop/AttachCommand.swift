import ArgumentParser
import Foundation
import MemtopFeed
import MemtopSource
import MemtopUI
import PatinoxMemory

/// `memtop attach`: the terminal UI on an engine published to a NATS broker.
struct AttachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Draw an engine published to a NATS broker (see `memtop publish`) with the terminal UI.",
        discussion: """
            Without --engine memtop draws the only engine it hears, opens the fleet view (every engine, worst \
            first; Enter opens one, Esc returns) when it hears several, or the engine picker when none yet; e \
            switches engines by name at any time. Engines are heard by their summaries (--service S: only that \
            service's); --discover snapshots hears them by their snapshots instead, as memtop did before \
            summaries (for publishers older than them). --record FILE appends every snapshot of the drawn \
            engine to FILE (play it with `memtop replay FILE`).
            """
    )

    @OptionGroup var connection: BrokerOptions

    @Option(help: "The engine to draw.")
    var engine: String?

    @Option(help: "Hear only this service's engines (its summaries' subject token).")
    var service: String?

    @Option(help: "How engines are heard: summaries (default) or snapshots (every engine's full snapshots).")
    var discover: DiscoveryOption = .summaries

    @Option(help: "Record the drawn engine's snapshots to this file (newline-delimited JSON).")
    var record: String?

    @OptionGroup var ui: UIOptions

    func run() async throws {
        let discovery: RemoteSource.Discovery = discover == .snapshots ? .snapshots : .summaries(service: service)
        try await Self.attach(
            connection,
            engine: engine,
            discovery: discovery,
            record: record,
            options: ui.settings().options
        )
    }

    func validate() throws {
        if let service, !FeedSubjects.isValidEngineName(service) {
            throw ValidationError("--service '\(service)' is not a subject token (letters, digits, - and _).")
        }
        if service != nil, discover == .snapshots {
            throw ValidationError("--service needs summaries: snapshots carry no service (drop --discover).")
        }
    }

    /// Connects, picks the engine (or opens the picker) and runs the UI; also what `memtop` does when the
    /// config's `source` is a broker.
    static func attach(
        _ connection: BrokerOptions,
        engine: String?,
        discovery: RemoteSource.Discovery = .summaries(service: nil),
        record: String?,
        options: TerminalApp.Options
    ) async throws {
        let client = try await connection.connect(as: "memtop attach")
        let recorder = try record.map { path throws(PatinoxError) in
            try RecordingWriter(
                path: path,
                header: RecordingHeader(engine: engine ?? "(picked in the UI)", source: client.options.url)
            )
        }
        defer { recorder?.close() }
        let source = RemoteSource(client: client, engine: engine, discovery: discovery, recorder: recorder)
        var settings = options
        if engine == nil {
            let heard = await source.waitForEngines(upTo: 1.5)
            switch heard.count {
            case 0: settings.openEnginePicker = true
            case 1: source.select(engine: heard[0])
            default: settings.openFleet = true
            }
        }
        try await TerminalApp(source: source, options: settings).run()
        await client.close()
        if let recorder {
            print("recorded \(recorder.written.frames) snapshot(s) to \(recorder.path)")
        }
    }
}

/// `--discover`: how `memtop attach` hears the engines of a broker.
enum DiscoveryOption: String, ExpressibleByArgument, CaseIterable {
    case summaries, snapshots
}
