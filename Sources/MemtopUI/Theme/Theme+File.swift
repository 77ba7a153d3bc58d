import Foundation
import MemtopTOML
import PatinoxMemory

extension Theme {
    /// Parses a theme file:
    ///
    /// ```toml
    /// name = "nord"
    /// [roles]
    /// text = "#d8dee9"
    /// header = "bold #eceff4 on #3b4252"
    /// selected = "reverse"
    /// ```
    ///
    /// A role is `[bold] [reverse] [underline] [FOREGROUND] [on BACKGROUND]`, colours as `default`, a name
    /// (`cyan`, `bright-red`, `grey`), `0`–`255` or `#rrggbb`. Roles not given are the default theme's.
    /// Errors name the file, the line and the role.
    public static func parse(_ text: String, file: String) throws(PatinoxError) -> Theme {
        let root = try TOMLDocument(text: text, file: file, component: .configuration).root
        try root.rejectUnknownKeys(["name", "roles"])
        guard let name = try root.string("name"), !name.isEmpty else {
            throw root.error("name", "a theme needs a non-empty name.")
        }
        var theme = Theme(name: name, roles: Theme.standard.roles)
        guard let roles = try root.section("roles") else { return theme }
        try roles.rejectUnknownKeys(Set(ColorRole.allCases.map(\.rawValue)))
        for role in ColorRole.allCases {
            guard let spec = try roles.string(role.rawValue) else { continue }
            guard let style = RoleStyle(parsing: spec) else {
                throw roles.error(
                    role.rawValue,
                    "'\(spec)' is not a style.",
                    hint: "write [bold] [reverse] [underline] [colour] [on colour]; colours are default, a name "
                        + "(\(ThemeColor.names.joined(separator: ", "))), 0-255 or #rrggbb."
                )
            }
            theme.roles[role] = style
        }
        return theme
    }

    /// The theme as a file ``parse(_:file:)`` reads back to an equal theme, written with TOMLKit.
    public var fileText: String {
        var file = TOMLWriter()
        file.comment("memtop theme '\(name)': a role is [bold] [reverse] [underline] [colour] [on colour].")
        file.set("name", name)
        file.section("roles")
        for role in ColorRole.allCases { file.set(role.rawValue, style(role).spec) }
        return file.text
    }
}

extension RoleStyle {
    init?(parsing spec: String) {
        self.init()
        var words = spec.split(separator: " ").map { String($0) }[...]
        while let word = words.first, ["bold", "reverse", "underline"].contains(word.lowercased()) {
            switch word.lowercased() {
            case "bold": bold = true
            case "reverse": reverse = true
            default: underline = true
            }
            words = words.dropFirst()
        }
        if let word = words.first, word.lowercased() != "on" {
            guard let colour = ThemeColor(parsing: word) else { return nil }
            foreground = colour
            words = words.dropFirst()
        }
        if let word = words.first {
            guard word.lowercased() == "on", words.count == 2, let colour = ThemeColor(parsing: words.last!) else {
                return nil
            }
            background = colour
            words = []
        }
    }

    /// The spec ``init(parsing:)`` reads.
    var spec: String {
        var words: [String] = []
        if bold { words.append("bold") }
        if reverse { words.append("reverse") }
        if underline { words.append("underline") }
        words.append(foreground.spec)
        if background != .terminalDefault { words += ["on", background.spec] }
        return words.joined(separator: " ")
    }
}

extension ThemeColor {
    var spec: String {
        switch self {
        case .terminalDefault: "default"
        case .indexed(let index): index < 16 ? Self.names[index] : String(index)
        case .rgb(let red, let green, let blue):
            "#" + [red, green, blue].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        }
    }
}

/// The themes on offer: the built-in ones, replaced or joined by themes/*.toml files found in the given
/// folders. Files that do not parse are skipped with a warning that names file, line and role.
public struct ThemeCatalog: Sendable {
    public private(set) var themes: [Theme] = Theme.builtin
    public private(set) var warnings: [String] = []

    public init(folders: [String]) {
        for folder in folders {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for file in files.sorted() where file.hasSuffix(".toml") {
                add(path: (folder as NSString).appendingPathComponent(file))
            }
        }
    }

    /// Adds (or replaces by name) the theme in `path`; returns it, or nil with a warning.
    @discardableResult
    public mutating func add(path: String) -> Theme? {
        do throws(PatinoxError) {
            let text = try TOMLDocument.readText(
                path: path,
                what: "theme",
                hint: "check the path, or name a built-in theme."
            )
            let theme = try Theme.parse(text, file: path)
            themes.removeAll { $0.name == theme.name }
            themes.append(theme)
            return theme
        } catch {
            warnings.append(error.description)
            return nil
        }
    }

    /// The theme called `name`, or nil.
    public func theme(named name: String) -> Theme? { themes.first { $0.name == name } }
}
