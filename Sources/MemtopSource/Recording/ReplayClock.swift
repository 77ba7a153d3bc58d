/// What the replay keys ask for.
public enum PlaybackCommand: Hashable, Sendable {
    case togglePause
    /// Moves the position by this many recorded seconds (negative: back).
    case seek(by: Double)
    case faster, slower
}

/// Where a replay stands, for the header.
public struct PlaybackStatus: Hashable, Sendable {
    public var position: Double
    public var duration: Double
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
public struct ReplayClock: Hashable, Sendable {
    public static let speeds: [Double] = [0.25, 0.5, 1, 2, 4, 8, 16]
    public let duration: Double
    public private(set) var speed: Double
    public private(set) var paused = false
    private var anchorPosition = 0.0
    private var anchorTime: Double

    /// A clock at position 0, playing at `speed` from wall time `now`.
    public init(duration: Double, speed: Double, now: Double) {
        self.duration = max(0, duration)
        self.speed = speed > 0 ? speed : 1
        anchorTime = now
    }

    /// Recorded seconds from the first frame, clamped to the recording.
    public func position(at now: Double) -> Double {
        guard !paused else { return anchorPosition }
        return min(duration, max(0, anchorPosition + (now - anchorTime) * speed))
    }

    public func status(at now: Double) -> PlaybackStatus {
        PlaybackStatus(position: position(at: now), duration: duration, speed: speed, paused: paused)
    }

    public mutating func apply(_ command: PlaybackCommand, at now: Double) {
        let position = position(at: now)
        switch command {
        case .togglePause:
            // Resuming at the end starts over, as players do.
            anchorPosition = !paused || position < duration ? position : 0
            paused.toggle()
        case .seek(let delta): anchorPosition = min(duration, max(0, position + delta))
        case .faster: speed = Self.speeds.first { $0 > speed } ?? speed
        case .slower: speed = Self.speeds.last { $0 < speed } ?? speed
        }
        anchorTime = now
    }

    /// `2`, `0.5`, `0.25`.
    static func format(_ speed: Double) -> String {
        speed == speed.rounded() ? String(Int(speed)) : String(speed)
    }
}
