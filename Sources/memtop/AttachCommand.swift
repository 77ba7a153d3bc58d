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
            Without --engine memtop draws the only engine it hears, or opens the engine picker when it hears \
            several or none yet; e switches engines at any time. --record FILE appends every snapshot of the \
            drawn engine to FILE (play it with `memtop replay FILE`).
            """
    )

    @OptionGroup var connection: BrokerOptions

    @Option(help: "The engine to draw.")
    var engine: String?

    @Option(help: "Record the drawn engine's snapshots to this file (newline-delimited JSON).")
    var record: String?

    @OptionGroup var ui: UIOptions

    func run() async throws {
        try await Self.attach(connection, engine: engine, record: record, options: ui.settings().options)
    }

    /// Connects, picks the engine (or opens the picker) and runs the UI; also what `memtop` does when the
    /// config's `source` is a broker.
    static func attach(
        _ connection: BrokerOptions,
        engine: String?,
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
        let source = RemoteSource(client: client, engine: engine, recorder: recorder)
        var settings = options
        if engine == nil {
            let heard = await source.waitForEngines(upTo: 1.5)
            if heard.count == 1 { source.select(engine: heard[0]) } else { settings.openEnginePicker = true }
        }
        try await TerminalApp(source: source, options: settings).run()
        await client.close()
        if let recorder {
            print("recorded \(recorder.written.frames) snapshot(s) to \(recorder.path)")
        }
    }
}
