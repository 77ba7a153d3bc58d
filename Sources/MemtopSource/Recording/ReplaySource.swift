import NIOConcurrencyHelpers
import PatinoxMemory

/// A recording played back: the frame at the replay clock's position, with pause, seek and speed. Commands
/// are refused: a recording cannot be steered.
public final class ReplaySource: TelemetrySource {
    public let info: SourceInfo
    let recording: Recording
    private let replay: NIOLockedValueBox<ReplayClock>
    /// The wall time elapsed since the replay started.
    private let now: @Sendable () -> Duration

    /// - Parameter clock: the wall time the replay plays in (a ``ManualClock`` in tests).
    public init(recording: Recording, name: String, speed: Double = 1, clock: any MonotonicClock = SystemClock()) {
        let start = clock.now()
        let now: @Sendable () -> Duration = { clock.now() - start }
        self.recording = recording
        self.now = now
        info = SourceInfo(kind: .replay, detail: name)
        replay = NIOLockedValueBox(ReplayClock(duration: recording.duration, speed: speed, now: now()))
    }

    /// The last frame recorded at or before the position.
    public func latest() -> EngineSnapshot? {
        let frames = recording.frames
        guard !frames.isEmpty else { return nil }
        let target = recording.start + replay.withLockedValue { $0.position(at: now()) }
        // Binary search: the first frame after the target, then one back.
        var low = 0
        var high = frames.count
        while low < high {
            let middle = (low + high) / 2
            if frames[middle].offset <= target { low = middle + 1 } else { high = middle }
        }
        return frames[max(0, low - 1)].snapshot
    }

    /// A fleet recording's engines as they were heard at the position (nil without summaries).
    public func engines() -> [EngineListing]? {
        guard !recording.summaries.isEmpty else { return nil }
        return recording.fleet(at: replay.withLockedValue { $0.position(at: now()) })
    }

    public func send(_ command: ControlCommand, reply: @escaping @Sendable (Result<String, PatinoxError>) -> Void) {
        let refusal = PatinoxError.invalidInput(
            .feed,
            name: info.detail,
            operation: "control",
            message: "a recording cannot be steered",
            hint: "attach to the live engine (memtop attach) to send commands."
        )
        reply(.failure(refusal))
    }

    public func status() -> String? {
        let problems = recording.problems
        guard let first = problems.first else { return nil }
        return "\(problems.count) line(s) of the recording skipped, first: \(first)"
    }

    public func playback(_ command: PlaybackCommand) -> PlaybackStatus? {
        let now = now()
        return replay.withLockedValue {
            $0.apply(command, at: now)
            return $0.status(at: now)
        }
    }

    public func playbackStatus() -> PlaybackStatus? {
        let now = now()
        return replay.withLockedValue { $0.status(at: now) }
    }
}
