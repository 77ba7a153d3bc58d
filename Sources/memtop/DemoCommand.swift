import ArgumentParser
import Foundation
import MemtopUI
import MemtopWorkload
import PatinoxMemory

/// `memtop` / `memtop demo`: the terminal UI on an in-process engine running a demo scenario.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Open the terminal UI on an in-process engine driven by a demo scenario (the default).",
        discussion: """
            Keys: ? help, Tab panels, j/k select, Enter details, +/- pool maximum, [/] minimum, f fault menu,
            c clear faults, x flush cache, Space pause, / filter, s sort, t theme, r reset stats, q quit.
            Settings come from $XDG_CONFIG_HOME/memtop/config.toml (see --print-config); options win.
            """
    )

    @Option(help: "A scenario file (demo/*.toml). Default: the built-in steady scenario.")
    var scenario: String?

    @Option(help: "Milliseconds between refreshes (at least 100). Default: the config's, else 500.")
    var refresh: Int?

    @Option(help: "A theme name (default, light, mono, nord, or themes/*.toml) or a theme file path.")
    var theme: String?

    @Flag(help: "Plain ASCII instead of block and braille glyphs (automatic when the locale is not UTF-8).")
    var ascii = false

    @Flag(help: "Disable every control key (resize, faults, flush, reset); the header says so.")
    var readOnly = false

    @Option(help: "The config file to read instead of $XDG_CONFIG_HOME/memtop/config.toml.")
    var config: String?

    @Flag(help: "Print the effective configuration as TOML and exit.")
    var printConfig = false

    func validate() throws {
        if let refresh, refresh < 100 { throw ValidationError("--refresh must be at least 100 ms.") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let settings = UISettings.resolve(
            configPath: config ?? UserConfig.defaultPath(environment: environment),
            theme: theme,
            refresh: refresh,
            ascii: ascii,
            readOnly: readOnly,
            environment: environment
        )
        if printConfig {
            print(settings.config.fileText, terminator: "")
            for warning in settings.warnings { FileHandle.standardError.write(Data("memtop: \(warning)\n".utf8)) }
            return
        }
        let scenario = try scenario.map { path throws(PatinoxError) in try Scenario.load(path: path) } ?? .builtin
        let service = try SyntheticService(scenario: scenario)
        let load = Task { await service.run() }
        let source = LocalSource(engine: service.engine, detail: "demo '\(scenario.name)'")
        let app = TerminalApp(source: source, options: settings.options)
        defer { load.cancel() }
        try await app.run()
        load.cancel()
        await load.value
        await service.shutdown()
    }
}
