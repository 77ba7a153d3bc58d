import Foundation
import MemtopTestSupport
import NIOConcurrencyHelpers
import PatinoxMemory
import Testing

@testable import MemtopSource
@testable import MemtopUI

@Suite("Replay: the clock, recordings on disk, the source")
struct ReplayTests {
    @Test("the clock plays at its speed, pauses, seeks within the recording and restarts after the end")
    func clock() {
        var clock = ReplayClock(duration: .seconds(60), speed: 2, now: .seconds(100))
        #expect(clock.position(at: .seconds(105)) == .seconds(10))
        clock.apply(.togglePause, at: .seconds(105))
        #expect(clock.position(at: .seconds(200)) == .seconds(10) && clock.status(at: .seconds(200)).badge == "PAUSED")
        clock.apply(.seek(by: .seconds(-30)), at: .seconds(200))
        #expect(clock.position(at: .seconds(300)) == .zero)
        clock.apply(.togglePause, at: .seconds(300))
        clock.apply(.faster, at: .seconds(300))
        #expect(clock.speed == 4 && clock.position(at: .seconds(302)) == .seconds(8))
        clock.apply(.seek(by: .seconds(100)), at: .seconds(302))
        #expect(clock.position(at: .seconds(400)) == .seconds(60) && clock.status(at: .seconds(400)).badge == "END")
        clock.apply(.togglePause, at: .seconds(400))
        clock.apply(.togglePause, at: .seconds(401))
        #expect(clock.position(at: .seconds(401)) == .zero, "resuming at the end starts over")
        for _ in 0..<10 { clock.apply(.slower, at: .seconds(401)) }
        #expect(clock.speed == 0.25 && clock.status(at: .seconds(401)).badge == "PLAY ×0.25")
        for _ in 0..<10 { clock.apply(.faster, at: .seconds(401)) }
        #expect(clock.speed == 16)
    }

    @Test("a recording written frame by frame reads back whole, header included")
    func writeThenRead() throws {
        let path = temporaryPath("round.ndjson")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try RecordingWriter(path: path, header: RecordingHeader(engine: "shop", source: "nats://x:1"))
        let snapshots = [try fixture("steady-1"), try fixture("steady-2")]
        for snapshot in snapshots {
            writer.append(snapshotJSON: try snapshot.jsonData(), snapshot: snapshot)
        }
        // A pretty-printed payload (another publisher) spans lines: it is re-encoded onto one.
        let pretty = JSONEncoder()
        pretty.outputFormatting = .prettyPrinted
        writer.append(snapshotJSON: Array(try pretty.encode(snapshots[0])), snapshot: snapshots[0])
        writer.close()
        writer.append(snapshotJSON: try snapshots[0].jsonData(), snapshot: snapshots[0])
        #expect(writer.written.frames == 3 && writer.written.failures == 1)
        let recording = try Recording.read(path: path)
        #expect(recording.header?.engine == "shop" && recording.header?.memtopRecording == 1)
        #expect(recording.frames.map(\.snapshot.takenAt) == (snapshots + [snapshots[0]]).map(\.takenAt))
        #expect(recording.problems.isEmpty)
        #expect(recording.frames.map(\.at) == recording.frames.map(\.at).sorted())
    }

    @Test("damaged lines are skipped and named by file and line; a file with no frame is a clear error")
    func damaged() throws {
        let path = temporaryPath("damaged.ndjson")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let good = String(decoding: try fixture("steady-1").jsonData(), as: UTF8.self)
        let future = good.replacingOccurrences(of: "\"schemaVersion\":1", with: "\"schemaVersion\":9")
        let lines = [
            #"{"memtopRecording":1,"engine":"shop","source":"nats://x:1","startedAt":"2026-11-29T17:00:00Z"}"#,
            #"{"at":0.25,"snapshot":\#(good)}"#,
            #"{"at":0.5,"snapshot":{"engine":"shop"}}"#,
            "garbage",
            #"{"at":0.75,"snapshot":\#(future)}"#,
            "",
            #"{"at":1.0,"snapshot":\#(good)}"#,
        ]
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let recording = try Recording.read(path: path)
        #expect(recording.frames.map(\.at) == [0.25, 1.0] && recording.duration == .milliseconds(750))
        #expect(recording.problems.count == 3)
        #expect(recording.problems[0].hasPrefix("\(path):3: not a frame") && recording.problems[0].contains("missing"))
        #expect(recording.problems[1].hasPrefix("\(path):4: not a frame") && recording.problems[1].contains("not JSON"))
        #expect(recording.problems[2] == "\(path):5: snapshot schema 9, expected 1")

        try "garbage\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try Recording.read(path: path)
        } throws: { error in
            let error = error as! PatinoxError
            return error.message.contains("no snapshot frame") && error.message.contains(":1: not a frame")
                && error.context.location == SourceLocation(file: path, line: 1)
        }
        #expect(throws: PatinoxError.self) { try Recording.read(path: path + ".missing") }
    }

    @Test("the replay source shows the frame at the clock's position and refuses commands")
    func source() throws {
        let first = try fixture("steady-1")
        let second = try fixture("steady-2")
        let recording = Recording(
            header: nil,
            frames: [.init(at: 10, snapshot: first), .init(at: 11, snapshot: second), .init(at: 20, snapshot: first)]
        )
        let clock = ManualClock()
        let source = ReplaySource(recording: recording, name: "r", speed: 1, clock: clock)
        #expect(source.latest()?.takenAt == first.takenAt)
        clock.advance(by: .seconds(1.5))
        #expect(source.latest()?.takenAt == second.takenAt)
        #expect(source.playback(.seek(by: .seconds(5)))?.position == .seconds(6.5))
        #expect(source.latest()?.takenAt == second.takenAt)
        #expect(source.playback(.seek(by: .seconds(9)))?.position == .seconds(10), "clamped to the end")
        #expect(source.latest()?.takenAt == first.takenAt && source.playbackStatus()?.ended == true)
        #expect(source.info.kind == .replay && source.status() == nil)
        let refused = NIOLockedValueBox<Result<String, PatinoxError>?>(nil)
        source.send(.resetStats(target: nil)) { result in refused.withLockedValue { $0 = result } }
        #expect(throws: PatinoxError.self) { try refused.withLockedValue { $0 }?.get() }
    }
}

