/// A small, fast, seedable random number generator (SplitMix64), so jitter is reproducible in tests.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from a seed; the same seed gives the same sequence.
    public init(seed: UInt64) { state = seed }

    /// The step added to the state for each value.
    public static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    public mutating func next() -> UInt64 {
        state &+= Self.increment
        return Self.mix(state)
    }

    /// SplitMix64's output function: a well-mixed 64-bit value from a state.
    @inlinable
    public static func mix(_ state: UInt64) -> UInt64 {
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniformly distributed value in `0..<1`.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}
