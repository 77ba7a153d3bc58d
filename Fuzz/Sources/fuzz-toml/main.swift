// libFuzzer entry for the TOML files memtop reads (issue #15): any text is parsed as a scenario, a theme and a
// user config — a value or an error naming the file, never a trap. What parses is used as memtop uses it: a
// scenario's phases resolved, a theme's colours mapped for 8, 16 and 256-colour terminals, a config's keys
// drawn in the help screen; a theme and a config written back must read back to the same value. Built and run
// by Fuzz/run.sh.
import FuzzDriver
import FuzzWorkload
import MemtopSource
import MemtopUI
import PatinoxMemory

func scenario(_ text: String) {
    guard let scenario = try? Scenario.parse(text, file: "fuzz.toml") else { return }
    for index in scenario.phases.indices {
        let settings = scenario.settings(forPhase: index)
        precondition(settings.poolMinimum <= settings.poolMaximum, "phase \(index): \(settings)")
    }
    precondition(scenario.cycleDuration > .zero, "a scenario whose phases take no time")
}

/// - Parameter writesBack: also write the theme (TOMLWriter) and read it again.
func theme(_ text: String, writesBack: Bool) {
    guard let theme = try? Theme.parse(text, file: "fuzz.toml") else { return }
    for role in ColorRole.allCases {
        let style = theme.style(role)
        for colors in [8, 16, 256] {
            for index in [
                style.foreground.terminalIndex(colors: colors), style.background.terminalIndex(colors: colors),
            ] {
                precondition((-1..<colors).contains(index), "\(role) maps to colour \(index) of \(colors)")
            }
        }
    }
    guard writesBack else { return }
    let again = try? Theme.parse(theme.fileText, file: "written.toml")
    precondition(
        again?.name == theme.name && ColorRole.allCases.allSatisfy { again?.style($0) == theme.style($0) },
        "theme '\(theme.name)' does not read back from:\n\(theme.fileText)"
    )
}

/// - Parameter writesBack: also write the config (TOMLWriter) and read it again.
func config(_ text: String, writesBack: Bool) {
    guard let config = try? UserConfig.parse(text, file: "fuzz.toml") else { return }
    if writesBack {
        let again = try? UserConfig.parse(config.fileText, file: "written.toml")
        precondition(again == config, "the config does not read back from:\n\(config.fileText)")
    }
    var state = AppState(
        source: SourceInfo(kind: .local, detail: "fuzz"),
        refreshInterval: .milliseconds(config.refreshMilliseconds),
        readOnly: config.readOnly,
        keymap: config.keymap,
        themeName: config.theme,
        thresholds: config.thresholds
    )
    for (width, height) in [(120, 40), (60, 16)] {
        _ = state.reduce(.resize(width: width, height: height))
        _ = Screen.render(state, glyphs: .unicode)  // the footer's key hints
        for key in config.keymap.keys(for: .help) { _ = state.reduce(.key(key, now: .seconds(1))) }
        _ = Screen.render(state, glyphs: .unicode)  // the help lists every binding and threshold
        _ = state.reduce(.key(.escape, now: .seconds(2)))
    }
    _ = state.reduce(.tick(now: .seconds(3_600)))
    _ = state.isStale
}

runFuzzer { bytes in
    let text = String(decoding: bytes, as: UTF8.self)
    // toml++ 3.4.0 aborts on these (see lineTOMLKitAbortsOn); TOMLDocument is to reject them first.
    guard lineTOMLKitAbortsOn(text) == nil else { return }
    // One input in 16 writes back: TOMLKit 0.6.0 leaks what it writes (its TOMLTable.convert never frees the
    // string toml++ returns), about 20 KB a file, which a million runs would pile up past the memory limit.
    let writesBack = fingerprint(bytes) % 16 == 0
    scenario(text)
    theme(text, writesBack: writesBack)
    config(text, writesBack: writesBack)
}