@Suite("Reducer: replay keys and the engine picker")
struct PlaybackAndPickerReducerTests {
    @Test("in a replay Space pauses the recording, arrows seek and reset the history, < > change speed")
    func replayKeys() throws {
        var state = try state("steady")
        state.source = SourceInfo(kind: .replay, detail: "r.ndjson")
        #expect(state.press(.character(" ")) == [.playback(.togglePause)] && !state.paused)
        #expect(!(state.history == History()))
        #expect(
            state.press(.right) == [.playback(.seek(by: .seconds(10)))] && (state.history == History())
                && state.previous == nil
        )
        #expect(
            state.press(.left, .character("<"), .character(">")) == [
                .playback(.seek(by: .seconds(-10))), .playback(.slower), .playback(.faster),
            ]
        )
        _ = state.reduce(
            .playback(PlaybackStatus(position: .seconds(12), duration: .seconds(60), speed: 2, paused: false))
        )
        _ = state.reduce(.tick(now: .seconds(10_000)))
        #expect(!state.isStale, "a replay is never stale")
        let header = Screen.render(state, glyphs: .unicode).text.split(separator: "\n")[0]
        #expect(header.contains("PLAY ×2") && header.contains("at 00:00:12 of 00:01:00"), "\(header)")
    }

    @Test("seek keys on a live source explain themselves")
    func liveSeek() throws {
        var state = try state("steady")
        #expect(state.press(.right).isEmpty && state.message?.text.contains("replays") == true)
        #expect(state.press(.character(" ")).isEmpty && state.paused)
    }

    @Test("e opens the picker; Enter on another engine switches to it and forgets the old engine's data")
    func picker() throws {
        var state = try state("steady")
        #expect(state.press(.character("e")).isEmpty && state.message?.level == .error, "one engine: nothing to pick")
        let engine = try #require(state.snapshot?.engine)
        _ = state.reduce(
            .engines([
                EngineListing(name: "books", silentFor: .milliseconds(100), rate: 4, bytes: 9000),
                EngineListing(name: engine, silentFor: .milliseconds(200), rate: 4, bytes: 12000),
            ])
        )
        _ = state.press(.character("e"))
        #expect(state.mode == .enginePicker(selected: 1), "the drawn engine is highlighted")
        let screen = Screen.render(state, glyphs: .unicode).text
        #expect(
            screen.contains("Engines on the broker") && screen.contains("\(engine) (drawn)") && screen.contains("4.0/s")
        )
        #expect(state.press(.up, .enter) == [.selectEngine("books")])
        #expect(state.snapshot == nil && (state.history == History()) && state.mode == .normal)
        _ = state.press(.character("e"))
        #expect(state.press(.escape).isEmpty && state.mode == .normal)
    }

    @Test("the picker with no engine heard yet says how to start one")
    func emptyPicker() {
        var state = AppState(source: SourceInfo(kind: .remote, detail: "nats://127.0.0.1:4222"))
        _ = state.reduce(.resize(width: 120, height: 40))
        _ = state.reduce(.engines([]))
        state.mode = .enginePicker(selected: 0)
        #expect(state.press(.enter).isEmpty)
        let screen = Screen.render(state, glyphs: .unicode).text
        #expect(screen.contains("No engine heard yet on nats://127.0.0.1:4222") && screen.contains("memtop publish"))
    }
}
