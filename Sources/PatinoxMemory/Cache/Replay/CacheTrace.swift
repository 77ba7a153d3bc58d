/// The layouts of cache trace files.
public enum TraceFormat: String, Sendable, CaseIterable {
    /// One integer key per line (LIRS traces): CR/LF line ends, blank lines and `*` marker lines skipped.
    case lirs
    /// ARC traces: `start count x y` per line, meaning `count` consecutive keys from `start`.
    case arc
}

/// Parses cache traces into the keys they request, in order.
public enum CacheTrace {
    /// Parses `bytes` (the whole file) in `format`. A line that is not a key stops with a
    /// ``PatinoxError/Code/invalidInput`` naming the file and line.
    public static func parse(_ bytes: [UInt8], format: TraceFormat, file: String) throws(PatinoxError) -> [Int] {
        var keys: [Int] = []
        keys.reserveCapacity(bytes.count / 6)
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            lineNumber += 1
            try parseLine(bytes[start..<end], format: format, into: &keys, file: file, line: lineNumber)
            start = end + 1
        }
        return keys
    }

    private static func parseLine(
        _ line: ArraySlice<UInt8>,
        format: TraceFormat,
        into keys: inout [Int],
        file: String,
        line lineNumber: Int
    ) throws(PatinoxError) {
        let fields = line.split(whereSeparator: { $0 == 32 || $0 == 9 || $0 == 13 })
        guard let first = fields.first else { return }  // blank
        if first.first == UInt8(ascii: "*") { return }  // LIRS marker line
        func bad(_ why: String) -> PatinoxError {
            .invalidTraceLine(
                file: file,
                line: lineNumber,
                text: String(decoding: line.prefix(60), as: UTF8.self),
                why: why
            )
        }
        switch format {
        case .lirs:
            guard fields.count == 1, let key = Int(String(decoding: first, as: UTF8.self)) else {
                throw bad("expected one integer key")
            }
            keys.append(key)
        case .arc:
            guard fields.count >= 2, let from = Int(String(decoding: first, as: UTF8.self)),
                let count = Int(String(decoding: fields[1], as: UTF8.self)), count >= 0, count <= 1 << 24
            else {
                throw bad("expected `start count …` with integers")
            }
            for offset in 0..<count { keys.append(from &+ offset) }
        }
    }
}

extension PatinoxError {
    static func invalidTraceLine(file: String, line: Int, text: String, why: String) -> PatinoxError {
        .invalidInput(
            .cache,
            name: "trace",
            operation: "parse",
            file: file,
            line: line,
            message: "'\(text)' is not a key: \(why).",
            hint: "fix or remove that line, or pick the other --format (lirs or arc)."
        )
    }
}
