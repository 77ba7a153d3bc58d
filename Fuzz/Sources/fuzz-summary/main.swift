// libFuzzer entry for engine summaries from a broker (issue #17): each line of the input goes through the decoder a
// remote source uses (`RemoteSource.decodeSummary`: size, SummaryReader or JSONDecoder, version, subject tokens,
// `FleetLimits`) and what it accepts through the fleet view (reducer, keys, every size); SummaryReader must agree
// with JSONDecoder on every line it reads. The same lines decoded without the limits are
// drawn too: behind the boundary the fleet view must not trap on anything decodable. Built and run by Fuzz/run.sh.
import Foundation
import FuzzDriver
import FuzzViewer
import MemtopFeed
import MemtopSource
import PatinoxMemory

/// The input's lines, at most 64 (a fleet of them).
func lines(_ bytes: [UInt8]) -> [[UInt8]] {
    Array(bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).prefix(64).map(Array.init))
}

/// A listing of `summary` heard with silences and rates from its own numbers (and so as hostile as they are).
func listing(_ summary: EngineSummary, index: Int) -> EngineListing {
    EngineListing(
        name: summary.engine,
        silentFor: .nanoseconds(Int64(truncatingIfNeeded: summary.takenAt &>> UInt64(index % 40))),
        rate: summary.pools.first?.timeoutsPerSecond ?? Double(index),
        bytes: summary.guardFailures,
        summary: summary
    )
}

runFuzzer { bytes in
    let parts = lines(bytes)
    let choice = fingerprint(bytes)
    // The boundary: a summary arrives on its subject, whose tokens must be the summary's own (a decoded one is
    // checked against its own service and engine; the others against made-up tokens).
    var accepted: [EngineListing] = []
    var decoded: [EngineListing] = []
    for (index, part) in parts.enumerated() {
        let raw = try? JSONDecoder().decode(EngineSummary.self, from: Data(part))
        // The fast reader may give up on anything, but what it reads JSONDecoder must read the same.
        if let fast = EngineSummary.read(part) {
            precondition(raw == fast, "SummaryReader read \(fast), JSONDecoder \(String(describing: raw))")
        }
        let tokens = (raw?.service ?? "fuzz", raw?.engine ?? "e\(index)")
        if case .success(let summary) = RemoteSource.decodeSummary(part, service: tokens.0, engine: tokens.1) {
            accepted.append(listing(summary, index: index))
        }
        if let raw { decoded.append(listing(raw, index: index)) }
    }
    if !accepted.isEmpty { Viewer.exerciseFleet(accepted, choice: choice) }
    // Behind it: anything decodable, and a legacy engine (no summary) beside it.
    guard !decoded.isEmpty else { return }
    let legacy = EngineListing(name: "legacy", silentFor: .seconds(Int64.max), rate: .nan, bytes: .min)
    Viewer.exerciseFleet(decoded + [legacy], choice: choice >> 1)
}
