import Foundation
import MemtopTestSupport
import PatinoxMemory
import Testing

@testable import MemtopUI

@Suite("Screens rendered as text (golden files)")
struct ScreenTests {
    @Test("the main screen at 120×40 shows every panel with its numbers")
    func main120x40() throws {
        let state = try state("steady")
        let canvas = Screen.render(state, glyphs: .unicode)
        let (same, diff) = try matchesGolden(canvas, "main-120x40")
        #expect(same, "\(diff)")
        let text = canvas.text
        for panel in ["Pools (1)", "Caches (1)", "Guards", "Mapped files", "Events", "engine steady", "LIVE"] {
            #expect(text.contains(panel), "missing \(panel)")
        }
        let pool = try fixture("steady-2").pools[0]
        #expect(text.contains("\(pool.leased)/\(pool.idle)/\(pool.maximum)"))
        #expect(text.contains("memfd:steady-data"))
    }

    @Test("below 80×24 the layout is compact: no boxes, one line per component")
    func compact() throws {
        let state = try state("flaky", width: 70, height: 20)
        #expect(state.isCompact)
        let canvas = Screen.render(state, glyphs: .unicode)
        let (same, diff) = try matchesGolden(canvas, "compact-70x20")
        #expect(same, "\(diff)")
        #expect(canvas.text.contains("POOLS") && !canvas.text.contains("┌"))
    }

    @Test("at exactly 80×24 the full layout fits, dropping the least important columns")
    func full80x24() throws {
        let state = try state("flaky", width: 80, height: 24)
        #expect(!state.isCompact)
        let canvas = Screen.render(state, glyphs: .unicode)
        let (same, diff) = try matchesGolden(canvas, "main-80x24")
        #expect(same, "\(diff)")
        #expect(canvas.lines.allSatisfy { $0.count <= 80 })
        #expect(canvas.text.contains("inventory-db") && !canvas.lines[3].contains("replaced"))
        #expect(canvas.lines[0].contains("DEGRADED") && canvas.lines[0].contains("LIVE"))
    }

