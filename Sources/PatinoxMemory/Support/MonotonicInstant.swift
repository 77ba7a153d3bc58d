/// A point on a monotonic clock, in nanoseconds from an arbitrary origin.
///
/// State machines take instants as plain values so tests can drive them with any time they like;
/// only the edges read a real clock (``SystemClock``) or a test clock (``ManualClock``).
public struct MonotonicInstant: InstantProtocol, CustomStringConvertible {
    /// Nanoseconds since the clock's origin.
    public var nanoseconds: UInt64

    /// An instant `nanoseconds` after the clock's origin.
    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    /// The origin of a clock.
    public static let zero = MonotonicInstant(nanoseconds: 0)
    /// A time that never comes.
    public static let distantFuture = MonotonicInstant(nanoseconds: .max)

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// The instant `duration` later, saturating at ``distantFuture``.
    public static func + (lhs: Self, rhs: Duration) -> Self {
        let delta = rhs.nanosecondsClamped
        let (sum, overflow) = lhs.nanoseconds.addingReportingOverflow(delta)
        return overflow ? .distantFuture : Self(nanoseconds: sum)
    }

    /// The time from `rhs` to `lhs`, zero when `rhs` is later.
    public static func - (lhs: Self, rhs: Self) -> Duration {
        lhs.nanoseconds > rhs.nanoseconds ? .nanoseconds(Int64(clamping: lhs.nanoseconds - rhs.nanoseconds)) : .zero
    }

    public var description: String { "t+\(Duration.nanoseconds(Int64(clamping: nanoseconds)).humanReadable)" }

    /// The instant `duration` later (earlier when negative), saturating at ``zero`` and ``distantFuture``.
    public func advanced(by duration: Duration) -> MonotonicInstant {
        guard duration < .zero else { return self + duration }
        let back = (Duration.zero - duration).nanosecondsClamped
        return MonotonicInstant(nanoseconds: nanoseconds > back ? nanoseconds - back : 0)
    }

    /// The signed time from `self` to `other`.
    public func duration(to other: MonotonicInstant) -> Duration {
        other >= self ? other - self : Duration.zero - (self - other)
    }
}

extension Duration {
    /// The longest time memtop's clocks deal in: `Int64.max` nanoseconds, about 292 years (what a
    /// ``MonotonicInstant`` can hold).
    public static let longestTracked = Duration.nanoseconds(Int64.max)

    /// `seconds` as a duration, for numbers read from outside (a recording's `at`, a config value) or worked out
    /// from them, where `Duration.seconds(_:)` would trap: NaN, infinite and negative values are zero, values
    /// beyond ``longestTracked`` are that. Rounded to the nanosecond.
    public static func seconds(clamping seconds: Double) -> Duration {
        guard seconds.isFinite, seconds > 0 else { return .zero }
        let nanoseconds = (seconds * 1e9).rounded()  // infinite for the largest finite values: clamped below
        // 2⁶³ is Int64.max + 1: every Double below it converts to an Int64.
        return nanoseconds < 0x1p63 ? .nanoseconds(Int64(nanoseconds)) : .longestTracked
    }
}

extension Duration {
    /// The duration in seconds, as a `Double` (for rates, gauges and display).
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }

    /// The duration in whole nanoseconds, 0 for negative durations, saturating at `UInt64.max`.
    public var nanosecondsClamped: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        let (sum, overflow2) = whole.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
        return overflow2 ? .max : sum
    }

    /// `self` multiplied by a floating-point factor (used for backoff and jitter).
    func scaled(by factor: Double) -> Duration {
        .nanoseconds(Int64(clamping: UInt64(min(Double(nanosecondsClamped) * max(factor, 0), 9.0e18))))
    }
}
