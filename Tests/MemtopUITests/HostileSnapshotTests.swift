import Foundation
import MemtopSource
import PatinoxMemory
import Testing

@testable import MemtopUI

/// A remote source's state after `snapshots`, one second apart (`takenAt` as given).
private func state(after snapshots: [EngineSnapshot], width: Int = 120, height: Int = 40) -> AppState {
    var state = AppState(source: SourceInfo(kind: .remote, detail: "nats://peer:4222"))
    _ = state.reduce(.resize(width: width, height: height))
    for (index, snapshot) in snapshots.enumerated() {
        _ = state.reduce(.snapshot(snapshot, now: .seconds(Int64(index + 1))))
    }
    return state
}

/// steady-2 with its takenAt moved by `seconds`, and its cache's statistics changed by `change`.
private func steady(
    after seconds: UInt64 = 0,
    _ change: (inout CacheStats) -> Void = { _ in }
) throws -> EngineSnapshot {
    var snapshot = try fixture("steady-2")
    snapshot.takenAt += seconds * 1_000_000_000
    change(&snapshot.caches[0].stats)
    return snapshot
}

/// steady-2 with its pool changed by `change`.
private func steadyPool(_ change: (inout PoolStatus) -> Void) throws -> EngineSnapshot {
    var snapshot = try fixture("steady-2")
    change(&snapshot.pools[0])
    return snapshot
}

/// `value` with the string at `name` set to `newName`.
private func renamed<Value>(_ value: Value, _ name: WritableKeyPath<Value, String>, _ newName: String) -> Value {
    var value = value
    value[keyPath: name] = newName
    return value
}

// The viewer draws whatever a peer's snapshot decodes to (docs/FEED.md: the limits are checked at the boundary,
// and behind it the views saturate anyway). Each test is a trap the fuzzers (Fuzz/run.sh) or a code read found.
@Suite("The reducer and the views on snapshots outside every limit")
struct HostileSnapshotTests {
    @Test("cache counters that jump across Int's range give saturated rates and a ratio, not an overflow trap")
    func counterDeltas() throws {
        let before = try steady { $0 = CacheStats() }
        let after = try steady(after: 1) {
            $0.hits = .max
            $0.misses = .max  // hits + misses of the interval overflowed an Int
            $0.evictions = .max
        }
        var rates = try #require(state(after: [before, after]).rates["users"])
        #expect(rates.hitsPerSecond == Double(Int.max) && rates.intervalHitRatio == 0.5)
        let wild = try steady { ($0.hits, $0.misses, $0.evictions) = (.min, .max, .min) }
        let back = try steady(after: 1) { ($0.hits, $0.misses, $0.evictions) = (.max, .min, .max) }
        rates = try #require(state(after: [wild, back]).rates["users"])
        #expect(rates.hitsPerSecond == Double(Int.max) && rates.missesPerSecond == 0)
        #expect(rates.evictionsPerSecond == Double(Int.max) && rates.intervalHitRatio == 1)
    }

    @Test("a counter's increase is 0 when it went down and Int.max when the difference is beyond an Int")
    func increase() {
        #expect(AppState.increase(from: 5, to: 8) == 3 && AppState.increase(from: 8, to: 5) == 0)
        #expect(AppState.increase(from: .min, to: .max) == .max && AppState.increase(from: -1, to: .max) == .max)
        #expect(AppState.increase(from: .max, to: .min) == 0)
    }

    @Test("the activity sort ranks a pool whose leased + waiters overflow an Int first")
    func activitySort() throws {
        var snapshot = try steadyPool {
            $0.leased = .max
            $0.waiters = .max
        }
        var quiet = snapshot.pools[0]
        quiet.name = "quiet"
        quiet.leased = 1
        quiet.waiters = 0
        snapshot.pools.insert(quiet, at: 0)
        var viewer = state(after: [snapshot])
        _ = viewer.press(.character("s"))
        #expect(viewer.sort == .activity && viewer.rows(.pools) == ["db", "quiet"])
    }

