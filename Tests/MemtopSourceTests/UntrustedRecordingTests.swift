import Foundation
import MemtopTestSupport
import Testing

@testable import MemtopSource
@testable import PatinoxMemory

/// Recordings are untrusted input: devices, FIFOs, endless lines and forged frames end in clear problems,
/// never in a hang, a trap or unbounded memory.
@Suite("Untrusted recordings", .timeLimit(.minutes(1)))
struct UntrustedRecordingTests {
    static func frameLine(_ snapshot: EngineSnapshot, at: Double) throws -> String {
        let frame = Recording.Frame(at: at, snapshot: snapshot)
        return String(decoding: try JSONEncoder().encode(frame), as: UTF8.self)
    }

    static func snapshot(timedOut: Int = 0) -> EngineSnapshot {
        var snapshot = EngineSnapshot(engine: "shop", takenAt: 1_000)
        var counters = PoolCounters()
        counters.timedOut = timedOut
        let pool = PoolStatus(
            name: "db",
            phase: .running,
            total: 1,
            idle: 1,
            leased: 0,
            creating: 0,
            checking: 0,
            waiters: 0,
            minimum: 1,
            maximum: 2,
            circuitOpen: false,
            consecutiveCreateFailures: 0,
            counters: counters,
            acquireLatency: LatencySummary()
        )
        snapshot.pools = [pool]
        return snapshot
    }

    @Test("/dev/zero and a FIFO are refused at once with what to give instead")
    func notRegularFiles() throws {
        for path in ["/dev/zero", "/tmp"] {
            #expect {
                try Recording.read(path: path)
            } throws: { error in
                (error as? PatinoxError)?.description.contains("not a regular file") == true
            }
        }
        let fifo = temporaryPath("recording.fifo")
        defer { try? FileManager.default.removeItem(atPath: fifo) }
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: PatinoxError.self) { try Recording.read(path: fifo) }  // returns: no writer needed
    }

    @Test("a forged frame is skipped with the field that broke the limits; the good frames replay")
    func forgedFrame() throws {
        var reader = RecordingReader(path: "forged.ndjson")
        let lines = [
            try Self.frameLine(Self.snapshot(), at: 0),
            try Self.frameLine(Self.snapshot(timedOut: Int.min), at: 1),
            try Self.frameLine(Self.snapshot(timedOut: 3), at: 2),
        ]
        reader.feed(Array((lines.joined(separator: "\n") + "\n").utf8))
        let recording = try reader.finish()
        #expect(recording.frames.count == 2)
        #expect(recording.problems.count == 1)
        #expect(recording.problems.first?.contains("forged.ndjson:2: rejected: pools[db].counters.timedOut") == true)
    }

    @Test("a line over the limit is skipped, named, and costs no more than the limit; later lines still read")
    func endlessLine() throws {
        var reader = RecordingReader(path: "long.ndjson")
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 1_048_576)
        for _ in 0...(RecordingReader.maximumLineBytes / chunk.count) { reader.feed(chunk) }
        reader.feed(Array(("\n" + (try Self.frameLine(Self.snapshot(), at: 0)) + "\n").utf8))
        let recording = try reader.finish()
        #expect(recording.frames.count == 1)
        #expect(recording.problems == ["long.ndjson:1: longer than \(RecordingReader.maximumLineBytes) bytes, skipped"])
    }

    @Test("bytes fed in any pieces read the same as the whole file")
    func pieces() throws {
        let text = try (0..<5).map { try Self.frameLine(Self.snapshot(timedOut: $0), at: Double($0)) }
            .joined(separator: "\n")
        var whole = RecordingReader(path: "r")
        whole.feed(Array(text.utf8))
        var pieces = RecordingReader(path: "r")
        for byte in text.utf8 { pieces.feed(CollectionOfOne(byte)) }
        #expect(try whole.finish().frames.map(\.at) == (try pieces.finish().frames.map(\.at)))
    }

    @Test("the writer never makes its caller wait for the disk: a bounded backlog, every frame written or counted")
    func boundedWriter() throws {
        let path = temporaryPath("bounded.ndjson")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try RecordingWriter(
            path: path,
            header: RecordingHeader(engine: "shop", source: "nats://x:1"),
            backlogLimit: 64 * 1_024
        )
        let snapshot = Self.snapshot()
        let json = try snapshot.jsonData()
        for _ in 0..<10_000 { writer.append(snapshotJSON: json, snapshot: snapshot) }
        writer.close()
        let (frames, failures) = writer.written
        #expect(failures == 0)
        #expect(frames + writer.dropped == 10_000, "written \(frames), dropped \(writer.dropped)")
        #expect(try Recording.read(path: path).frames.count == frames)
        writer.append(snapshotJSON: json, snapshot: snapshot)
        #expect(writer.written.failures == 1, "an append after close is a failure, counted at once")
    }
}
