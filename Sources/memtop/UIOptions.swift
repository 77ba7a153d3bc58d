import ArgumentParser
import Foundation
import MemtopUI

/// The terminal UI's options, shared by `memtop demo` and `memtop attach`.
struct UIOptions: ParsableArguments {
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

    func validate() throws {
        if let refresh, refresh < 100 { throw ValidationError("--refresh must be at least 100 ms.") }
    }

    /// Config file, theme files and these options (which win), with the problems found on the way.
    func settings() -> UISettings {
        let environment = ProcessInfo.processInfo.environment
        return UISettings.resolve(
            configPath: config ?? UserConfig.defaultPath(environment: environment),
            theme: theme,
            refresh: refresh,
            ascii: ascii,
            readOnly: readOnly,
            environment: environment
        )
    }
}