    @Test("+ on a pool at Int.max and _ on one at Int.min are refused with a message, not an overflow trap")
    func resizeAtTheEdges() throws {
        var viewer = state(after: [try steadyPool { $0.maximum = .max }])
        #expect(viewer.press(.character("+")).isEmpty)
        #expect(viewer.message?.text.contains("cannot change by 1") == true && viewer.message?.level == .error)
        viewer = state(after: [try steadyPool { $0.minimum = .min }])
        #expect(viewer.press(.character("_")).isEmpty && viewer.message?.text.contains("cannot change by 1") == true)
        viewer = state(after: [try steadyPool { $0.minimum = .max }])
        #expect(viewer.press(.character("]")).isEmpty && viewer.message?.level == .error)
    }

    @Test("a pool's detail labels an Int.max maximum exactly (Int(Double(Int.max)) traps)")
    func detailOfHugePool() throws {
        var viewer = state(after: [try steadyPool { $0.maximum = .max }])
        _ = viewer.press(.enter)
        #expect(viewer.mode == .detail(.pools, name: "db"))
        let text = Screen.render(viewer, glyphs: .unicode).text
        #expect(text.contains("leased connections (of 9223372036854775807)") && text.contains("9223372036854775807"))
    }

    @Test("the pools and guards panels sum failures beyond Int's range without an overflow trap")
    func failureSums() throws {
        var snapshot = try steadyPool {
            $0.counters.createFailures = .max
            $0.counters.validationFailures = .max
        }
        snapshot.guards[0].status.cleaned = .max
        snapshot.guards[0].status.failed = .max
        let lines = Screen.render(state(after: [snapshot]), glyphs: .unicode).lines
        // The failed column shows the saturated sum's first digits (Int.max), the guard half its cleanups.
        #expect(lines.contains { $0.contains(" db ") && $0.contains("922337") }, "\(lines.joined(separator: "\n"))")
        #expect(lines.contains { $0.contains("requests") && $0.contains("50.0%") })
        #expect(Int.max.saturatingAdd(1) == .max && Int.min.saturatingAdd(-1) == .min && 2.saturatingAdd(-3) == -1)
    }

    @Test("Tab, Shift-Tab and s step through every panel and sort order and back to the first")
    func cycles() throws {
        var state = try state("steady")
        var panels: [Panel] = []
        for _ in Panel.allCases {
            _ = state.press(.tab)
            panels.append(state.focus)
        }
        #expect(panels == [.caches, .guards, .mappings, .events, .pools])
        _ = state.press(.backTab)
        #expect(state.focus == .events)
        var sorts: [MemtopUI.SortOrder] = []
        for _ in MemtopUI.SortOrder.allCases {
            _ = state.press(.character("s"))
            sorts.append(state.sort)
        }
        #expect(sorts == [.activity, .health, .name])
        #expect(["a", "b"].after("c", by: 1) == "c" && ["a", "b", "c"].after("a", by: -4) == "c")
    }

    @Test("Canvas.fill and restyle clip any rectangle, however large, negative or far off")
    func canvasClipping() {
        var canvas = Canvas(width: 10, height: 3)
        canvas.fill(x: 8, y: 1, width: -4, height: Int.max, character: "x")
        canvas.fill(x: Int.max, y: Int.min, width: Int.max, height: Int.max, character: "x")
        canvas.restyle(x: 20, y: 1, width: 5, style: CellStyle(.bad))
        canvas.restyle(x: Int.max - 1, y: 0, width: Int.max, style: CellStyle(.bad))
        #expect(canvas.cells.allSatisfy { $0 == .blank })
        canvas.fill(x: -5, y: -5, width: Int.max, height: Int.max, character: "x")
        canvas.restyle(x: -3, y: 2, width: Int.max, style: CellStyle(.bad))
        #expect(canvas.text == "xxxxxxxxxx\nxxxxxxxxxx\nxxxxxxxxxx")
        #expect(canvas.cells.suffix(10).allSatisfy { $0.style == CellStyle(.bad) })
        #expect(Canvas.clip(3, Int.max, to: 10) == 3..<10 && Canvas.clip(-3, 5, to: 10) == 0..<2)
    }

