import Foundation
import PatinoxMemory
import Synchronization

/// Zipf-distributed ranks in `0..<count` with exponent `alpha` (0 is uniform), drawn in O(1) by
/// rejection-inversion (W. Hörmann and G. Derflinger, 1996): no table, so a phase can change the skew or
/// a scenario can ask for a hundred million keys without precomputing anything.
public struct ZipfDistribution: Sendable, Hashable {
    public let count: Int
    public let alpha: Double
    private let integralOfFirst: Double
    private let integralOfLast: Double
    private let squeeze: Double

    public init(count: Int, alpha: Double) {
        precondition(count >= 1 && alpha >= 0, "a Zipf distribution needs count >= 1 and alpha >= 0")
        self.count = count
        self.alpha = alpha
        integralOfFirst = Self.integral(1.5, alpha) - 1
        integralOfLast = Self.integral(Double(count) + 0.5, alpha)
        squeeze = 2 - Self.inverseIntegral(Self.integral(2.5, alpha) - Self.density(2, alpha), alpha)
    }

    /// A rank: 0 is the most frequent.
    public func sample(_ unit: Double) -> Int {
        if alpha == 0 { return min(Int(unit * Double(count)), count - 1) }
        var u = unit
        while true {
            let y = integralOfLast + u * (integralOfFirst - integralOfLast)
            let x = Self.inverseIntegral(y, alpha)
            let k = min(max((x + 0.5).rounded(.down), 1), Double(count))
            if k - x <= squeeze || y >= Self.integral(k + 0.5, alpha) - Self.density(k, alpha) {
                return Int(k) - 1
            }
            // Rejected: try again with a fresh uniform derived from the old one (deterministic per input).
            u = (u * 7_919.0 + 0.618_033_988_749_894_9).truncatingRemainder(dividingBy: 1)
        }
    }

    private static func density(_ x: Double, _ alpha: Double) -> Double { exp(-alpha * log(x)) }

    /// ∫ density: (x^(1-α) − 1) / (1 − α), or log x at α = 1 (written to stay accurate near 1).
    private static func integral(_ x: Double, _ alpha: Double) -> Double {
        let logX = log(x)
        return helper2((1 - alpha) * logX) * logX
    }

    private static func inverseIntegral(_ y: Double, _ alpha: Double) -> Double {
        var t = y * (1 - alpha)
        if t < -1 { t = -1 }
        return exp(helper1(t) * y)
    }

    /// log(1 + x) / x, accurate near 0.
    private static func helper1(_ x: Double) -> Double {
        abs(x) > 1e-8 ? log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x))
    }

    /// (exp(x) − 1) / x, accurate near 0.
    private static func helper2(_ x: Double) -> Double {
        abs(x) > 1e-8 ? expm1(x) / x : 1 + x * 0.5 * (1 + x * (1.0 / 3) * (1 + 0.25 * x))
    }
}

/// Log-normal latencies given by their median and 99th percentile (the shape of real query times).
public struct LatencyDistribution: Sendable, Hashable {
    public let median: Duration
    public let p99: Duration
    private let sigma: Double

    public init(median: Duration, p99: Duration) {
        self.median = median
        self.p99 = max(p99, median)
        let ratio = median > .zero ? self.p99 / median : 1
        sigma = log(max(ratio, 1)) / 2.326_347_874  // z of the 99th percentile
    }

    /// A latency from two uniforms in (0, 1) (Box–Muller).
    public func sample(_ u1: Double, _ u2: Double) -> Duration {
        guard median > .zero else { return .zero }
        let z = (-2 * log(max(u1, .leastNonzeroMagnitude))).squareRoot() * cos(2 * .pi * u2)
        return median * exp(sigma * z)
    }
}

/// A random source many tasks share without a lock: each call advances one atomic SplitMix64 state.
final class SharedRandom: Sendable {
    private let state: Atomic<UInt64>

    init(seed: UInt64) { state = Atomic(seed) }

    func next() -> UInt64 {
        SplitMix64.mix(state.wrappingAdd(SplitMix64.increment, ordering: .relaxed).newValue)
    }

    /// A uniform value in `0..<1`.
    func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// `true` with probability `probability`.
    func chance(_ probability: Double) -> Bool { probability > 0 && unit() < probability }
}
