import ArgumentParser
import Foundation
import MemtopSource
import MemtopUI
import MemtopWorkload
import PatinoxMemory

/// `memtop` / `memtop demo`: the terminal UI on an in-process engine running a demo scenario.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Open the terminal UI on an in-process engine driven by a demo scenario (the default).",
        discussion: """
            Keys: ? help, Tab panels, j/k select, Enter details, +/- pool maximum, [/] minimum, f fault menu, \
            c clear faults, x flush cache, Space pause, / filter, s sort, t theme, r reset stats, q quit. \
            Settings come from $XDG_CONFIG_HOME/memtop/config.toml (see --print-config); options win. When the \
            config's source is a broker (source = "nats://HOST:PORT") memtop attaches to it instead, unless \
            --scenario asks for a demo.
            """
    )

    @Option(help: "A scenario file (demo/*.toml). Default: the built-in steady scenario.")
    var scenario: String?

    @OptionGroup var ui: UIOptions

    @Flag(help: "Print the effective configuration as TOML and exit.")
    var printConfig = false

    func run() async throws {
        let settings = ui.settings()
        if printConfig {
            print(settings.config.fileText, terminator: "")
            for warning in settings.warnings { FileHandle.standardError.write(Data("memtop: \(warning)\n".utf8)) }
            return
        }
        if self.scenario == nil, settings.config.source != "demo" {
            // The config names a broker: `memtop` attaches to it, as `memtop attach URL` would.
            let connection = try BrokerOptions.parse([settings.config.source] + settings.config.broker.arguments)
            try await AttachCommand.attach(connection, engine: nil, record: nil, options: settings.options)
            return
        }
        let scenario = try scenario.map { path throws(PatinoxError) in try Scenario.load(path: path) } ?? .builtin
        let service = try SyntheticService(scenario: scenario)
        let load = Task { await service.run() }
        let source = LocalSource(engine: service.engine, detail: "demo '\(scenario.name)'")
        let app = TerminalApp(source: source, options: settings.options)
        defer { load.cancel() }
        try await app.run()
        await service.shutdown()  // drains the pool; run() then returns
        await load.value
    }
}
