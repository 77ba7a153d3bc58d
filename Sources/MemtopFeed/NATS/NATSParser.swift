/// A message from a NATS server.
public enum NATSServerMessage: Hashable, Sendable {
    case info(NATSServerInfo)
    case message(subject: String, sid: Int, replyTo: String?, payload: [UInt8])
    case ping
    case pong
    case ok
    case error(String)
}

/// What the server says about itself in INFO (the fields memtop uses).
public struct NATSServerInfo: Hashable, Sendable, Decodable {
    public var serverID: String?
    public var version: String?
    public var maxPayload: Int?
    public var authRequired: Bool?
    public var headers: Bool?
    /// What an NKEY or JWT login signs (present when the server takes such logins).
    public var nonce: String?
    /// The server takes only TLS: the client upgrades after this INFO, before CONNECT.
    public var tlsRequired: Bool?
    /// The server checks client certificates (mutual TLS).
    public var tlsVerify: Bool?
    /// The server takes TLS and plain connections alike (`allow_non_tls`).
    public var tlsAvailable: Bool?
    /// The other servers of its cluster a client may use (`HOST:PORT` each).
    public var connectURLs: [String]?
    /// The server is in lame-duck mode: about to shut down, clients should move.
    public var lameDuck: Bool?

    enum CodingKeys: String, CodingKey {
        case serverID = "server_id"
        case version
        case maxPayload = "max_payload"
        case authRequired = "auth_required"
        case headers
        case nonce
        case tlsRequired = "tls_required"
        case tlsVerify = "tls_verify"
        case tlsAvailable = "tls_available"
        case connectURLs = "connect_urls"
        case lameDuck = "ldm"
    }
}

/// A protocol error: the stream cannot be trusted after it (the connection is closed and reopened).
public struct NATSProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
}

/// The NATS client protocol's server side, parsed incrementally: feed it bytes as they arrive, in any
/// fragments, and it returns the complete messages. A pure value (no I/O), fuzzed in Fuzz/.
public struct NATSParser: Sendable {
    /// The longest control line accepted (the server's own limit is 4096).
    public static let maximumControlLine = 4_096
    /// The most a server's INFO can raise the payload limit to: a hostile or broken server's `max_payload`
    /// cannot make us wait for (or buffer) more than this per message.
    public static let payloadCeiling = 64 * 1_048_576
    /// The largest payload accepted; the server's max_payload when it told us (at most ``payloadCeiling``).
    public private(set) var maximumPayload: Int
    private var buffer: [UInt8] = []
    private var start = 0
    /// A MSG header waiting for its payload.
    private var pending: (subject: String, sid: Int, replyTo: String?, count: Int)?

    public init(maximumPayload: Int = payloadCeiling) {
        self.maximumPayload = min(max(maximumPayload, 0), Self.payloadCeiling)
    }

    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(NATSProtocolError) -> [NATSServerMessage] {
        buffer.append(contentsOf: bytes)
        var messages: [NATSServerMessage] = []
        while let message = try next() { messages.append(message) }
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        return messages
    }

    private mutating func next() throws(NATSProtocolError) -> NATSServerMessage? {
        while true {
            guard let message = try nextFrame() else { return nil }
            if let message { return message }  // an empty or all-space line is skipped, not a stop
        }
    }

    /// The next message, `.some(nil)` for a line that carries none, `nil` when more bytes are needed.
    private mutating func nextFrame() throws(NATSProtocolError) -> NATSServerMessage?? {
        if let header = pending {
            // header.count <= payloadCeiling, so neither side can overflow.
            guard buffer.count - start - 2 >= header.count else { return nil }
            let payload = Array(buffer[start..<(start + header.count)])
            guard buffer[start + header.count] == 13, buffer[start + header.count + 1] == 10 else {
                throw NATSProtocolError(description: "payload of \(header.count) bytes not followed by CRLF")
            }
            start += header.count + 2
            pending = nil
            return .some(.message(subject: header.subject, sid: header.sid, replyTo: header.replyTo, payload: payload))
        }
        guard let end = lineEnd() else {
            if buffer.count - start > Self.maximumControlLine {
                throw NATSProtocolError(description: "control line longer than \(Self.maximumControlLine) bytes")
            }
            return nil
        }
        let line = start..<end
        start = end + 2
        if let header = messageHeader(line) {
            guard header.count <= maximumPayload else {
                throw NATSProtocolError(
                    description: "MSG of \(header.count) bytes exceeds the \(maximumPayload)-byte limit"
                )
            }
            pending = header
            return try nextFrame()
        }
        return .some(try parse(String(decoding: buffer[line], as: UTF8.self)))
    }

