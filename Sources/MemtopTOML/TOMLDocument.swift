import Foundation
import PatinoxMemory
import TOMLKit

/// A parsed TOML file (a scenario, a theme, a user configuration) with typed, validating readers whose
/// every error is a ``PatinoxError`` naming the file, the line and the field.
///
/// ```swift
/// let document = try TOMLDocument(text: text, file: "demo/steady.toml", component: .engine)
/// let pool = try document.root.section("pool")
/// let maximum = try pool?.int("maximum", in: 1...10_000) ?? 10
/// try document.root.rejectUnknownKeys(["name", "pool"])
/// ```
public struct TOMLDocument {
    /// The file name used in errors.
    public let file: String
    /// The top-level table.
    public let root: TOMLSection

    /// Parses `text`; a syntax error names the file, line and column.
    /// - Parameter component: the component family errors are attributed to.
    public init(text: String, file: String, component: ComponentKind) throws(PatinoxError) {
        self.file = file
        let origin = TOMLOrigin(file: file, component: component, index: TOMLLineIndex(text: text))
        do {
            root = TOMLSection(table: try TOMLTable(string: text), path: "", origin: origin)
        } catch let error as TOMLParseError {
            throw origin.error(
                line: error.source.begin.line,
                message: "not valid TOML (column \(error.source.begin.column)): \(error.description)",
                hint: "fix the syntax at that line."
            )
        } catch {
            throw origin.error(line: nil, message: "not valid TOML: \(error)", hint: "fix the file's syntax.")
        }
    }
}

/// Where a document came from: what its errors say.
struct TOMLOrigin {
    var file: String
    var component: ComponentKind
    var index: TOMLLineIndex

    func error(line: Int?, message: String, hint: String) -> PatinoxError {
        .invalidInput(component, name: file, operation: "parse", line: line, message: message, hint: hint)
    }
}

/// One table of a ``TOMLDocument``; readers return `nil` for an absent key and throw for a present but
/// invalid one.
public struct TOMLSection {
    let table: TOMLTable
    /// The key path of this table (`""` for the root, `pool`, `phase[2]`).
    public let path: String
    let origin: TOMLOrigin

    /// The keys present in this table.
    public var keys: [String] { table.keys }

    /// The full path of `key` in this table.
    public func path(of key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The line where `key` (or, failing that, this table) is written.
    public func line(of key: String) -> Int? { origin.index.line(of: path(of: key)) }

    /// An error about `key` that names its line and field.
    public func error(_ key: String, _ message: String, hint: String = "fix the value in the file.") -> PatinoxError {
        origin.error(line: line(of: key), message: "field '\(path(of: key))': \(message)", hint: hint)
    }

    /// Throws for the first key that is not in `allowed` (a typo would otherwise be silently ignored).
    public func rejectUnknownKeys(_ allowed: Set<String>) throws(PatinoxError) {
        for key in table.keys.sorted() where !allowed.contains(key) {
            throw error(
                key,
                "unknown key",
                hint: "remove it or use one of: \(allowed.sorted().joined(separator: ", "))."
            )
        }
    }

    public func string(_ key: String) throws(PatinoxError) -> String? {
        guard let value = table[key] else { return nil }
        guard let string = value.string else { throw mismatch(key, expected: "a string", found: value) }
        return string
    }

    /// A string that must be one of `choices`.
    public func choice(_ key: String, _ choices: [String]) throws(PatinoxError) -> String? {
        guard let string = try string(key) else { return nil }
        guard choices.contains(string) else {
            throw error(key, "'\(string)' is not one of \(choices.map { "'\($0)'" }.joined(separator: ", ")).")
        }
        return string
    }

    /// A string or an array of strings.
    public func strings(_ key: String) throws(PatinoxError) -> [String]? {
        guard let value = table[key] else { return nil }
        if let string = value.string { return [string] }
        guard let array = value.array else {
            throw mismatch(key, expected: "a string or an array of strings", found: value)
        }
        var strings: [String] = []
        for element in array {
            guard let string = element.string else {
                throw error(key, "element \(strings.count + 1) is \(element.type), expected a string.")
            }
            strings.append(string)
        }
        return strings
    }

    public func bool(_ key: String) throws(PatinoxError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let bool = value.bool else { throw mismatch(key, expected: "true or false", found: value) }
        return bool
    }

    public func int(_ key: String, in range: ClosedRange<Int>) throws(PatinoxError) -> Int? {
        guard let value = table[key] else { return nil }
        guard let int = value.int else { throw mismatch(key, expected: "an integer", found: value) }
        guard range.contains(int) else {
            throw error(key, "\(int) is outside \(range.lowerBound)...\(range.upperBound).")
        }
        return int
    }

    /// A number (an integer is accepted where a fraction is allowed).
    public func double(_ key: String, in range: ClosedRange<Double>) throws(PatinoxError) -> Double? {
        guard let value = table[key] else { return nil }
        guard let number = value.double ?? value.int.map(Double.init), number.isFinite else {
            throw mismatch(key, expected: "a number", found: value)
        }
        guard range.contains(number) else {
            throw error(key, "\(number) is outside \(range.lowerBound)...\(range.upperBound).")
        }
        return number
    }

    public func section(_ key: String) throws(PatinoxError) -> TOMLSection? {
        guard let value = table[key] else { return nil }
        guard let table = value.table else { throw mismatch(key, expected: "a table", found: value) }
        return TOMLSection(table: table, path: path(of: key), origin: origin)
    }

    /// An array of tables (`[[key]]`), each a section with path `key[i]`.
    public func sections(_ key: String) throws(PatinoxError) -> [TOMLSection] {
        guard let value = table[key] else { return [] }
        guard let array = value.array else { throw mismatch(key, expected: "an array of tables", found: value) }
        var sections: [TOMLSection] = []
        for (offset, element) in array.enumerated() {
            guard let table = element.table else {
                throw error(key, "element \(offset + 1) is \(element.type), expected a table ([[\(key)]]).")
            }
            sections.append(TOMLSection(table: table, path: "\(path(of: key))[\(offset)]", origin: origin))
        }
        return sections
    }

    private func mismatch(_ key: String, expected: String, found value: any TOMLValueConvertible) -> PatinoxError {
        error(key, "expected \(expected), found \(value.type) \(value.debugDescription).")
    }
}

extension TOMLDocument {
    /// The text of a settings file (`what`: "scenario", "theme", "config"), or an error naming the path.
    public static func readText(path: String, what: String, hint: String) throws(PatinoxError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .invalidInput(
                .configuration,
                name: path,
                operation: "read \(what)",
                message: "cannot read the \(what) file: \(error.localizedDescription)",
                hint: hint,
                underlying: error
            )
        }
    }
}
