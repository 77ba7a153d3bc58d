import MemtopSource
import MemtopUI
import PatinoxMemory

/// The viewer's whole path for snapshots from outside: the reducer takes them in (rates, history, warnings),
/// then a user's keys reach every screen — the main layout at each size, the compact one, tiny terminals, each
/// sort and a filter, the details of pools and caches, the resize keys, the fault menu and its confirmation,
/// help, the replay keys, the engine picker — and the screens are drawn into canvases. Nothing here may trap.
///
/// Every input goes through every key; drawing is what costs, so each input draws the main screen at 120×40,
/// 80×24 and 70×20 and ``drawnScenes`` of the other screens, picked by `choice` (a hash of the input): across
/// inputs every screen is drawn, and a crash is reproduced by its input alone.
public enum Viewer {
    /// The most rows of a panel visited one by one (details, fault menu, resize keys).
    static let rowsVisited = 4
    /// The screens drawn per input beside the three main ones.
    static let drawnScenes = 3

    /// Feeds `snapshots` in order, one second apart, then walks and draws the screens of the resulting state.
    /// - Parameters:
    ///   - source: what the header names (a replay has playback keys, a remote source the engine picker).
    ///   - playback: a replay's position, for the header.
    ///   - engines: what the engine picker lists.
    ///   - choice: picks the screens drawn beside the main ones (any number; the same number, the same ones).
    public static func exercise(
        _ snapshots: [EngineSnapshot],
        source: SourceInfo = SourceInfo(kind: .remote, detail: "nats://fuzz:4222"),
        playback: PlaybackStatus? = nil,
        engines: [EngineListing] = [],
        choice: UInt64
    ) {
        var state = AppState(source: source)
        _ = state.reduce(.resize(width: 120, height: 40))
        for (index, snapshot) in snapshots.enumerated() {
            _ = state.reduce(.snapshot(snapshot, now: .seconds(Int64(index + 1))))
        }
        _ = state.reduce(.playback(playback))
        _ = state.reduce(.engines(engines.isEmpty ? nil : engines))
        _ = state.reduce(.tick(now: .seconds(Int64(snapshots.count + 1))))
        for (width, height) in [(120, 40), (80, 24), (70, 20)] { draw(state.resized(width, height)) }
        var scenes: [AppState] = []
        scenes += sizes(state)
        scenes += sorts(state)
        scenes += panels(state)
        scenes += dialogs(state)
        var choice = choice
        for _ in 0..<drawnScenes {
            choice = choice &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407  // Knuth's MMIX step
            draw(scenes[Int((choice >> 33) % UInt64(scenes.count))], glyphs: choice >> 32 & 1 == 0 ? .unicode : .ascii)
        }
    }

    /// The main screen at the other sizes that matter: the smallest full, too small, absurd; a feed problem.
    static func sizes(_ state: AppState) -> [AppState] {
        var scenes = [(79, 23), (40, 10), (20, 5), (19, 30), (0, 0), (300, 3), (1, 200)].map {
            state.resized($0.0, $0.1)
        }
        var troubled = state
        _ = troubled.reduce(.feedStatus("rejected 1 snapshot(s), the last from \(state.snapshot?.engine ?? "—")"))
        scenes.append(troubled)
        return scenes
    }

    /// Every sort order, and a filter that matches some names.
    static func sorts(_ state: AppState) -> [AppState] {
        var state = state
        var scenes: [AppState] = []
        for _ in SortOrder.allCases {
            press(&state, "s")
            for panel in Panel.allCases { _ = state.rows(panel) }
            scenes.append(state)
        }
        press(&state, "/")
        for character in state.snapshot?.pools.first?.name.prefix(2) ?? "d" { press(&state, .character(character)) }
        scenes.append(state)
        press(&state, .enter)
        scenes.append(state)
        return scenes
    }

    /// Each panel in turn, its first rows one by one: the detail view, the resize keys, the fault menu and
    /// its confirmation, flush and clear.
    static func panels(_ state: AppState) -> [AppState] {
        var state = state
        var scenes: [AppState] = []
        for _ in Panel.allCases {
            press(&state, .tab)
            for index in 0..<min(state.rows(state.focus).count, rowsVisited) {
                var row = state
                row.selection[row.focus] = index
                press(&row, .enter)  // the detail of a pool or cache
                scenes.append(row)
                scenes.append(row.resized(30, 12))
                press(&row, .escape)
                for key: Character in ["+", "-", "]", "[", "c", "r"] {
                    press(&row, key)
                    scenes.append(row)
                }
                press(&row, "f")  // the fault menu
                scenes.append(row)
                for key: Key in [.down, .right, .right, .left, .up, .down] { press(&row, key) }
                scenes.append(row)
                press(&row, .enter)  // its confirmation
                scenes.append(row)
                press(&row, "n")
                press(&row, "x")  // flush (a cache) or a refusal
                scenes.append(row)
                press(&row, "y")
                press(&row, .wheel(up: false))
                press(&row, .click(x: 3, y: 4))
                scenes.append(row)
            }
        }
        press(&state, .up)
        press(&state, .down)
        scenes.append(state)
        return scenes
    }

    /// Help, the replay keys, the theme cycle, the engine picker and a switch of engines, a notice, quit.
    static func dialogs(_ state: AppState) -> [AppState] {
        var state = state
        var scenes: [AppState] = []
        press(&state, "?")
        scenes += [state, state.resized(50, 12)]
        press(&state, .escape)
        for key: Key in [.left, .right, .character("<"), .character(">"), .character(" ")] { press(&state, key) }
        press(&state, "t")
        scenes.append(state)
        press(&state, "e")  // the engine picker (or a refusal for a source with one engine)
        scenes.append(state)
        for key: Key in [.down, .down, .up] { press(&state, key) }
        scenes.append(state)
        _ = state.reduce(.openEnginePicker)
        scenes += [state, state.resized(40, 8)]
        press(&state, .down)
        press(&state, .enter)  // may switch engines: the snapshot is dropped until the new one arrives
        scenes.append(state)
        _ = state.reduce(.notice("done", isError: true, now: .seconds(100)))
        press(&state, "q")
        scenes.append(state)
        return scenes
    }

    /// Presses `key` at a fixed time, as the terminal loop would (a click with the target under it).
    static func press(_ state: inout AppState, _ key: Key) {
        if case .click(let x, let y) = key {
            _ = state.reduce(.click(Layout(state).hit(x: x, y: y, state: state), now: .seconds(90)))
        } else {
            _ = state.reduce(.key(key, now: .seconds(90)))
        }
    }

    static func press(_ state: inout AppState, _ character: Character) { press(&state, .character(character)) }

    /// Draws `state`.
    static func draw(_ state: AppState, glyphs: Glyphs = .unicode) {
        let canvas = Screen.render(state, glyphs: glyphs)
        precondition(canvas.cells.count == canvas.width * canvas.height, "a canvas of the wrong size")
    }
}

extension AppState {
    /// The state on a terminal of `width`×`height`.
    func resized(_ width: Int, _ height: Int) -> AppState {
        var state = self
        _ = state.reduce(.resize(width: width, height: height))
        return state
    }
}
