import Foundation
import MemtopSource
import PatinoxMemory
import Testing

@Suite("Fleet recordings: summaries read back, the fleet at a position, forged lines skipped")
struct FleetRecordingTests {
    func line(_ at: Double, _ summary: EngineSummary) throws -> String {
        let json = String(decoding: try StreamingJSONEncoder().encode(summary), as: UTF8.self)
        return "{\"at\":\(at),\"summary\":\(json)}"
    }

    func summary(_ engine: String, health: Health = .healthy) -> EngineSummary {
        EngineSummary(engine: engine, service: "shop", instance: nil, takenAt: 1, health: health)
    }

    @Test("summary lines beside snapshot lines; the fleet at a position is each engine's last summary before it")
    func readAndPosition() throws {
        let header = String(
            decoding: try StreamingJSONEncoder().encode(RecordingHeader(engine: "(fleet)", source: "x")),
            as: UTF8.self
        )
        var bad = summary("shop-9")
        bad.guardFailures = -5
        var future = summary("shop-8")
        future.summaryVersion = 3
        let lines = [
            header,
            try line(10, summary("shop-1")),
            try line(10.5, summary("shop-2")),
            try line(11, summary("shop-1", health: .degraded)),
            try line(11.2, bad),
            try line(11.3, future),
            try line(80, summary("shop-2")),
        ]
        var reader = RecordingReader(path: "fleet.ndjson")
        reader.feed(Array((lines.joined(separator: "\n") + "\n").utf8))
        let recording = try reader.finish()
        #expect(recording.summaries.count == 4 && recording.frames.isEmpty)
        #expect(recording.problems.count == 2, "\(recording.problems)")
        #expect(recording.problems[0].contains("fleet.ndjson:5: rejected: guardFailures is -5"))
        #expect(recording.problems[1].contains("fleet.ndjson:6: summary version 3"))
        #expect(recording.start == .seconds(10) && recording.duration == .seconds(70))
        let early = try #require(recording.fleet(at: .seconds(1.5)))
        #expect(early.map(\.name) == ["shop-1", "shop-2"])
        #expect(early[0].summary?.health == .degraded && early[0].silentFor == .milliseconds(500))
        #expect(early[1].silentFor == .seconds(1))
        // At 80 s shop-1 has been silent 69 s: gone; shop-2 has just spoken again.
        let late = try #require(recording.fleet(at: .seconds(70)))
        #expect(late.map(\.name) == ["shop-2"] && late[0].silentFor == .zero)
        #expect(recording.fleet(at: .zero)?.map(\.name) == ["shop-1"])
    }

    @Test("a replay lists the fleet as it was at its position, and a recording without summaries has none")
    func replayLists() throws {
        let recording = Recording(
            header: nil,
            frames: [],
            summaries: [.init(at: 0, summary: summary("a")), .init(at: 2, summary: summary("b"))]
        )
        let clock = ManualClock()
        let replay = ReplaySource(recording: recording, name: "fleet.ndjson", clock: clock)
        #expect(replay.engines()?.map(\.name) == ["a"])
        #expect(replay.latest() == nil)
        clock.advance(by: .seconds(3))
        #expect(replay.engines()?.map(\.name) == ["a", "b"])
        let snapshots = Recording(
            header: nil,
            frames: [.init(at: 0, snapshot: EngineSnapshot(engine: "x", takenAt: 1))]
        )
        #expect(ReplaySource(recording: snapshots, name: "x", clock: clock).engines() == nil)
    }
}
