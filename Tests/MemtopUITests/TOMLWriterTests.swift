import MemtopTOML
import Testing

@testable import MemtopUI

/// Files memtop writes (`--print-config`, themes) go through TOMLKit: awkward values come back as they went in.
@Suite("TOML writing (TOMLKit)")
struct TOMLWriterTests {
    @Test("quotes, backslashes, control characters, non-ASCII text and odd keys survive a round trip")
    func awkwardValues() throws {
        var file = TOMLWriter()
        file.comment("two\nlines")
        file.set("plain", "a \"quoted\" back\\slash\ttab\u{01}bell é 漢")
        file.set("odd key.with dots", 3)
        file.set("ratio", 0.25)
        file.set("flag", true)
        file.section("keys")
        file.set("quit", strings: ["\"", "\\", "q"])
        let text = file.text
        #expect(text.hasPrefix("# two\n# lines\n"))
        let document = try TOMLDocument(text: text, file: "written.toml", component: .engine)
        #expect(try document.root.string("plain") == "a \"quoted\" back\\slash\ttab\u{01}bell é 漢")
        #expect(try document.root.int("odd key.with dots", in: 0...10) == 3)
        #expect(try document.root.double("ratio", in: 0...1) == 0.25)
        #expect(try document.root.section("keys")?.strings("quit") == ["\"", "\\", "q"])
    }

    @Test("a configuration binding \" and \\ prints and reads back to the same keymap")
    func configWithQuoteKeys() throws {
        let config = try UserConfig.parse(
            """
            [keys]
            quit = ["\\"", "\\\\"]
            """,
            file: "config.toml"
        )
        #expect(config.keymap.command(for: .character("\"")) == .quit)
        let reparsed = try UserConfig.parse(config.fileText, file: "printed.toml")
        #expect(reparsed.keymap == config.keymap)
        #expect(reparsed.keymap.command(for: .character("\\")) == .quit)
    }

    @Test("a theme whose name has a quote writes a file that reads back to an equal theme")
    func themeName() throws {
        var theme = Theme.builtin[0]
        theme.name = "my \"own\" theme"
        #expect(try Theme.parse(theme.fileText, file: "own.toml") == theme)
    }
}