    @Test("the fuzzers' extreme seeds (every count Int.max, Int.min or 2^50) draw every screen")
    func extremeSeeds() throws {
        let folder = testFolder.appendingPathComponent("../../Fuzz/corpus/snapshot").standardized
        for name in ["extremes-max.json", "extremes-min.json", "pair-max-min.ndjson", "limits-edge.json"] {
            let lines = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                .split(separator: "\n")
            let snapshots = try lines.map { try JSONDecoder().decode(EngineSnapshot.self, from: Data($0.utf8)) }
            var viewer = state(after: snapshots)
            for key: Key in [.enter, .escape, .character("s"), .character("s"), .tab, .enter, .character("?")] {
                _ = viewer.press(key)
                for (width, height) in [(120, 40), (80, 24), (70, 20)] {
                    var sized = viewer
                    _ = sized.reduce(.resize(width: width, height: height))
                    let canvas = Screen.render(sized, glyphs: .unicode)
                    #expect(canvas.lines.count == height && canvas.lines[0].contains("memtop"), "\(name)")
                }
            }
        }
    }

    @Test("a peer whose pool, cache and registry names change every snapshot leaves nothing behind")
    func rotatingNamesArePruned() throws {
        let base = try fixture("steady-2")
        let snapshots = (0..<50).map { index in
            var snapshot = base
            snapshot.takenAt += UInt64(index) * 1_000_000_000
            snapshot.pools = (0..<20).map { renamed(base.pools[0], \.name, "p\(index)-\($0)") }
            for position in snapshot.pools.indices {
                snapshot.pools[position].waiters = 1
                snapshot.pools[position].counters.leaks = index  // a rise in every one: a leak warning each
            }
            snapshot.caches = (0..<20).map { renamed(base.caches[0], \.name, "c\(index)-\($0)") }
            snapshot.guards = base.guards.map { renamed($0, \.name, "\($0.name)-\(index)") }
            return snapshot
        }
        var state = state(after: snapshots)
        let last = try #require(snapshots.last)
        let pools = Set(last.pools.map(\.name))
        #expect(Set(state.history.leased.keys) == pools && Set(state.history.waiters.keys) == pools)
        #expect(Set(state.trackers.waitingSince.keys) == pools)
        #expect(state.history.hitRatio.keys.allSatisfy { $0.hasPrefix("c49-") })
        #expect(state.rates.keys.allSatisfy { $0.hasPrefix("c49-") })
        #expect(state.trackers.raisedAt.count <= last.pools.count + last.guards.count, "\(state.trackers.raisedAt)")
        // What stays is still used: a name that comes back one snapshot later still has its series.
        _ = state.reduce(.snapshot(last, now: .seconds(60)))
        #expect(state.history.leased[last.pools[0].name]?.count == 2)
    }

    @Test("sorting 10,000 pools by activity orders them by leased + waiters, ties by name")
    func activitySortOfManyPools() throws {
        var snapshot = try fixture("steady-2")
        snapshot.pools = (0..<10_000).map { index in
            var pool = snapshot.pools[0]
            pool.name = String(format: "pool-%05d", index)
            pool.leased = index % 7
            pool.waiters = index == 42 ? Int.max : 0
            return pool
        }
        var state = state(after: [snapshot])
        state.sort = .activity
        let rows = state.rows(.pools)
        #expect(rows.count == 10_000)
        #expect(rows.prefix(3) == ["pool-00042", "pool-00006", "pool-00013"])
        #expect(rows.last == "pool-09996")
    }
}
