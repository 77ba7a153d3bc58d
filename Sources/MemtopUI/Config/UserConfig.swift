import Foundation
import MemtopTOML
import PatinoxMemory

/// The user's settings, from `$XDG_CONFIG_HOME/memtop/config.toml` (or `~/.config/memtop/config.toml`):
///
/// ```toml
/// refresh_ms = 500            # 100 at least
/// theme = "nord"              # a built-in or themes/*.toml name, or a path
/// source = "demo"             # what `memtop` opens with no subcommand
/// read_only = false
/// [broker]                    # how to reach a nats:// or tls:// source (BrokerSettings)
/// tls_ca = "/etc/memtop/ca.pem"
/// [keys]                      # any command, one key or a list; replaces that command's default keys
/// quit = ["q", "f10"]
/// fault-menu = "F"
/// [warnings]
/// starving_seconds = 5
/// hit_ratio_drop = 0.25
/// stale_intervals = 4
/// ```
public struct UserConfig: Hashable, Sendable {
    public var refreshMilliseconds = 500
    public var theme = "default"
    public var source = "demo"
    public var readOnly = false
    public var keymap = Keymap.standard
    public var thresholds = WarningThresholds()
    /// How to reach and log in to a broker `source`.
    public var broker = BrokerSettings()
    /// Where it was read from (nil: defaults only).
    public var path: String?

    public init() {}

    /// The default location for this environment.
    public static func defaultPath(environment: [String: String]) -> String? {
        if let base = environment["XDG_CONFIG_HOME"], !base.isEmpty { return base + "/memtop/config.toml" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.config/memtop/config.toml" }
        return nil
    }

    /// Reads `path`; a missing file is the defaults, a bad one an error naming file, line and key.
    public static func load(path: String) throws(PatinoxError) -> UserConfig {
        guard FileManager.default.fileExists(atPath: path) else { return UserConfig() }
        let text = try TOMLDocument.readText(
            path: path,
            what: "config",
            hint: "check its permissions, or remove it to use the defaults."
        )
        var config = try parse(text, file: path)
        config.path = path
        return config
    }

    public static func parse(_ text: String, file: String) throws(PatinoxError) -> UserConfig {
        let root = try TOMLDocument(text: text, file: file, component: .configuration).root
        try root.rejectUnknownKeys(["refresh_ms", "theme", "source", "read_only", "broker", "keys", "warnings"])
        var config = UserConfig()
        config.refreshMilliseconds = try root.int("refresh_ms", in: 100...60_000) ?? config.refreshMilliseconds
        config.theme = try root.string("theme") ?? config.theme
        config.source = try root.string("source") ?? config.source
        guard config.source == "demo" || config.source.hasPrefix("nats://") || config.source.hasPrefix("tls://") else {
            throw root.error("source", "'\(config.source)' is not 'demo' or a nats:// or tls:// URL.")
        }
        config.readOnly = try root.bool("read_only") ?? config.readOnly
        if let broker = try root.section("broker") { config.broker = try BrokerSettings(broker) }
        if let keys = try root.section("keys") {
            try keys.rejectUnknownKeys(Set(UICommand.allCases.map(\.rawValue)))
            for command in UICommand.allCases {
                guard let names = try keys.strings(command.rawValue) else { continue }
                var bindings = config.keymap.bindings.filter { $0.value != command }
                for name in names {
                    guard let key = Key(configName: name) else {
                        throw keys.error(
                            command.rawValue,
                            "'\(name)' is not a key.",
                            hint: "use one character, space, tab, shift-tab, enter, esc, backspace, up, down, left, "
                                + "right, pageup, pagedown, home, end or f1-f12."
                        )
                    }
                    bindings[key] = command
                }
                config.keymap = Keymap(bindings: bindings)
            }
        }
        if let warnings = try root.section("warnings") {
            try warnings.rejectUnknownKeys(["starving_seconds", "hit_ratio_drop", "stale_intervals"])
            config.thresholds.starvingSeconds =
                try warnings.double("starving_seconds", in: 0.5...3_600) ?? config.thresholds.starvingSeconds
            config.thresholds.hitRatioDrop =
                try warnings.double("hit_ratio_drop", in: 0.01...1) ?? config.thresholds.hitRatioDrop
            config.thresholds.staleIntervals =
                try warnings.double("stale_intervals", in: 1...1_000) ?? config.thresholds.staleIntervals
        }
        return config
    }

    /// The effective configuration as a config file (`memtop --print-config`), written with TOMLKit.
    public var fileText: String {
        var file = TOMLWriter()
        file.comment("memtop configuration\(path.map { " (read from \($0))" } ?? " (defaults: no config file)")")
        file.set("refresh_ms", refreshMilliseconds)
        file.set("theme", theme)
        file.set("source", source)
        file.set("read_only", readOnly)
        broker.write(to: &file)
        file.section("keys")
        for command in UICommand.allCases {
            file.set(command.rawValue, strings: keymap.keys(for: command).map(\.configName))
        }
        file.section("warnings")
        file.set("starving_seconds", thresholds.starvingSeconds)
        file.set("hit_ratio_drop", thresholds.hitRatioDrop)
        file.set("stale_intervals", thresholds.staleIntervals)
        return file.text
    }
}
