import Foundation
import TOMLKit

/// Writes a TOML file line by line: the layout (order, sections, comments) is the caller's, every key and
/// value is written by TOMLKit (toml++), which quotes and escapes them — a key binding such as `"` or `\`
/// or a name with control characters comes back as it went in.
///
/// ```swift
/// var file = TOMLWriter()
/// file.comment("memtop theme 'dark'")
/// file.set("name", "dark")
/// file.section("roles")
/// file.set("text", "white on black")
/// print(file.text)
/// ```
public struct TOMLWriter {
    private var lines: [String] = []

    /// An empty file.
    public init() {}

    /// The file so far, ending with a newline.
    public var text: String { lines.joined(separator: "\n") + "\n" }

    /// A `# comment` line (each line of `text` becomes one).
    public mutating func comment(_ text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) { lines.append("# \(line)") }
    }

    /// An empty line.
    public mutating func blankLine() { lines.append("") }

    /// A `[name]` header: the keys set after it belong to that table.
    public mutating func section(_ name: String) {
        if let last = lines.last, !last.isEmpty { blankLine() }
        let header = TOMLTable()
        header[name] = TOMLTable()
        lines.append(Self.render(header))
    }

    /// A `key = "value"` line.
    public mutating func set(_ key: String, _ value: String) { append(key, value) }

    /// A `key = 12` line.
    public mutating func set(_ key: String, _ value: Int) { append(key, value) }

    /// A `key = 0.5` line.
    public mutating func set(_ key: String, _ value: Double) { append(key, value) }

    /// A `key = true` line.
    public mutating func set(_ key: String, _ value: Bool) { append(key, value) }

    /// A `key = [ "a", "b" ]` line.
    public mutating func set(_ key: String, strings: [String]) {
        append(key, TOMLArray(strings.map { $0 as any TOMLValueConvertible }))
    }

    private mutating func append(_ key: String, _ value: any TOMLValueConvertible) {
        let line = TOMLTable()
        line[key] = value
        lines.append(Self.render(line))
    }

    /// toml++'s text for a one-entry table, with basic ("…") strings only, so that what is written reads the
    /// same in every TOML reader.
    private static func render(_ table: TOMLTable) -> String {
        let text = table.convert(to: .toml, options: [.allowUnicodeStrings, .quoteInfinitesAndNaNs])
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
