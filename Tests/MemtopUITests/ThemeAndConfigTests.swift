import Foundation
import MemtopTestSupport
import PatinoxMemory
import Testing

@testable import MemtopUI

let themesFolder = testFolder.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("themes")

@Suite("Themes and the user config")
struct ThemeAndConfigTests {
    @Test("themes/*.toml are the built-in themes, and every built-in survives a round trip", arguments: Theme.builtin)
    func shippedThemes(theme: Theme) throws {
        let path = themesFolder.appendingPathComponent("\(theme.name).toml").path
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try theme.fileText.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(try Theme.parse(text, file: path) == theme)
        #expect(try Theme.parse(theme.fileText, file: "x.toml") == theme)
    }

    @Test("a bad theme names file, line and role, and the catalogue falls back to the default")
    func badTheme() throws {
        do {
            _ = try Theme.parse("name = \"x\"\n[roles]\ntext = \"purple-ish\"\n", file: "themes/x.toml")
            Issue.record("accepted a bad colour")
        } catch {
            #expect(error.context.location == SourceLocation(file: "themes/x.toml", line: 3))
            #expect(error.description.contains("roles.text") && error.description.contains("purple-ish"))
        }
        let folder = temporaryURL("themes")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "name = \"broken\"\n[roles]\ntitel = \"red\"\n".write(
            to: folder.appendingPathComponent("broken.toml"),
            atomically: true,
            encoding: .utf8
        )
        try "name = \"mine\"\n[roles]\ntitle = \"bold #ff8800 on 17\"\n".write(
            to: folder.appendingPathComponent("mine.toml"),
            atomically: true,
            encoding: .utf8
        )
        let settings = UISettings.resolve(
            configPath: nil,
            theme: folder.appendingPathComponent("broken.toml").path,
            refresh: nil,
            ascii: false,
            readOnly: false,
            environment: ["LANG": "C.UTF-8"],
            themeFolders: [folder.path]
        )
        #expect(settings.options.themeName == "default")
        #expect(settings.warnings.contains { $0.contains("broken.toml:3") && $0.contains("titel") })
        #expect(settings.options.startupMessage != nil)
        let mine = try #require(settings.options.themes.first { $0.name == "mine" })
        #expect(mine.style(.title) == RoleStyle(.rgb(255, 136, 0), on: .indexed(17), bold: true))
        let unknown = UISettings.resolve(
            configPath: nil,
            theme: "nope",
            refresh: nil,
            ascii: false,
            readOnly: false,
            environment: [:],
            themeFolders: []
        )
        #expect(
            unknown.options.themeName == "default" && unknown.warnings.first?.contains("no theme named 'nope'") == true
        )
    }

    @Test("colours map to what the terminal has: 256-colour cube, 16 and 8 colours")
    func colourMapping() {
        #expect(
            ThemeColor.rgb(255, 0, 0).terminalIndex(colors: 256) == 9
                || ThemeColor.rgb(255, 0, 0).terminalIndex(colors: 256) == 196
        )
        #expect(ThemeColor.rgb(0x5F, 0x87, 0xAF).terminalIndex(colors: 256) == 67)
        #expect(ThemeColor.rgb(0x5F, 0x87, 0xAF).terminalIndex(colors: 8) < 8)
        #expect(ThemeColor.indexed(200).terminalIndex(colors: 16) < 16)
        #expect(ThemeColor.indexed(3).terminalIndex(colors: 8) == 3)
        #expect(ThemeColor.terminalDefault.terminalIndex(colors: 256) == -1)
        #expect(Theme.nord.withoutColour.style(.header) == RoleStyle(bold: true))
    }

    @Test("NO_COLOR turns colour off; --ascii and the locale pick the glyphs")
    func environment() {
        let plain = UISettings.resolve(
            configPath: nil,
            theme: nil,
            refresh: nil,
            ascii: false,
            readOnly: false,
            environment: ["NO_COLOR": "1", "LANG": "C.UTF-8"],
            themeFolders: []
        )
        #expect(!plain.options.colour && plain.options.glyphs == .unicode)
        let ascii = UISettings.resolve(
            configPath: nil,
            theme: nil,
            refresh: nil,
            ascii: true,
            readOnly: false,
            environment: ["LANG": "C.UTF-8"],
            themeFolders: []
        )
        #expect(ascii.options.colour && ascii.options.glyphs == .ascii)
    }

    @Test("the config sets refresh, theme, source, read-only, key bindings and warning thresholds")
    func config() throws {
        let config = try UserConfig.parse(
            """
            refresh_ms = 200
            theme = "nord"
            read_only = true
            [keys]
            quit = ["Q", "f10"]
            fault-menu = "F"
            [warnings]
            starving_seconds = 2
            """,
            file: "config.toml"
        )
        #expect(config.refreshMilliseconds == 200 && config.theme == "nord" && config.readOnly)
        #expect(
            config.keymap.command(for: .character("Q")) == .quit && config.keymap.command(for: .character("q")) == nil
        )
        #expect(
            config.keymap.command(for: .character("F")) == .faultMenu && config.keymap.command(for: .function(9)) == nil
        )
        #expect(config.thresholds.starvingSeconds == 2)
        let reparsed = try UserConfig.parse(config.fileText, file: "printed.toml")
        #expect(reparsed.keymap == config.keymap && reparsed.refreshMilliseconds == 200)
        #expect(UserConfig().fileText.contains("quit = [ \"q\", \"f10\" ]"), "written by TOMLKit (toml++ spacing)")
    }

    @Test(
        "a bad config names file, line and key; memtop starts with the defaults",
        arguments: [
            ("refresh_ms = 10\n", 1, "refresh_ms"),
            ("theme = \"x\"\n[keys]\nquit = \"ctrl-alt-q\"\n", 3, "keys.quit"),
            ("[keys]\nexplode = \"e\"\n", 2, "explode"),
            ("source = \"http://x\"\n", 1, "source"),
            ("[warnings]\nstarving_seconds = \"soon\"\n", 2, "warnings.starving_seconds"),
        ]
    )
    func badConfig(text: String, line: Int, key: String) throws {
        let file = temporaryURL("config.toml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: PatinoxError.self) { try UserConfig.load(path: file.path) }
        let settings = UISettings.resolve(
            configPath: file.path,
            theme: nil,
            refresh: nil,
            ascii: false,
            readOnly: false,
            environment: [:],
            themeFolders: []
        )
        #expect(settings.warnings.first?.contains("\(file.path):\(line)") == true, "\(settings.warnings)")
        #expect(settings.warnings.first?.contains(key) == true)
        #expect(settings.config.refreshMilliseconds == 500 && settings.options.keymap == .standard)
        #expect(try UserConfig.load(path: "/nonexistent/config.toml") == UserConfig())
    }

    @Test("keys have config names both ways")
    func keyNames() {
        for key in [Key.character("q"), .character(" "), .tab, .backTab, .up, .function(9), .escape, .enter, .pageDown]
        {
            #expect(Key(configName: key.configName) == key)
        }
        #expect(Key(configName: "F12") == .function(12) && Key(configName: "f13") == nil && Key(configName: "") == nil)
    }
}

extension ThemeAndConfigTests {
    @Test("[broker] gives the broker options of a tls:// source; it reads back, and a bad key names its line")
    func brokerTable() throws {
        let config = try UserConfig.parse(
            """
            source = "tls://broker.internal:4222"
            [broker]
            tls_ca = "/etc/memtop/ca.pem"
            creds = "/home/me/viewer.creds"
            tls_first = true
            """,
            file: "config.toml"
        )
        #expect(config.source == "tls://broker.internal:4222")
        #expect(
            config.broker.arguments == [
                "--tls-ca", "/etc/memtop/ca.pem", "--creds", "/home/me/viewer.creds", "--tls-first",
            ]
        )
        #expect(try UserConfig.parse(config.fileText, file: "printed.toml") == config)
        #expect(!UserConfig().fileText.contains("[broker]"), "no table when nothing is set")
        do {
            _ = try UserConfig.parse("[broker]\npassword = \"s3cret\"\n", file: "config.toml")
            Issue.record("a password in the config was accepted")
        } catch {
            #expect(error.description.contains("config.toml") && error.description.contains("password"), "\(error)")
        }
        #expect(throws: PatinoxError.self) { try UserConfig.parse("[broker]\nnkey = \"\"\n", file: "c.toml") }
    }
}