    /// A well-formed `MSG <subject> <sid> [reply-to] <#bytes>` line read from its bytes — one per message, ten
    /// thousand a second in a large fleet: no line string, no array of words. Nil for any other line, and for a
    /// MSG line in any other form: ``parse(_:)`` then reads it as text and says what is wrong with it.
    private func messageHeader(_ line: Range<Int>) -> (subject: String, sid: Int, replyTo: String?, count: Int)? {
        var index = line.lowerBound
        guard let verb = word(&index, before: line.upperBound), verb.count == 3,
            buffer[verb.lowerBound] | 0x20 == UInt8(ascii: "m"),
            buffer[verb.lowerBound + 1] | 0x20 == UInt8(ascii: "s"),
            buffer[verb.lowerBound + 2] | 0x20 == UInt8(ascii: "g"),
            let subject = word(&index, before: line.upperBound), let sid = word(&index, before: line.upperBound),
            let fourth = word(&index, before: line.upperBound)
        else { return nil }
        let fifth = word(&index, before: line.upperBound)
        guard word(&index, before: line.upperBound) == nil, let sid = decimal(sid), let count = decimal(fifth ?? fourth)
        else { return nil }
        let replyTo = fifth == nil ? nil : String(decoding: buffer[fourth], as: UTF8.self)
        return (String(decoding: buffer[subject], as: UTF8.self), sid, replyTo, count)
    }

    /// The next word of a control line from `index` (words are separated by spaces), moving past it.
    private func word(_ index: inout Int, before end: Int) -> Range<Int>? {
        while index < end, buffer[index] == UInt8(ascii: " ") { index += 1 }
        let first = index
        while index < end, buffer[index] != UInt8(ascii: " ") { index += 1 }
        return index > first ? first..<index : nil
    }

    /// A word of at most 18 ASCII digits (so it cannot overflow), nil for anything else.
    private func decimal(_ word: Range<Int>) -> Int? {
        guard word.count <= 18 else { return nil }
        var value = 0
        for index in word {
            let digit = buffer[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    private func lineEnd() -> Int? {
        var index = start
        let limit = min(buffer.count - 1, start + Self.maximumControlLine)
        while index < limit {
            if buffer[index] == 13 && buffer[index + 1] == 10 { return index }
            index += 1
        }
        return nil
    }

    private mutating func parse(_ line: String) throws(NATSProtocolError) -> NATSServerMessage? {
        // Split on the bytes, not on Characters: a MSG line per message, ten thousand a second in a large fleet.
        let words = line.utf8.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true).map(Substring.init)
        guard let verb = words.first?.uppercased() else { return nil }  // an empty line is ignored
        switch verb {
        case "PING": return .ping
        case "PONG": return .pong
        case "+OK": return .ok
        case "-ERR":
            let text = line.dropFirst(4).trimmingCharacters(in: " '")
            return .error(text)
        case "INFO":
            let json = line.dropFirst(4).drop { $0 == " " }
            guard let info = NATSJSON.decodeInfo(Array(json.utf8)) else {
                throw NATSProtocolError(description: "INFO without valid JSON")
            }
            if let maximum = info.maxPayload, maximum > 0 { maximumPayload = min(maximum, Self.payloadCeiling) }
            return .info(info)
        case "MSG":
            guard words.count == 4 || words.count == 5, let sid = Int(words[2]),
                let count = Int(words[words.count - 1]),
                count >= 0
            else {
                throw NATSProtocolError(description: "malformed MSG line '\(line.prefix(200))'")
            }
            guard count <= maximumPayload else {
                throw NATSProtocolError(description: "MSG of \(count) bytes exceeds the \(maximumPayload)-byte limit")
            }
            pending = (String(words[1]), sid, words.count == 5 ? String(words[3]) : nil, count)
            return try nextFrame() ?? nil
        default:
            throw NATSProtocolError(description: "unknown operation '\(verb.prefix(20))'")
        }
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var result = self
        while let first = result.first, set.contains(first) { result = result.dropFirst() }
        while let last = result.last, set.contains(last) { result = result.dropLast() }
        return String(result)
    }
}
