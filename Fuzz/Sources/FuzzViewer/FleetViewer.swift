import MemtopSource
import MemtopUI
import PatinoxMemory

extension Viewer {
    /// The fleet view's whole path for engines heard from outside: the listing goes into a state on the fleet
    /// view, a user's keys walk it — ↑/↓, PgDn, End, every order, a filter typed and cleared, Enter into an
    /// engine and Esc back, the picker and the help over it — and the fleet is drawn at 120×40, 80×24, 70×20
    /// and `drawnScenes` other sizes picked by `choice`. Nothing here may trap.
    public static func exerciseFleet(_ engines: [EngineListing], choice: UInt64) {
        var state = AppState(source: SourceInfo(kind: .remote, detail: "nats://fuzz:4222"))
        _ = state.reduce(.resize(width: 120, height: 40))
        _ = state.reduce(.tick(now: .seconds(90)))
        _ = state.reduce(.engines(engines))
        _ = state.reduce(.openFleet)
        for (width, height) in [(120, 40), (80, 24), (70, 20)] { draw(state.resized(width, height)) }
        var scenes: [AppState] = []
        for key: Key in [.down, .pageDown, .end, .up, .home] {
            press(&state, key)
            scenes.append(state)
        }
        for _ in 0..<3 {
            press(&state, "s")
            scenes.append(state)
        }
        press(&state, "/")
        for character in engines.first?.name.prefix(2) ?? "e" { press(&state, .character(character)) }
        scenes.append(state)
        press(&state, .enter)
        scenes.append(state)
        press(&state, .escape)
        press(&state, .enter)  // into the highlighted engine (its snapshot has not come yet)
        scenes.append(state)
        press(&state, .escape)  // back to the fleet
        press(&state, "e")
        scenes.append(state)
        press(&state, .escape)
        press(&state, "?")
        scenes.append(state)
        press(&state, .escape)
        _ = state.reduce(.feedStatus("rejected 1 summary, the last from \(engines.first?.name ?? "—")"))
        scenes += [state, state.resized(20, 5), state.resized(300, 3), state.resized(79, 23)]
        var choice = choice
        for _ in 0..<drawnScenes {
            choice = choice &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407  // Knuth's MMIX step
            draw(scenes[Int((choice >> 33) % UInt64(scenes.count))], glyphs: choice >> 32 & 1 == 0 ? .unicode : .ascii)
        }
    }
}
