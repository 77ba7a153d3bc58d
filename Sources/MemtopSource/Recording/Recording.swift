import Foundation
import NIOConcurrencyHelpers
import PatinoxMemory

/// A recorded session: engine snapshots (and, for a fleet, engine summaries) with the second they arrived, read
/// from a newline-delimited JSON file (docs/FEED.md, "Recordings"). The first line is a ``RecordingHeader``;
/// each further line is a frame, `{"at": 1.25, "snapshot": {…}}` with `snapshot` in the feed's schema, or a
/// summary, `{"at": 1.25, "summary": {…}}`.
public struct Recording: Sendable {
    /// One engine's summary and when it arrived (a fleet recording: `memtop record --fleet`).
    public struct SummaryFrame: Sendable, Codable {
        public var at: Double
        public var summary: EngineSummary
        public var offset: Duration { .seconds(clamping: at) }
        public init(at: Double, summary: EngineSummary) {
            self.at = at
            self.summary = summary
        }
    }

    /// One snapshot and when it arrived.
    public struct Frame: Sendable, Codable {
        /// Seconds since the recording started, as the file writes them (`"at": 1.25`).
        public var at: Double
        public var snapshot: EngineSnapshot
        /// ``at`` as a duration since the recording started: a negative or non-finite `at` is zero, a huge one
        /// `Duration.longestTracked` (see `Duration.seconds(clamping:)`).
        public var offset: Duration { .seconds(clamping: at) }
        public init(at: Double, snapshot: EngineSnapshot) {
            self.at = at
            self.snapshot = snapshot
        }
    }

    public var header: RecordingHeader?
    /// In arrival order (sorted by `at`).
    public var frames: [Frame]
    /// The fleet's summaries, in arrival order (sorted by `at`); empty unless the fleet was recorded.
    public var summaries: [SummaryFrame]
    /// Lines that were skipped, each as `file:line: why`; the rest of the file still plays.
    public var problems: [String]

    /// When the recording's first frame or summary arrived: where the replay starts.
    public var start: Duration { [frames.first?.offset, summaries.first?.offset].compactMap { $0 }.min() ?? .zero }

    /// How long the recording runs, from its first frame or summary to its last.
    public var duration: Duration {
        ([frames.last?.offset, summaries.last?.offset].compactMap { $0 }.max() ?? .zero) - start
    }

    public init(header: RecordingHeader?, frames: [Frame], summaries: [SummaryFrame] = [], problems: [String] = []) {
        self.header = header
        self.frames = frames.sorted { $0.at < $1.at }
        self.summaries = summaries.sorted { $0.at < $1.at }
        self.problems = problems
    }

    /// The engines heard at `position` (from the start) by their last summary before it, each as silent as it
    /// was then; engines silent for ``FleetTiming/leaveAfter`` are gone, as in a live fleet. Nil for a
    /// recording without summaries.
    public func fleet(at position: Duration) -> [EngineListing]? {
        guard !summaries.isEmpty else { return nil }
        let target = start + position
        // Binary search: the first summary after the target; then back through the last minute before it.
        var low = 0
        var end = summaries.count
        while low < end {
            let middle = (low + end) / 2
            if summaries[middle].offset <= target { low = middle + 1 } else { end = middle }
        }
        var heard: [String: EngineListing] = [:]
        while end > 0 {
            end -= 1
            let frame = summaries[end]
            let silence = target - frame.offset
            guard silence <= FleetTiming.leaveAfter else { break }
            guard heard[frame.summary.engine] == nil else { continue }
            heard[frame.summary.engine] = EngineListing(
                name: frame.summary.engine,
                silentFor: silence,
                rate: 1,
                bytes: 0,
                summary: frame.summary
            )
        }
        return heard.values.sorted { $0.name < $1.name }
    }

    /// Reads `path`, streaming it through a ``RecordingReader``: malformed, oversized or out-of-limits lines are
    /// skipped and listed in ``problems``. A path that is not a regular file (a device such as `/dev/zero`, a
    /// FIFO, a directory) or a file with no frame at all is an error that names the file and what to do.
    public static func read(path: String) throws(PatinoxError) -> Recording {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw recordingError(
                path,
                nil,
                "cannot read the recording",
                hint: "check the path (memtop record writes one)."
            )
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw recordingError(
                path,
                nil,
                "not a regular file (a device, a FIFO or a directory): a recording is a file memtop record wrote",
                hint: "give the path of a .ndjson recording."
            )
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw recordingError(path, nil, "cannot open the recording", hint: "check its permissions.")
        }
        defer { try? handle.close() }
        var reader = RecordingReader(path: path)
        do {
            while let chunk = try handle.read(upToCount: 1_048_576), !chunk.isEmpty { reader.feed(chunk) }
        } catch {
            throw recordingError(path, nil, "reading failed: \(error)", hint: "check the file and the disk.")
        }
        return try reader.finish()
    }

    /// What a decoding error says about the JSON, in a few words: the missing key, the path of the wrong type, "not
    /// JSON", or the decoder's own description of a bad value (an unknown command, fault kind or health).
    package static func reason(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _): "missing '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case .dataCorrupted(let context) where context.codingPath.isEmpty: "not JSON"
        case .dataCorrupted(let context): context.debugDescription
        default: "\(error)"
        }
    }

    /// An error about the recording at `path` (line `line` when known), with what to do.
    public static func recordingError(_ path: String, _ line: Int?, _ message: String, hint: String) -> PatinoxError {
        .invalidInput(.feed, name: path, operation: "replay", line: line, message: message, hint: hint)
    }
}

