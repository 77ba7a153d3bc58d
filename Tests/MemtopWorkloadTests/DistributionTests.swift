import Foundation
import PatinoxMemory
import Testing

@testable import MemtopWorkload

@Suite("Load distributions")
struct DistributionTests {
    /// Frequencies of the first ranks against the exact Zipf probabilities 1/k^α / H(n, α).
    @Test("Zipf ranks follow 1/k^alpha", arguments: [0.5, 0.9, 1.0, 1.3])
    func zipfMatchesTheory(alpha: Double) {
        let count = 1_000
        let zipf = ZipfDistribution(count: count, alpha: alpha)
        var rng = SplitMix64(seed: 7)
        var histogram = [Int](repeating: 0, count: count)
        let draws = 400_000
        for _ in 0..<draws { histogram[zipf.sample(rng.nextUnit())] += 1 }
        let normaliser = (1...count).reduce(0.0) { $0 + 1 / pow(Double($1), alpha) }
        for rank in [0, 1, 9] {
            let expected = 1 / pow(Double(rank + 1), alpha) / normaliser
            let observed = Double(histogram[rank]) / Double(draws)
            #expect(abs(observed - expected) < 0.1 * expected + 0.001, "rank \(rank): \(observed) vs \(expected)")
        }
    }

    @Test("alpha 0 is uniform and every sample stays in range")
    func uniformAndBounds() {
        let uniform = ZipfDistribution(count: 10, alpha: 0)
        var rng = SplitMix64(seed: 1)
        var histogram = [Int](repeating: 0, count: 10)
        for _ in 0..<100_000 { histogram[uniform.sample(rng.nextUnit())] += 1 }
        #expect(histogram.allSatisfy { abs($0 - 10_000) < 600 })
        let single = ZipfDistribution(count: 1, alpha: 1.5)
        #expect(single.sample(0) == 0 && single.sample(0.999_999) == 0)
        let skewed = ZipfDistribution(count: 100_000_000, alpha: 2.9)
        for unit in stride(from: 0.0, to: 1.0, by: 0.01) { #expect((0..<100_000_000).contains(skewed.sample(unit))) }
    }

    @Test("latencies have the median and 99th percentile they were given")
    func latencyPercentiles() {
        let distribution = LatencyDistribution(median: .milliseconds(4), p99: .milliseconds(20))
        var rng = SplitMix64(seed: 3)
        let samples = (0..<50_000).map { _ in distribution.sample(rng.nextUnit(), rng.nextUnit()) }.sorted()
        let median = samples[samples.count / 2]
        let p99 = samples[samples.count * 99 / 100]
        #expect(median > .microseconds(3_700) && median < .microseconds(4_300), "\(median)")
        #expect(p99 > .milliseconds(17) && p99 < .milliseconds(23), "\(p99)")
        #expect(LatencyDistribution(median: .zero, p99: .zero).sample(0.5, 0.5) == .zero)
        #expect(
            LatencyDistribution(median: .milliseconds(2), p99: .milliseconds(2)).sample(0.1, 0.3) == .milliseconds(2)
        )
    }

    @Test("the shared random source is uniform and honours probabilities")
    func sharedRandom() {
        let random = SharedRandom(seed: 9)
        let hits = (0..<100_000).filter { _ in random.chance(0.25) }.count
        #expect(abs(hits - 25_000) < 1_000)
        #expect(!(0..<1_000).contains { _ in random.chance(0) })
        #expect((0..<1_000).allSatisfy { _ in (0..<1).contains(random.unit()) })
    }
}
