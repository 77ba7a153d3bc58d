import PatinoxMemory

/// What the replay keys ask for.
public enum PlaybackCommand: Hashable, Sendable {
    case togglePause
    /// Moves the position by this much recorded time (negative: back).
    case seek(by: Duration)
    case faster, slower
}

/// Where a replay stands, for the header.
public struct PlaybackStatus: Hashable, Sendable {
    /// Recorded time from the first frame.
    public var position: Duration
    /// Recorded time from the first frame to the last.
    public var duration: Duration
    /// Recorded time played per unit of wall time (a ratio: 2 plays twice as fast).
    public var speed: Double
    public var paused: Bool

    public var ended: Bool { position >= duration }

    /// `PAUSED`, `END` or `PLAY ×2`.
    public var badge: String {
        paused ? "PAUSED" : ended ? "END" : "PLAY ×\(ReplayClock.format(speed))"
    }
}

/// The replay's position in recorded time as a pure function of wall time: pause, seek and speed change
/// re-anchor it. Time is passed in, so it is tested without waiting.
///
/// Wall time (`now`) is the time elapsed on the injected clock since the replay started.
public struct ReplayClock: Hashable, Sendable {
    public static let speeds: [Double] = [0.25, 0.5, 1, 2, 4, 8, 16]
    /// Recorded time from the first frame to the last.
    public let duration: Duration
    public private(set) var speed: Double
    public private(set) var paused = false
    /// The position at ``anchorTime``.
    private var anchorPosition = Duration.zero
    /// The wall time of the last re-anchoring.
    private var anchorTime: Duration

    /// A clock at position 0, playing at `speed` from wall time `now`.
    public init(duration: Duration, speed: Double, now: Duration) {
        self.duration = max(.zero, duration)
        self.speed = speed > 0 ? speed : 1
        anchorTime = now
    }

    /// Recorded time from the first frame, clamped to the recording.
    public func position(at now: Duration) -> Duration {
        guard !paused else { return anchorPosition }
        return clamped(anchorPosition, advancedBy: (now - anchorTime).scaledSaturating(by: speed))
    }

    /// The status at wall time `now`.
    public func status(at now: Duration) -> PlaybackStatus {
        PlaybackStatus(position: position(at: now), duration: duration, speed: speed, paused: paused)
    }

    /// Applies `command` at wall time `now` (and re-anchors there).
    public mutating func apply(_ command: PlaybackCommand, at now: Duration) {
        let position = position(at: now)
        switch command {
        case .togglePause:
            // Resuming at the end starts over, as players do.
            anchorPosition = !paused || position < duration ? position : .zero
            paused.toggle()
        case .seek(let delta): anchorPosition = clamped(position, advancedBy: delta)
        case .faster: speed = Self.speeds.first { $0 > speed } ?? speed
        case .slower: speed = Self.speeds.last { $0 < speed } ?? speed
        }
        anchorTime = now
    }

    /// `position + delta` within `0...duration`, without overflowing for any `delta`.
    private func clamped(_ position: Duration, advancedBy delta: Duration) -> Duration {
        // `position` is within the recording: a delta clamped to ±duration keeps the sum in range.
        let delta = min(duration, max(.zero - duration, delta))
        return min(duration, max(.zero, position + delta))
    }

    /// `2`, `0.5`, `0.25`.
    static func format(_ speed: Double) -> String {
        // Int(speed) traps beyond Int's range: such a speed prints as a Double.
        speed == speed.rounded() && speed.magnitude < 1e15 ? String(Int(speed)) : String(speed)
    }
}

extension Duration {
    /// `self * factor` (as `Duration * Double`), saturating at ±``longestTracked`` instead of trapping when
    /// the product is out of range; zero when it is not a number (an infinite factor times zero).
    public func scaledSaturating(by factor: Double) -> Duration {
        let seconds = inSeconds * factor
        guard !seconds.isNaN else { return .zero }
        let limit = Duration.longestTracked.inSeconds
        if seconds >= limit { return .longestTracked }
        if seconds <= -limit { return .zero - .longestTracked }
        return self * factor
    }
}