/// The first line of a recording: what was recorded, from where, when.
public struct RecordingHeader: Sendable, Codable, Hashable {
    /// The format's version (1).
    public var memtopRecording: Int
    public var engine: String
    public var source: String
    /// ISO 8601, UTC.
    public var startedAt: String

    public init(engine: String, source: String, startedAt: Date = Date()) {
        memtopRecording = 1
        self.engine = engine
        self.source = source
        self.startedAt = ISO8601DateFormatter().string(from: startedAt)
    }
}

/// Appends frames to a recording file, one line each, as they arrive; safe to call from any thread. The caller
/// (the NATS event loop) never waits for the disk: lines go into a bounded backlog (`backlogLimit` bytes; the
/// oldest are dropped and counted when the disk cannot keep up) that a serial queue of its own writes out.
/// ``close()`` writes what waits and closes.
public final class RecordingWriter: Sendable {
    /// Bytes of lines that may wait for the disk: 16 MiB.
    public static let defaultBacklogLimit = 16 * 1_048_576

    public let path: String
    private let clock: any MonotonicClock
    private let started: MonotonicInstant
    /// The file, touched only on `queue`.
    private let file: NIOLockedValueBox<FileHandle?>
    private let queue = DispatchQueue(label: "memtop.recording")
    private let state: NIOLockedValueBox<State>

    private struct State {
        var backlog: BoundedFrameQueue
        var frames = 0
        var failures = 0
        /// A drain is scheduled on the queue.
        var draining = false
        var closed = false
    }

    /// Creates (or truncates) `path` and writes the header; frames are timed on `clock` from now.
    public init(
        path: String,
        header: RecordingHeader,
        clock: any MonotonicClock = SystemClock(),
        backlogLimit: Int = RecordingWriter.defaultBacklogLimit
    ) throws(PatinoxError) {
        self.path = path
        self.clock = clock
        started = clock.now()
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw Recording.recordingError(
                path,
                nil,
                "cannot create the recording file",
                hint: "check that the directory exists and is writable."
            )
        }
        file = NIOLockedValueBox(handle)
        state = NIOLockedValueBox(State(backlog: BoundedFrameQueue(limit: backlogLimit)))
        var line = (try? StreamingJSONEncoder().encode(header)) ?? []
        line.append(UInt8(ascii: "\n"))
        if (try? handle.write(contentsOf: line)) == nil { state.withLockedValue { $0.failures += 1 } }
    }

    /// Frames written so far and writes that failed (disk full, file closed); final once ``close()`` has
    /// returned. Frames the backlog dropped are ``dropped``.
    public var written: (frames: Int, failures: Int) { state.withLockedValue { ($0.frames, $0.failures) } }

    /// Frames dropped because the backlog was full.
    public var dropped: Int { state.withLockedValue { $0.backlog.dropped } }

    /// Appends a snapshot that arrived now. `json` is the snapshot as received (one JSON object); it is
    /// re-encoded only if it spans lines. Returns at once: the line is written on the writer's own queue.
    public func append(snapshotJSON json: some Collection<UInt8>, snapshot: EngineSnapshot) {
        append(key: "snapshot", json: json) { try StreamingJSONEncoder().encode(snapshot) }
    }

    /// Appends a summary that arrived now (`json` as received), as ``append(snapshotJSON:snapshot:)`` does.
    public func append(summaryJSON json: some Collection<UInt8>, summary: EngineSummary) {
        append(key: "summary", json: json) { try StreamingJSONEncoder().encode(summary) }
    }

    private func append(key: String, json: some Collection<UInt8>, encode: () throws -> [UInt8]) {
        let at = (clock.now() - started).inSeconds
        var line = Array("{\"at\":\(String(format: "%.3f", at)),\"\(key)\":".utf8)
        if json.contains(UInt8(ascii: "\n")) {
            line += (try? encode()) ?? []
        } else {
            line += json
        }
        line += Array("}\n".utf8)
        let schedule = state.withLockedValue { state -> Bool in
            guard !state.closed else {
                state.failures += 1
                return false
            }
            state.backlog.append(line)
            defer { state.draining = true }
            return !state.draining
        }
        if schedule { queue.async { self.drain() } }
    }

    /// Writes what waits, then closes the file; later appends count as failures.
    public func close() {
        state.withLockedValue { $0.closed = true }
        queue.sync {
            drain()
            file.withLockedValue { handle in
                try? handle?.close()
                handle = nil
            }
        }
    }

    /// On `queue`: writes the backlog until it is empty.
    private func drain() {
        while true {
            let lines = state.withLockedValue { state -> [[UInt8]] in
                let lines = state.backlog.takeFrames()
                if lines.isEmpty { state.draining = false }
                return lines
            }
            guard !lines.isEmpty else { return }
            for line in lines {
                let ok = file.withLockedValue { handle in
                    guard let handle else { return false }
                    return (try? handle.write(contentsOf: line)) != nil
                }
                state.withLockedValue { if ok { $0.frames += 1 } else { $0.failures += 1 } }
            }
        }
    }
}
