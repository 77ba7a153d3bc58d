/// Where each key of a TOML document sits, by key path (`pool.maximum`, `phase[1].rate`), so that errors
/// found after parsing — a wrong type, a value out of range, an unknown key — can name the line.
///
/// TOMLKit reports positions for syntax errors only; this index is rebuilt from the text with a small line
/// scanner that understands table headers, arrays of tables, dotted and quoted keys, comments and
/// multi-line strings. It never fails: a key it cannot place simply has no line.
struct TOMLLineIndex: Sendable {
    private(set) var lines: [String: Int] = [:]

    init(text: String) {
        var table = ""
        var arrayCounts: [String: Int] = [:]
        var openMultiline: Substring? = nil
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            if let delimiter = openMultiline {
                if rawLine.contains(delimiter) { openMultiline = nil }
                continue
            }
            let line = Self.stripComment(rawLine).trimmingSpaces()
            if line.isEmpty { continue }
            if line.hasPrefix("[[") && line.hasSuffix("]]") {
                let name = Self.normalise(line.dropFirst(2).dropLast(2))
                let index = arrayCounts[name, default: 0]
                arrayCounts[name] = index + 1
                table = "\(name)[\(index)]"
                lines[table] = lineNumber
                lines[name] = lines[name] ?? lineNumber
            } else if line.hasPrefix("[") && line.hasSuffix("]") {
                table = Self.normalise(line.dropFirst().dropLast())
                lines[table] = lineNumber
            } else if let equals = Self.assignment(in: line) {
                let key = Self.normalise(line[..<equals])
                let path = table.isEmpty ? key : "\(table).\(key)"
                lines[path] = lineNumber
                let value = line[line.index(after: equals)...].trimmingSpaces()
                for delimiter in ["\"\"\"", "'''"] where value.hasPrefix(delimiter) {
                    if !value.dropFirst(3).contains(delimiter) { openMultiline = Substring(delimiter) }
                }
            }
        }
    }

    /// The line of `path`, or of the closest enclosing table that has one.
    func line(of path: String) -> Int? {
        var candidate = Substring(path)
        while true {
            if let line = lines[String(candidate)] { return line }
            guard let dot = candidate.lastIndex(of: ".") else { return nil }
            candidate = candidate[..<dot]
        }
    }

    /// `a . "b c"` → `a.b c`: the key path with quotes and spaces around dots removed.
    private static func normalise(_ key: Substring) -> String {
        key.split(separator: ".").map { part in
            var part = part.trimmingSpaces()
            if part.count >= 2, let first = part.first, first == "\"" || first == "'", part.last == first {
                part = part.dropFirst().dropLast()
            }
            return String(part)
        }.joined(separator: ".")
    }

    /// The `=` of a `key = value` line (outside quoted keys), if there is one.
    private static func assignment(in line: Substring) -> Substring.Index? { firstUnquoted("=", in: line) }

    /// The line without a trailing `# comment` (a `#` inside a string is kept).
    private static func stripComment(_ line: Substring) -> Substring {
        firstUnquoted("#", in: line).map { line[..<$0] } ?? line
    }

    /// The first `target` outside single- or double-quoted text.
    private static func firstUnquoted(_ target: Character, in line: Substring) -> Substring.Index? {
        var quote: Character? = nil
        for index in line.indices {
            let character = line[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == target {
                return index
            }
        }
        return nil
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" || first == "\r" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" || last == "\r" { result = result.dropLast() }
        return result
    }
}
