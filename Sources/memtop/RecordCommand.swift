import ArgumentParser
import Foundation
import MemtopFeed
import MemtopSource
import PatinoxMemory

/// `memtop record`: an engine's snapshots from a broker to a file, without the UI.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record an engine's snapshots from a NATS broker to a newline-delimited JSON file.",
        discussion: "Stops at Ctrl-C (or after --seconds). Play the file with `memtop replay FILE`."
    )

    @OptionGroup var connection: BrokerOptions

    @Option(help: "The engine to record.")
    var engine: String

    @Option(help: "The file to write (replaced if it exists).")
    var out: String

    @Option(help: "Stop after this many seconds (default: run until interrupted).")
    var seconds: Double?

    func run() async throws {
        let client = try await connection.connect(as: "memtop record \(engine)")
        let recorder = try RecordingWriter(
            path: out,
            header: RecordingHeader(engine: engine, source: client.options.url)
        )
        let source = RemoteSource(client: client, engine: engine, recorder: recorder)
        print("recording engine '\(engine)' from \(client.options.url) to \(out); Ctrl-C stops")
        await waitUntilStopped(seconds: seconds)
        await client.close()
        recorder.close()
        let written = recorder.written
        print("recorded \(written.frames) snapshot(s) to \(out)")
        if let status = source.status() { print("feed problems: \(status)") }
        if written.frames == 0 {
            throw Recording.recordingError(
                out,
                nil,
                "no snapshot of engine '\(engine)' arrived",
                hint: "check the name with `memtop attach \(client.options.url)` (its engine picker lists them)."
            )
        }
    }
}
