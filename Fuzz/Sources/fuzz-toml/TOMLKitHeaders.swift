/// The line of the first place where the toml++ inside TOMLKit 0.6.0 (toml++ 3.4.0) aborts the process, or nil.
/// Two of its parser's preconditions are `assert`s, live in every SwiftPM build (debug or release) and reachable
/// from text:
/// - `parse_table_header()` hands `parse_key()` whatever follows `[` or `[[` (and spaces), and `parse_key()`
///   asserts that it starts a key: `[=]`, `[.a]`, `[#]`, `[é]` (fixed upstream in marzer/tomlplusplus#301, in no
///   TOMLKit release yet);
/// - `parse_array()` hands `parse_value()` a `}` where a value should be, and `parse_value()` asserts that no
///   value ends there: `a = [}` or `a = [1, }`.
///
/// The same function, as `TOMLDocument.lineTOMLKitAbortsOn(_:)`, is to let `TOMLDocument.init` reject such a text
/// with a syntax error before TOMLKit sees it; until then fuzz-toml keeps these inputs from the parsers (and checks
/// that nothing this lets through aborts).
///
/// The text is read as toml++ reads it: a header is a `[` that starts a line (after spaces and tabs, and a UTF-8
/// byte order mark on the first) outside a multi-line string and outside the arrays and inline tables of a value;
/// a value is expected after an array's `[` or `,`, with spaces, line breaks and comments between.
func lineTOMLKitAbortsOn(_ text: String) -> Int? {
    let bytes = Array(text.utf8)
    func at(_ index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }
    func isSpace(_ byte: UInt8?) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
    /// What `parse_key()` accepts first (a bare-key character or a quote), or what makes the header a plain
    /// syntax error before it is called (`]`, the end of the text).
    func startsKey(_ byte: UInt8?) -> Bool {
        guard let byte else { return true }
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "\""),
            UInt8(ascii: "'"), UInt8(ascii: "]"):
            return true
        default: return false
        }
    }
    var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    var line = 1
    var open: [UInt8] = []  // the `[` and `{` of the value being read, innermost last
    var atLineStart = true
    var expectingValue = false  // just after an array's `[` or `,`
    /// Skips a string opened at `index` by `quote` (one, or three for a multi-line one), counting its lines.
    func skipString(_ quote: UInt8) {
        let multiline = at(index + 1) == quote && at(index + 2) == quote
        index += multiline ? 3 : 1
        while let byte = at(index) {
            if byte == quote && (!multiline || (at(index + 1) == quote && at(index + 2) == quote)) {
                index += multiline ? 3 : 1
                return
            }
            if byte == UInt8(ascii: "\n") {
                guard multiline else { return }  // a one-line string ends at the line's end (toml++: an error)
                line += 1
            }
            // A backslash escapes the next character in basic strings; a line break after it still counts.
            if byte == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") && at(index + 1) != UInt8(ascii: "\n") {
                index += 1
            }
            index += 1
        }
    }
    while let byte = at(index) {
        if atLineStart {
            if isSpace(byte) {
                index += 1
                continue
            }
            atLineStart = false
            if byte == UInt8(ascii: "["), open.isEmpty {
                var next = index + 1
                while isSpace(at(next)) { next += 1 }
                // `[[` must be contiguous (`[ [` is a plain syntax error).
                if at(next) == UInt8(ascii: "[") && next == index + 1 {
                    next += 1
                    while isSpace(at(next)) { next += 1 }
                }
                if !startsKey(at(next)) { return line }
                while let rest = at(index), rest != UInt8(ascii: "\n") { index += 1 }  // a header takes one line
                continue
            }
        }
        if expectingValue && byte == UInt8(ascii: "}") { return line }
        if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") && byte != UInt8(ascii: "\r")
            && byte != UInt8(ascii: "\n") && byte != UInt8(ascii: "#")
        {
            expectingValue = false
        }
        switch byte {
        case UInt8(ascii: "\n"):
            line += 1
            atLineStart = true
        case UInt8(ascii: "#"):
            while let rest = at(index + 1), rest != UInt8(ascii: "\n") { index += 1 }
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            skipString(byte)
            continue
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            open.append(byte)
            expectingValue = byte == UInt8(ascii: "[")
        case UInt8(ascii: "]"), UInt8(ascii: "}"):
            if !open.isEmpty { open.removeLast() }
        case UInt8(ascii: ","): expectingValue = open.last == UInt8(ascii: "[")
        default: break
        }
        index += 1
    }
    return nil
}
