import Foundation
import PatinoxMemory

/// Reads a recording incrementally: feed it the file's bytes in any pieces, then ``finish()``. Bounded —
/// a line longer than ``maximumLineBytes`` is skipped (and named in the problems), at most ``maximumFrames``
/// frames are kept — and every frame is checked against ``SnapshotLimits``, so a recording memtop did not
/// write cannot make the replay hold unbounded memory or draw values no engine produces. A pure value, fuzzed
/// in Fuzz/.
public struct RecordingReader {
    /// The longest line read: the largest snapshot a broker can carry (64 MiB) and room for the frame around it.
    public static let maximumLineBytes = 65 * 1_048_576
    /// The most frames kept (about a day at 10 snapshots a second).
    public static let maximumFrames = 1_000_000

    /// The file name problems are reported with.
    public let path: String
    private var partial: [UInt8] = []
    /// The current line is over the limit: its bytes are dropped up to the next newline.
    private var skippingLongLine = false
    private var lineNumber = 0
    private var header: RecordingHeader?
    private var frames: [Recording.Frame] = []
    private var summaries: [Recording.SummaryFrame] = []
    private var problems: [String] = []
    private var framesDropped = 0
    private let decoder = JSONDecoder()

    /// A reader for the recording at `path` (used in messages only).
    public init(path: String) { self.path = path }

    /// Reads the lines completed by `bytes`.
    public mutating func feed(_ bytes: some Collection<UInt8>) {
        var rest = bytes[...]
        while let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
            append(rest[..<newline])
            endLine()
            rest = rest[rest.index(after: newline)...]
        }
        append(rest)
    }

    /// The recording read, or an error naming the file when it holds no frame at all.
    public mutating func finish() throws(PatinoxError) -> Recording {
        if !partial.isEmpty || skippingLongLine { endLine() }
        if framesDropped > 0 {
            problems.append(
                "\(path): \(framesDropped) frame(s) after the first \(Self.maximumFrames) were not read (the limit)"
            )
        }
        guard !frames.isEmpty || !summaries.isEmpty else {
            let why = problems.first.map { " First problem: \($0)" } ?? ""
            throw Recording.recordingError(
                path,
                problems.isEmpty ? nil : 1,
                "no snapshot frame in the file.\(why)",
                hint: "record one with `memtop record nats://HOST:PORT --engine NAME --out FILE.ndjson`."
            )
        }
        return Recording(header: header, frames: frames, summaries: summaries, problems: problems)
    }

    private mutating func append(_ bytes: some Collection<UInt8>) {
        guard !skippingLongLine, !bytes.isEmpty else { return }
        if partial.count + bytes.count > Self.maximumLineBytes {
            skippingLongLine = true
            partial = []
            return
        }
        partial += bytes
    }

    private mutating func endLine() {
        lineNumber += 1
        defer {
            partial.removeAll(keepingCapacity: partial.count <= 1_048_576)
            skippingLongLine = false
        }
        let location = "\(path):\(lineNumber)"
        if skippingLongLine {
            return problems.append("\(location): longer than \(Self.maximumLineBytes) bytes, skipped")
        }
        guard !partial.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) else { return }
        let data = Data(partial)
        if lineNumber == 1, let decoded = try? decoder.decode(RecordingHeader.self, from: data) {
            header = decoded
            return
        }
        guard frames.count + summaries.count < Self.maximumFrames else { return framesDropped += 1 }
        do {
            let frame = try decoder.decode(Recording.Frame.self, from: data)
            guard frame.snapshot.schemaVersion == EngineSnapshot.currentSchemaVersion else {
                return problems.append(
                    "\(location): snapshot schema \(frame.snapshot.schemaVersion), expected "
                        + "\(EngineSnapshot.currentSchemaVersion)"
                )
            }
            if let problem = frame.snapshot.limitProblem() {
                return problems.append("\(location): rejected: \(problem)")
            }
            frames.append(frame)
        } catch {
            if let frame = try? decoder.decode(Recording.SummaryFrame.self, from: data) {
                return summary(frame, at: location)
            }
            problems.append("\(location): not a frame (\(partial.count) bytes): \(Recording.reason(error))")
        }
    }

    /// Keeps a summary frame within the summary version and ``FleetLimits``, or says why not.
    private mutating func summary(_ frame: Recording.SummaryFrame, at location: String) {
        guard frame.summary.summaryVersion == EngineSummary.currentSummaryVersion else {
            return problems.append(
                "\(location): summary version \(frame.summary.summaryVersion), expected "
                    + "\(EngineSummary.currentSummaryVersion)"
            )
        }
        if let problem = frame.summary.limitProblem() { return problems.append("\(location): rejected: \(problem)") }
        summaries.append(frame)
    }
}
