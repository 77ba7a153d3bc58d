// libFuzzer entry for snapshots from a broker (issue #15): any bytes go through the decoder a remote source uses
// (`RemoteSource.decodeSnapshot`: JSON, schema, `SnapshotLimits`) and, when accepted, through the reducer and
// every screen. The same bytes decoded without the limits are drawn too: behind the boundary the views must
// not trap on anything decodable. An input is one snapshot, or two on their own lines (the earlier one first:
// rates and warnings come from the difference). Built and run by Fuzz/run.sh.
import Foundation
import FuzzDriver
import FuzzViewer
import MemtopFeed
import MemtopSource
import PatinoxMemory

/// The snapshots in `bytes` and what JSONDecoder makes of each: the whole input as one, else its first line
/// and the rest as two (those that decode).
func documents(_ bytes: [UInt8]) -> (parts: [[UInt8]], decoded: [EngineSnapshot]) {
    if let whole = decode(bytes) { return ([bytes], [whole]) }
    guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return ([bytes], []) }
    let parts = [Array(bytes[..<newline]), Array(bytes[(newline + 1)...])]
    return (parts, parts.compactMap(decode))
}

func decode(_ bytes: [UInt8]) -> EngineSnapshot? { try? JSONDecoder().decode(EngineSnapshot.self, from: Data(bytes)) }

/// `snapshot` with every counter, size and time replaced by its bitwise complement (0 becomes -1, `Int.max`
/// becomes `Int.min`): the worst previous snapshot for the reducer's differences.
func complemented(_ snapshot: EngineSnapshot) -> EngineSnapshot {
    var result = snapshot
    result.takenAt = ~snapshot.takenAt
    for index in result.pools.indices {
        result.pools[index].leased = ~result.pools[index].leased
        result.pools[index].waiters = ~result.pools[index].waiters
        result.pools[index].maximum = ~result.pools[index].maximum
        result.pools[index].counters.leaks = ~result.pools[index].counters.leaks
        result.pools[index].counters.timedOut = ~result.pools[index].counters.timedOut
    }
    for index in result.caches.indices {
        var stats = result.caches[index].stats
        (stats.hits, stats.misses, stats.evictions) = (~stats.hits, ~stats.misses, ~stats.evictions)
        result.caches[index].stats = stats
    }
    for index in result.guards.indices { result.guards[index].status.failed = ~result.guards[index].status.failed }
    for index in result.events.indices { result.events[index].at = ~result.events[index].at }
    return result
}

/// What the picker lists and the header shows for a replay, taken from the snapshot's own numbers (and so as
/// hostile as they are).
func listings(_ snapshot: EngineSnapshot) -> [EngineListing] {
    [
        EngineListing(
            name: snapshot.engine,
            silentFor: .nanoseconds(Int64(truncatingIfNeeded: snapshot.takenAt)),
            rate: snapshot.caches.first?.windowFraction ?? Double(bitPattern: snapshot.takenAt),
            bytes: snapshot.pools.first?.total ?? Int.min
        ),
        EngineListing(name: "other", silentFor: .seconds(Int64.max), rate: .nan, bytes: Int.max),
    ]
}

/// A replay's position over `snapshot`'s numbers: a clock as long as its first event's time, at its own speed.
func playback(_ snapshot: EngineSnapshot) -> PlaybackStatus {
    var clock = ReplayClock(
        duration: .nanoseconds(Int64(truncatingIfNeeded: snapshot.events.first?.at ?? .max)),
        speed: Double(bitPattern: snapshot.takenAt),
        now: .zero
    )
    if snapshot.takenAt & 1 == 0 { clock.apply(.togglePause, at: .seconds(1)) }
    return clock.status(at: .nanoseconds(Int64(truncatingIfNeeded: snapshot.takenAt)))
}

runFuzzer { bytes in
    let (parts, decoded) = documents(bytes)
    let choice = fingerprint(bytes)
    // The boundary: only what decodeSnapshot accepts reaches a remote source's viewer.
    let accepted = parts.compactMap { try? RemoteSource.decodeSnapshot($0).get() }
    if accepted.count == parts.count, let last = accepted.last {
        var later = last
        later.takenAt = last.takenAt &+ 1_000_000_000
        Viewer.exercise(accepted.count == 2 ? accepted : [last, later], engines: listings(last), choice: choice)
    }
    // Behind it: anything decodable, with its complement before and after it, live and as a replay.
    guard let last = decoded.last else { return }
    if choice & 1 == 0 {
        Viewer.exercise(decoded + [complemented(last), last], engines: listings(last), choice: choice >> 1)
    } else {
        Viewer.exercise(
            [last, complemented(last)],
            source: SourceInfo(kind: .replay, detail: "fuzz.ndjson"),
            playback: playback(last),
            choice: choice >> 1
        )
    }
}
