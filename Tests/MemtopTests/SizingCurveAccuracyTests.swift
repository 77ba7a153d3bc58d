import Foundation
import MemtopTestSupport
import PatinoxMemory
import Testing

@testable import memtop

/// The live sizing curve (issue #19, part 2) against exact replays: each trace goes through a one-shard `Cache`
/// with `sizingCurve` on, as an application's reads would (a miss stores the key), and each point of the curve is
/// compared with `CacheReplay` run on the whole trace at that capacity. The table printed is the one in
/// docs/BENCHMARKS.md ("The live sizing curve").
@Suite("Sizing curve: sampled shadows against exact replays", .timeLimit(.minutes(5)))
struct SizingCurveAccuracyTests {
    static let traces = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/traces").standardized

    /// A Zipf(alpha) trace of `count` requests over `keys` keys, from a fixed seed.
    static func zipf(count: Int, keys: Int, alpha: Double, seed: UInt64) -> [Int] {
        var cumulative: [Double] = []
        cumulative.reserveCapacity(keys)
        var total = 0.0
        for rank in 1...keys {
            total += 1 / pow(Double(rank), alpha)
            cumulative.append(total)
        }
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let target = Double(random.next() >> 11) / Double(1 << 53) * total
            var low = 0
            var high = keys - 1
            while low < high {
                let middle = (low + high) / 2
                if cumulative[middle] < target { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }

    static func trace(_ name: String, format: TraceFormat) throws -> [Int] {
        try CacheTrace.parse(try TraceFile.read(traces.appendingPathComponent(name).path), format: format, file: name)
    }

    @Test("within 2 points of the exact hit ratio at every size, on Zipf traces and the repository's traces")
    func accuracy() async throws {
        try await onThread { try Self.accuracyBody() }
    }

    static func accuracyBody() throws {
        // Debug builds replay slowly: these cases take about a minute in CI. `memtop cache-replay --curve` runs the
        // larger ones of docs/BENCHMARKS.md (OLTP, a million Zipf requests) in a release build.
        let zipf = zipf(count: 300_000, keys: 100_000, alpha: 0.9, seed: 42)
        let cases: [(String, [Int], Int)] = [
            ("zipf 0.9, 100k keys", zipf, 2_000),
            ("zipf 0.9, 100k keys", zipf, 16_000),
            ("multi3", try trace("multi3.trace.gz", format: .lirs), 2_000),
            ("gli", try trace("gli.trace.gz", format: .lirs), 1_000),
        ]
        var table = [
            "| trace | policy | bound | sampled | size | exact % | curve % | gap (pt) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for (label, keys, capacity) in cases {
            for policy in CachePolicy.allCases {
                let comparison = try CacheReplay.sizingComparison(keys, capacity: capacity, policy: policy)
                #expect(comparison.points.count == 5)
                for point in comparison.points {
                    let exact = (point.exact * 100).decimalText(places: 2)
                    let sampled = (point.sampled * 100).decimalText(places: 2)
                    table.append(
                        "| \(label) | \(policy) | \(capacity) | 1/\(comparison.sampleRate) | \(point.capacity) | "
                            + "\(exact) | \(sampled) | \(point.gap.decimalText(places: 2)) |"
                    )
                }
                #expect(
                    comparison.worstGap <= 2,
                    "\(label) @ \(capacity) under \(policy): \(comparison.worstGap) points off"
                )
            }
        }
        print(table.joined(separator: "\n"))
    }
}
