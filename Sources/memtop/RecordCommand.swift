import ArgumentParser
import Foundation
import MemtopFeed
import MemtopSource
import PatinoxMemory

/// `memtop record`: an engine's snapshots, or a fleet's summaries, from a broker to a file, without the UI.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record an engine's snapshots (or the fleet's summaries) from a NATS broker to an NDJSON file.",
        discussion: """
            Stops at Ctrl-C (or after --seconds). Play the file with `memtop replay FILE`: a fleet recording \
            (--fleet, every engine's summaries; --service S for one service's) opens on the fleet view.
            """
    )

    @OptionGroup var connection: BrokerOptions

    @Option(help: "The engine whose snapshots to record.")
    var engine: String?

    @Flag(help: "Record every engine's summaries (the fleet view), beside --engine's snapshots if given.")
    var fleet = false

    @Option(help: "With --fleet: only this service's engines.")
    var service: String?

    @Option(help: "The file to write (replaced if it exists).")
    var out: String

    @Option(help: "Stop after this many seconds (default: run until interrupted).")
    var seconds: Double?

    func validate() throws {
        guard engine != nil || fleet else { throw ValidationError("say what to record: --engine NAME or --fleet.") }
        if service != nil, !fleet { throw ValidationError("--service goes with --fleet.") }
        if let service, !FeedSubjects.isValidEngineName(service) {
            throw ValidationError("--service '\(service)' is not a subject token (letters, digits, - and _).")
        }
    }

    func run() async throws {
        let what = [engine.map { "engine '\($0)'" }, fleet ? "the fleet\(service.map { " of \($0)" } ?? "")" : nil]
            .compactMap { $0 }.joined(separator: " and ")
        let client = try await connection.connect(as: "memtop record \(engine ?? "--fleet")")
        let recorder = try RecordingWriter(
            path: out,
            header: RecordingHeader(engine: engine ?? "(fleet)", source: client.options.url)
        )
        let source = RemoteSource(
            client: client,
            engine: engine,
            discovery: .summaries(service: service),
            recorder: recorder,
            recordsFleet: fleet
        )
        print("recording \(what) from \(client.options.url) to \(out); Ctrl-C stops")
        await waitUntilStopped(seconds: seconds)
        await client.close()
        recorder.close()
        let written = recorder.written
        print("recorded \(written.frames) frame(s) to \(out)")
        if let status = source.status() { print("feed problems: \(status)") }
        if written.frames == 0 {
            throw Recording.recordingError(
                out,
                nil,
                "nothing of \(what) arrived",
                hint: "check the name with `memtop attach \(client.options.url)` (its fleet view lists them)."
            )
        }
    }
}
