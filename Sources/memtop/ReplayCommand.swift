import ArgumentParser
import Foundation
import MemtopSource
import MemtopUI
import PatinoxMemory

/// `memtop replay`: a recording played back in the terminal UI.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Play a recording (memtop record, attach --record) back in the terminal UI.",
        discussion: """
            Space pauses and resumes, ← and → seek 10 s, < and > change the speed (0.25× to 16×). Skipped lines \
            of a damaged file are reported in the header with their line numbers; the rest plays. A fleet \
            recording (memtop record --fleet) opens on the fleet view.
            """
    )

    @Argument(help: "The recording, FILE.ndjson.")
    var file: String

    @Option(help: "Playback speed: 0.25, 0.5, 1, 2, 4, 8 or 16.")
    var speed = 1.0

    @OptionGroup var ui: UIOptions

    func validate() throws {
        guard ReplayClock.speeds.contains(speed) else {
            throw ValidationError(
                "--speed must be one of \(ReplayClock.speeds.map { "\($0)" }.joined(separator: ", "))."
            )
        }
    }

    func run() async throws {
        let recording = try Recording.read(path: file)
        let name = URL(fileURLWithPath: file).lastPathComponent
        let source = ReplaySource(recording: recording, name: name, speed: speed)
        var settings = ui.settings().options
        settings.readOnly = true
        // A fleet recording opens on the fleet, as attaching to that broker would have.
        settings.openFleet = Set(recording.summaries.map(\.summary.engine)).count > 1
        try await TerminalApp(source: source, options: settings).run()
    }
}
