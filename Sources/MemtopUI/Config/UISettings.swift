import Foundation
import PatinoxMemory

/// The UI's settings from the config file, the theme files and the command line (which wins), with the
/// problems found on the way: a bad config or theme never stops memtop, it starts with defaults and says so.
public struct UISettings: Sendable {
    public var config: UserConfig
    public var options: TerminalApp.Options
    public var warnings: [String]

    public static func resolve(
        configPath: String?,
        theme: String?,
        refresh: Int?,
        ascii: Bool,
        readOnly: Bool,
        environment: [String: String],
        themeFolders: [String]? = nil
    ) -> UISettings {
        var warnings: [String] = []
        var config = UserConfig()
        if let configPath {
            do throws(PatinoxError) {
                config = try UserConfig.load(path: configPath)
            } catch {
                warnings.append("\(error.description) — starting with the default settings.")
            }
        }
        let folders =
            themeFolders
            ?? (["themes"] + (configPath.map { [($0 as NSString).deletingLastPathComponent + "/themes"] } ?? []))
        var catalog = ThemeCatalog(folders: folders)
        var themeName = theme ?? config.theme
        if themeName.hasSuffix(".toml") || themeName.contains("/") {
            themeName = catalog.add(path: themeName)?.name ?? "default"
        } else if catalog.theme(named: themeName) == nil {
            warnings.append(
                "no theme named '\(themeName)' (have: \(catalog.themes.map(\.name).joined(separator: ", "))) — "
                    + "using the default theme."
            )
            themeName = "default"
        }
        warnings += catalog.warnings
        config.theme = themeName
        if let refresh { config.refreshMilliseconds = refresh }
        if readOnly { config.readOnly = true }
        var options = TerminalApp.Options()
        options.refreshInterval = .milliseconds(config.refreshMilliseconds)
        options.readOnly = config.readOnly
        options.keymap = config.keymap
        options.themes = catalog.themes
        options.themeName = themeName
        options.thresholds = config.thresholds
        options.colour = environment["NO_COLOR"].map(\.isEmpty) ?? true
        options.glyphs = ascii ? .ascii : Glyphs.forEnvironment(environment)
        options.startupMessage = warnings.isEmpty ? nil : warnings.joined(separator: " · ")
        return UISettings(config: config, options: options, warnings: warnings)
    }
}
