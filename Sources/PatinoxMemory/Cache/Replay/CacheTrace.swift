/// The layouts of cache trace files.
public enum TraceFormat: String, Sendable, CaseIterable {
    /// One integer key per line (LIRS traces): CR/LF line ends, blank lines and `*` marker lines skipped.
    case lirs
    /// ARC traces: `start count x y` per line, meaning `count` consecutive keys from `start`.
    case arc
}

/// Parses cache traces into the keys they request, in order.
public enum CacheTrace {
    /// The most keys one ARC line may stand for: 2²⁴ (published ARC traces' lines stand for at most a few
    /// thousand blocks).
    public static let maximumRun = 1 << 24
    /// The most keys a trace may request in all, 2²⁷ (134,217,728 keys, 1 GiB of them): a few ARC lines of
    /// ``maximumRun`` keys each cannot make a parse allocate without bound. The largest published traces
    /// request about 10⁸ keys at most.
    public static let maximumKeys = 1 << 27

    /// Parses `bytes` (the whole file) in `format`. A line that is not a key, or one that takes the trace over
    /// `maximumKeys` requests, stops with a ``PatinoxError/Code/invalidInput`` naming the file and line.
    public static func parse(
        _ bytes: [UInt8],
        format: TraceFormat,
        file: String,
        maximumKeys: Int = maximumKeys
    ) throws(PatinoxError) -> [Int] {
        var keys: [Int] = []
        keys.reserveCapacity(min(bytes.count / 6, max(maximumKeys, 0)))
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            lineNumber += 1
            try parseLine(
                bytes[start..<end],
                format: format,
                into: &keys,
                limit: maximumKeys,
                file: file,
                line: lineNumber
            )
            start = end + 1
        }
        return keys
    }

    private static func parseLine(
        _ line: ArraySlice<UInt8>,
        format: TraceFormat,
        into keys: inout [Int],
        limit: Int,
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
        func tooMany(_ count: Int) -> PatinoxError {
            .invalidTraceLine(
                file: file,
                line: lineNumber,
                message: "'\(String(decoding: line.prefix(60), as: UTF8.self))' takes the trace over \(limit) "
                    + "requests (\(keys.count) before this line, \(count) on it).",
                hint: "replay a part of the trace (head -n LINES), or split it."
            )
        }
        switch format {
        case .lirs:
            guard fields.count == 1, let key = Int(String(decoding: first, as: UTF8.self)) else {
                throw bad("expected one integer key")
            }
            guard keys.count < limit else { throw tooMany(1) }
            keys.append(key)
        case .arc:
            guard fields.count >= 2, let from = Int(String(decoding: first, as: UTF8.self)),
                let count = Int(String(decoding: fields[1], as: UTF8.self))
            else {
                throw bad("expected `start count …` with integers")
            }
            guard (0...maximumRun).contains(count) else {
                throw bad("the count \(count) is outside 0...\(maximumRun)")
            }
            // keys.count <= limit, so the difference cannot overflow.
            guard count <= limit - keys.count else { throw tooMany(count) }
            for offset in 0..<count { keys.append(from &+ offset) }
        }
    }
}

extension PatinoxError {
    static func invalidTraceLine(file: String, line: Int, text: String, why: String) -> PatinoxError {
        invalidTraceLine(
            file: file,
            line: line,
            message: "'\(text)' is not a key: \(why).",
            hint: "fix or remove that line, or pick the other --format (lirs or arc)."
        )
    }

    static func invalidTraceLine(file: String, line: Int, message: String, hint: String) -> PatinoxError {
        .invalidInput(.cache, name: "trace", operation: "parse", file: file, line: line, message: message, hint: hint)
    }
}
