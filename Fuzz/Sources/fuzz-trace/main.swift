// libFuzzer entry for cache traces (issue #15): any bytes are parsed as a LIRS trace and as an ARC trace — keys,
// or an error naming the line, never a trap, and never more keys than the limit however large a line's count —
// and the first keys either gives are replayed through every policy at a capacity taken from the input. Built and
// run by Fuzz/run.sh.
import FuzzDriver
import PatinoxMemory

/// Far below `CacheTrace.maximumKeys`, so that an input costs microseconds; the limit is the same code.
let keyLimit = 1 << 16
/// Keys replayed per policy and input.
let replayed = 512

runFuzzer { bytes in
    let seed = bytes.last ?? 0
    let capacities = [1, 2, 3, 7, 64, 1_000, 1 << 40, Int.max]
    let adaptations: [WindowAdaptation] = [.shadowSimulation, .hillClimbing, .fixed(0.01), .fixed(0.5), .fixed(0.99)]
    for format in TraceFormat.allCases {
        let keys: [Int]
        do throws(PatinoxError) {
            keys = try CacheTrace.parse(bytes, format: format, file: "fuzz.trace", maximumKeys: keyLimit)
        } catch {
            precondition(error.code == .invalidInput, "a trace error that is not invalid input: \(error)")
            continue
        }
        precondition(keys.count <= keyLimit, "\(keys.count) keys, over the limit of \(keyLimit)")
        guard !keys.isEmpty else { continue }
        let sample = Array(keys.prefix(replayed))
        for policy in CachePolicy.allCases {
            var capacity = capacities[Int(seed) % capacities.count]
            // W-TinyLFU sizes its frequency sketch for the capacity (up to 512 MiB, once): kept small here.
            if policy == .wTinyLFU { capacity = min(capacity, 5_000) }
            let result = CacheReplay.run(
                sample,
                capacity: capacity,
                policy: policy,
                adaptation: adaptations[Int(seed >> 3) % adaptations.count],
                seed: UInt64(seed)
            )
            precondition(result.requests == sample.count && (0...sample.count).contains(result.hits), "\(result)")
            _ = result.json
        }
    }
}