    @Test(
        "a folded event shows how many it stands for (full, compact, ASCII); one newer than its snapshot is 0 s old"
    )
    func foldedEvents() throws {
        var snapshot = try fixture("flaky-2")
        snapshot.events.append(
            EngineEvent(
                at: snapshot.takenAt + 3_000,  // folded into while the snapshot was being taken
                component: "cache/stock",
                kind: "load-failed",
                message: "load failed after 13 µs",
                count: 287
            )
        )
        for (width, height) in [(120, 40), (70, 20)] {
            var state = try state("flaky", width: width, height: height)
            _ = state.reduce(.snapshot(snapshot, now: .seconds(84)))
            let text = Screen.render(state, glyphs: .unicode).text
            #expect(text.contains("×287 load failed after 13 µs"))
            #expect(
                !state.isCompact ? text.contains("      now cache/stock") : text.contains("cache/stock load-failed")
            )
            #expect(Screen.render(state, glyphs: .ascii).text.contains("x287 load failed after 13 us"))
        }
    }

    @Test("help, fault menu, confirmation and detail view")
    func overlays() throws {
        var state = try state("steady")
        _ = state.press(.character("?"))
        #expect(Screen.render(state, glyphs: .unicode).text.contains("memtop help"))
        _ = state.press(.character("x"))  // any key closes the help
        _ = state.press(.character("f"))
        let menu = Screen.render(state, glyphs: .unicode)
        #expect(menu.text.contains("Inject a fault") && menu.text.contains("▶ fail-health-checks"))
        _ = state.press(.down, .right, .enter)
        let confirm = Screen.render(state, glyphs: .unicode).text
        #expect(confirm.contains("Inject fail-creates into 'db' for 30 s?"))
        _ = state.press(.escape, .enter)
        let detail = Screen.render(state, glyphs: .unicode)
        let (same, diff) = try matchesGolden(detail, "detail-pool-120x40")
        #expect(same, "\(diff)")
    }

    @Test("the lease inspector: the pools table's oldest lease, the detail's list oldest first, leaks flagged")
    func leaseInspector() throws {
        var state = try state("steady")
        var snapshot = try fixture("steady-2")
        var report = LeaseReport()
        report.leakThreshold = .seconds(30)
        report.oldest = [
            LeaseInfo(
                connection: "#4.17",
                age: .seconds(95),
                file: "Shop/OrderService.swift",
                line: 88,
                task: "checkout 12",
                overThreshold: true
            ),
            LeaseInfo(connection: "#0.903", age: .seconds(2), file: "Shop/Search.swift", line: 31, retiring: true),
            LeaseInfo(connection: "#2.44", age: .milliseconds(300), file: "", line: 0),
        ]
        report.ageCounts = [1, 1, 0, 1, 0]
        report.overThreshold = 1
        report.overThresholdSites = [LeaseSiteCount(file: "Shop/OrderService.swift", line: 88, count: 1)]
        snapshot.pools[0].leased = 3
        snapshot.pools[0].leases = report
        _ = state.reduce(.snapshot(snapshot, now: .seconds(84)))
        let main = Screen.render(state, glyphs: .unicode).text
        #expect(main.contains("oldest") && main.contains("1m35s"), "\(main)")
        #expect(main.contains("leak: 1 lease > 30s at OrderService.swift:88"), "\(main)")
        _ = state.press(.enter)
        let detail = Screen.render(state, glyphs: .unicode)
        let (same, diff) = try matchesGolden(detail, "detail-leases-120x40")
        #expect(same, "\(diff)")
        let text = detail.text
        #expect(text.contains("leases: 3 held, oldest first · ages <1s 1, <10s 1, <10m 1"), "\(text)")
        #expect(text.contains("1 over the 30s leak threshold, 1 at OrderService.swift:88"))
        let rows = detail.lines.filter { $0.contains("#4.17") || $0.contains("#0.903") || $0.contains("#2.44") }
        #expect(rows.count == 3)
        #expect(rows[0].contains("1m35s") && rows[0].contains("Shop/OrderService.swift:88"))
        #expect(rows[0].contains("checkout 12") && rows[0].contains("over leak threshold"))
        #expect(rows[1].contains("closes on return") && rows[1].contains("—"))
        #expect(rows[2].contains("<1s") && rows[2].contains(" ? "))
        _ = state.reduce(.resize(width: 80, height: 24))
        let narrow = Screen.render(state, glyphs: .unicode)
        let (sameNarrow, diffNarrow) = try matchesGolden(narrow, "detail-leases-80x24")
        #expect(sameNarrow, "\(diffNarrow)")
        #expect(narrow.lines.allSatisfy { $0.count <= 80 })
        #expect(narrow.text.contains("#4.17") && narrow.text.contains("…op/OrderService.swift:88"))
        #expect(narrow.text.contains("1 over the 30s leak threshold, 1 at OrderService.swift:88"), "wraps, not cut")
    }

    @Test("the cache detail draws the sizing curve as bars and in words; + offers the 2× size to confirm")
    func sizingCurve() throws {
        var state = try state("steady")
        var snapshot = try fixture("steady-2")
        snapshot.caches[0].sizing = SizingCurve(
            points: [
                SizingPoint(capacity: 500, hitRatio: 0.312), SizingPoint(capacity: 1_000, hitRatio: 0.401),
                SizingPoint(capacity: 2_000, hitRatio: 0.485), SizingPoint(capacity: 4_000, hitRatio: 0.573),
                SizingPoint(capacity: 8_000, hitRatio: 0.64),
            ],
            policies: [PolicyPoint(policy: .sieve, hitRatio: 0.497), PolicyPoint(policy: .wTinyLFU, hitRatio: 0.545)],
            sampledReads: 123_456,
            sampleRate: 1
        )
        _ = state.reduce(.snapshot(snapshot, now: .seconds(84)))
        _ = state.press(.tab, .enter)
        let detail = Screen.render(state, glyphs: .unicode)
        let (same, diff) = try matchesGolden(detail, "detail-cache-120x40")
        #expect(same, "\(diff)")
        let text = detail.text
        #expect(text.contains("2× the size → +8.8 pt, ½ → −8.4 pt"), "\(text)")
        #expect(text.contains("sieve would do +1.2 pt, wtinylfu +6.0 pt here"))
        #expect(text.contains("sampled 1 key in 1, 123.5k reads") && !text.contains("warming up"))
        #expect(detail.lines.contains { $0.contains("4×") && $0.contains("8000") && $0.contains("64.0%") })
        _ = state.press(.character("+"))
        let confirm = Screen.render(state, glyphs: .unicode).text
        #expect(confirm.contains("Resize cache 'users' to 4000 entries (predicted hit ratio 57.3%, +8.8 pt)?"))
        #expect(state.press(.character("y")) == [.send(.resizeCache(cache: "users", maximumCount: 4_000))])
        _ = state.press(.enter)  // back to the detail…
        _ = state.press(.character("-"))
        #expect(Screen.render(state, glyphs: .unicode).text.contains("to 1000 entries"))
        _ = state.press(.escape, .enter)  // cancelled; the detail again
        _ = state.reduce(.resize(width: 80, height: 24))
        let narrow = Screen.render(state, glyphs: .unicode)
        let (sameNarrow, diffNarrow) = try matchesGolden(narrow, "detail-cache-80x24")
        #expect(sameNarrow, "\(diffNarrow)")
        #expect(narrow.lines.allSatisfy { $0.count <= 80 })
    }

    @Test(
        "the pool detail sizes the pool: Erlang C from the last samples, the observed share, and when it does not fit"
    )
    func poolSizing() throws {
        var state = try state("steady")
        var snapshot = try fixture("steady-2")
        // 30 s at 300 acquires/s with 2.7 leased on average and 1.6 % waiting, one sample a second.
        for second in 0...30 {
            snapshot.takenAt = 9_000_000_000_000 + UInt64(second) * 1_000_000_000
            snapshot.pools[0].maximum = 6
            snapshot.pools[0].counters.acquired = 10_000 + second * 300
            snapshot.pools[0].counters.waited = 100 + second * 5
            snapshot.pools[0].leased = second % 2 == 0 ? 2 : 3
            _ = state.reduce(.snapshot(snapshot, now: .seconds(84 + second)))
        }
        _ = state.press(.enter)
        let text = Screen.render(state, glyphs: .unicode).text
        #expect(text.contains("sizing (Erlang C, last 30 s: 300 acquires/s"), "\(text)")
        #expect(text.contains("6 (now) → "), "\(text)")
        #expect(text.contains("observed at 6: 1.7% waited"), "\(text)")
        #expect(!text.contains("does not fit"))
        // Ten times the waiting the model expects: it says so.
        for second in 31...62 {
            snapshot.takenAt = 9_000_000_000_000 + UInt64(second) * 1_000_000_000
            snapshot.pools[0].counters.acquired = 10_000 + second * 300
            snapshot.pools[0].counters.waited = 100 + 30 * 5 + (second - 30) * 150
            _ = state.reduce(.snapshot(snapshot, now: .seconds(84 + second)))
        }
        #expect(Screen.render(state, glyphs: .unicode).text.contains("the model does not fit here"))
    }

    @Test("a cache without a sizing curve says how to turn it on, and + explains instead of resizing")
    func noSizingCurve() throws {
        var state = try state("steady")
        _ = state.press(.tab, .enter)
        #expect(Screen.render(state, glyphs: .unicode).text.contains("sizing: no curve kept"))
        #expect(state.press(.character("+")).isEmpty)
        #expect(state.message?.text.contains("keeps no sizing curve") == true)
    }

    @Test("a one-shot fault (kill-connections) has no duration in the menu and asks to act now, once")
    func oneShotFault() throws {
        var state = try state("steady")
        _ = state.press(.character("f"), .down, .down, .down, .down)
        let menu = Screen.render(state, glyphs: .unicode).text
        #expect(menu.contains("▶ kill-connections") && menu.contains("Duration: once, at once"), "\(menu)")
        _ = state.press(.enter)
        let confirm = Screen.render(state, glyphs: .unicode).text
        #expect(confirm.contains("Inject kill-connections into 'db' now (once)?") && !confirm.contains(" s?"))
    }

    @Test("--ascii (or a non-UTF-8 locale) draws only ASCII")
    func asciiOnly() throws {
        var state = try state("flaky")
        _ = state.press(.character("f"))
        let canvas = Screen.render(state, glyphs: .ascii)
        #expect(canvas.cells.allSatisfy { $0.character.isASCII })
        #expect(canvas.text.contains("+-") && canvas.text.contains("> fail-health-checks"))
        #expect(Glyphs.forEnvironment(["LANG": "C"]) == .ascii)
        #expect(Glyphs.forEnvironment(["LANG": "en_US.UTF-8"]) == .unicode)
        #expect(Glyphs.forEnvironment(["LC_ALL": "POSIX", "LANG": "en_US.UTF-8"]) == .ascii)
    }

    @Test("a tiny terminal gets a message, not a crash")
    func tiny() throws {
        for (width, height) in [(0, 0), (10, 3), (19, 30), (40, 4)] {
            let state = try state("steady", width: width, height: height)
            let canvas = Screen.render(state, glyphs: .unicode)
            #expect(canvas.width == width && canvas.height == height)
        }
        let state = try state("steady", width: 30, height: 6)
        #expect(Screen.render(state, glyphs: .unicode).text.contains("memtop"))
    }
}
