import Foundation
import MemtopSource
import PatinoxMemory
import Testing

@testable import MemtopUI

@Suite("AppState reducer: keys, commands, modes")
struct ReducerTests {
    @Test("+ and - resize the selected pool's maximum, [ and ] its minimum; invalid sizes are refused")
    func resizeKeys() throws {
        var state = try state("steady")
        let pool = try fixture("steady-2").pools[0]
        #expect(
            state.press(.character("+")) == [
                .send(.resizePool(pool: "db", minimum: pool.minimum, maximum: pool.maximum + 1))
            ]
        )
        #expect(
            state.press(.character("-")) == [
                .send(.resizePool(pool: "db", minimum: pool.minimum, maximum: pool.maximum - 1))
            ]
        )
        #expect(
            state.press(.character("]")) == [
                .send(.resizePool(pool: "db", minimum: pool.minimum + 1, maximum: pool.maximum))
            ]
        )
        #expect(
            state.press(.character("_")) == [
                .send(.resizePool(pool: "db", minimum: pool.minimum - 1, maximum: pool.maximum))
            ]
        )
        _ = state.press(.tab)
        #expect(state.press(.character("+")).isEmpty)
        #expect(state.message?.text.contains("select a pool") == true)
    }

    @Test("the fault menu walks kinds and durations, asks for confirmation, and sends the command")
    func faultMenu() throws {
        var state = try state("steady")
        #expect(state.press(.function(9)).isEmpty)
        guard case .faultMenu(let menu) = state.mode else {
            Issue.record("no fault menu")
            return
        }
        #expect(menu.target == "db" && menu.kinds.allSatisfy { $0.component == .pool })
        _ = state.press(.down, .down, .left)
        #expect(state.press(.enter).isEmpty)
        #expect(
            state.press(.character("y")) == [
                .send(.injectFault(target: "db", kind: .acquireLatency, amount: nil, durationSeconds: 5))
            ]
        )
        #expect(state.mode == .normal)
        _ = state.press(.character("f"), .enter)
        #expect(state.press(.character("n")).isEmpty && state.message?.text == "cancelled")
        _ = state.press(.tab, .character("f"))
        guard case .faultMenu(let cacheMenu) = state.mode else {
            Issue.record("no cache fault menu")
            return
        }
        #expect(cacheMenu.target == "users" && cacheMenu.kinds == [.flush, .missStorm, .squeeze])
        _ = state.press(.escape)
        #expect(state.mode == .normal)
    }

    @Test("x flushes the selected cache after confirmation; c clears faults; r resets stats")
    func flushClearReset() throws {
        var state = try state("steady")
        #expect(state.press(.character("x")).isEmpty)
        #expect(state.message?.level == .error)
        _ = state.press(.tab, .character("x"))
        #expect(state.press(.character("y")) == [.send(.flushCache(cache: "users"))])
        #expect(state.press(.character("c")) == [.send(.clearFaults(target: "users"))])
        #expect(state.press(.character("r")) == [.send(.resetStats(target: nil))])
    }

    @Test("--read-only refuses every control key and says why; viewing keys still work")
    func readOnly() throws {
        var state = try state("steady", readOnly: true)
        for key in ["+", "-", "]", "[", "f", "c", "x", "r"] {
            #expect(state.press(.character(Character(key))).isEmpty)
            #expect(state.message?.text.contains("read-only") == true)
            #expect(state.mode == .normal)
        }
        _ = state.press(.tab, .character(" "))
        #expect(state.focus == .caches && state.paused)
        let text = Screen.render(state, glyphs: .unicode).text
        #expect(text.contains("READ-ONLY") && text.contains("PAUSED"))
    }

    @Test("Tab and Shift-Tab cycle panels; j/k and arrows move within bounds; q and F10 quit")
    func navigation() throws {
        var state = try state("steady")
        _ = state.press(.tab, .tab, .tab, .tab, .tab)
        #expect(state.focus == .pools)
        _ = state.press(.backTab)
        #expect(state.focus == .events)
        _ = state.press(.tab, .character("j"), .down, .character("k"), .up, .up)
        #expect(state.selection[.pools] == 0)
        #expect(state.press(.function(10)) == [.quit] && state.quitting)
    }

    @Test("/ filters rows by name; Esc clears it; s cycles the sort; t cycles themes")
    func filterSortTheme() throws {
        var state = try state("steady")
        _ = state.press(.character("/"), .character("n"), .character("o"), .enter)
        #expect(state.filter == "no" && state.rows(.pools).isEmpty && state.mode == .normal)
        _ = state.press(.character("/"), .backspace, .backspace, .character("d"), .enter)
        #expect(state.rows(.pools) == ["db"])
        _ = state.press(.character("/"), .escape)
        #expect(state.filter.isEmpty)
        _ = state.press(.character("s"))
        #expect(state.sort == .activity)
        _ = state.press(.character("t"))
        #expect(state.theme.name == "light" && state.message?.text == "theme: light")
    }

    @Test("a click selects the panel and row under it; the wheel moves the selection")
    func mouse() throws {
        var state = try state("flaky")
        let layout = Layout(state)
        let caches = try #require(layout.panels[.caches])
        _ = state.press(.click(x: 5, y: caches.y + Layout.rowOffset))
        #expect(state.focus == .caches && state.selection[.caches] == 0)
        let events = try #require(layout.panels[.events])
        _ = state.press(.click(x: 5, y: events.y + 1), .wheel(up: true))
        #expect(state.focus == .events && state.eventScroll == 1)
        _ = state.press(.click(x: 500, y: 500))
        #expect(state.focus == .events)
    }

    @Test("what the runner used to write itself: the theme by name, a start-up notice, the picker, clicks")
    func runnerActions() throws {
        var state = AppState(source: SourceInfo(kind: .local, detail: "demo"), themeName: "light")
        #expect(state.theme.name == "light")
        #expect(AppState(source: SourceInfo(kind: .local, detail: "d"), themeName: "nope").themeIndex == 0)
        #expect(state.reduce(.notice("theme file rejected", isError: true, now: .seconds(1))).isEmpty)
        #expect(state.message?.text == "theme file rejected" && state.message?.level == .error)
        _ = state.reduce(.openEnginePicker)
        #expect(state.mode == .enginePicker(selected: 0))
        var shown = try MemtopUITests.state("flaky")
        _ = shown.press(.character("?"))
        #expect(shown.mode == .help)
        _ = shown.reduce(.click(ClickTarget(panel: .caches, row: 0), now: .seconds(85)))
        #expect(shown.mode == .normal && shown.focus == .pools, "a click closes the help, as any key, selects nothing")
        _ = shown.reduce(.click(nil, now: .seconds(86)))
        #expect(shown.focus == .pools)
    }

    @Test("capabilities, not the kind, decide: a seekable source gets playback keys, a steerless one refuses")
    func capabilities() throws {
        let replay = SourceInfo(kind: .replay, detail: "r.ndjson")
        #expect(!replay.canSteer && replay.canSeek && !replay.isLive)
        let remote = SourceInfo(kind: .remote, detail: "nats://x:1")
        #expect(remote.canSteer && !remote.canSeek && remote.isLive)
        var seekable = AppState(source: SourceInfo(kind: .remote, detail: "nats://x:1", canSeek: true))
        #expect(seekable.press(.character(" ")) == [.playback(.togglePause)])
        var steerless = AppState(
            source: SourceInfo(kind: .local, detail: "demo", canSteer: false),
            readOnly: true
        )
        _ = steerless.press(.character("+"))
        #expect(steerless.message?.text.contains("a recording cannot be steered") == true)
    }

    @Test("Enter opens a pool's detail view, any key goes back; results and messages expire")
    func detailAndMessages() throws {
        var state = try state("steady")
        _ = state.press(.enter)
        #expect(state.mode == .detail(.pools, name: "db"))
        _ = state.press(.escape)
        #expect(state.mode == .normal)
        _ = state.reduce(.notice("resized to 2…9", isError: false, now: .seconds(90)))
        #expect(Screen.render(state, glyphs: .unicode).lines.last?.contains("resized to 2…9") == true)
        _ = state.reduce(.tick(now: .seconds(96)))
        #expect(state.message == nil)
    }

    @Test("warnings: a starving pool, a thrashing cache, failed cleanups, a stale source")
    func warnings() throws {
        var state = AppState(source: SourceInfo(kind: .remote, detail: "nats://x"))
        var snapshot = try fixture("flaky-2")
        snapshot.pools[0].waiters = 3
        var time = Duration.zero
        for _ in 0..<12 {
            time += .milliseconds(500)
            snapshot.takenAt += 500_000_000
            snapshot.caches[0].stats.hits += 90
            snapshot.caches[0].stats.misses += 10
            _ = state.reduce(.snapshot(snapshot, now: time))
        }
        #expect(state.warnings.contains { $0.name == "inventory-db" && $0.text.hasPrefix("starving") })
        snapshot.caches[0].stats.misses += 100
        snapshot.guards[0].status.failed += 2
        snapshot.takenAt += 500_000_000
        _ = state.reduce(.snapshot(snapshot, now: time + .milliseconds(500)))
        #expect(state.warnings.contains { $0.name == "stock" && $0.text.hasPrefix("thrashing") })
        #expect(state.warnings.contains { $0.name == "requests" && $0.text == "cleanup failures rising" })
        let text = Screen.render(state, glyphs: .unicode).text
        #expect(text.contains("3 warnings") && text.contains("⚠ starving"))
        #expect(!state.isStale)
        _ = state.reduce(.tick(now: time + .seconds(5)))
        #expect(state.isStale && Screen.render(state, glyphs: .unicode).lines[0].contains("STALE"))
    }
}
