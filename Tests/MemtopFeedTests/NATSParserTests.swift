import Testing

@testable import MemtopFeed

@Suite("NATS protocol parser")
struct NATSParserTests {
    static let stream = Array(
        ("INFO {\"server_id\":\"X\",\"version\":\"2.9.10\",\"max_payload\":1048576,\"auth_required\":true}\r\n"
            + "+OK\r\nPING\r\nPONG\r\nMSG memtop.v1.a.snapshot 3 5\r\nhello\r\n"
            + "MSG memtop.v1.a.control 7 _INBOX.x.1 2\r\n{}\r\n-ERR 'Authorization Violation'\r\n").utf8
    )

    static let expected: [NATSServerMessage] = [
        .info(NATSServerInfo(serverID: "X", version: "2.9.10", maxPayload: 1_048_576, authRequired: true)),
        .ok, .ping, .pong,
        .message(subject: "memtop.v1.a.snapshot", sid: 3, replyTo: nil, payload: Array("hello".utf8)),
        .message(subject: "memtop.v1.a.control", sid: 7, replyTo: "_INBOX.x.1", payload: Array("{}".utf8)),
        .error("Authorization Violation"),
    ]

    @Test("a stream parses the same whole or cut at every byte")
    func fragments() throws {
        var whole = NATSParser()
        #expect(try whole.feed(Self.stream) == Self.expected)
        #expect(whole.maximumPayload == 1_048_576)
        for cut in 1..<Self.stream.count {
            var parser = NATSParser()
            let messages = try parser.feed(Self.stream[..<cut]) + parser.feed(Self.stream[cut...])
            #expect(messages == Self.expected, "cut at \(cut)")
        }
        var bytewise = NATSParser()
        var messages: [NATSServerMessage] = []
        for byte in Self.stream { messages += try bytewise.feed([byte]) }
        #expect(messages == Self.expected)
    }

    @Test("payloads may hold CRLF and be empty; verbs are case-insensitive")
    func payloads() throws {
        var parser = NATSParser()
        let messages = try parser.feed(Array("msg s 1 4\r\na\r\nb\r\nMSG s 1 0\r\n\r\nping\r\n".utf8))
        #expect(
            messages == [
                .message(subject: "s", sid: 1, replyTo: nil, payload: Array("a\r\nb".utf8)),
                .message(subject: "s", sid: 1, replyTo: nil, payload: []), .ping,
            ]
        )
    }

    @Test("MSG lines read from their bytes mean what the text reading gave: spaces, case, signs, long numbers")
    func messageLines() throws {
        var parser = NATSParser()
        let messages = try parser.feed(
            Array(
                ("MsG   a.b   12   _INBOX.r   3  \r\nabc\r\n"  // extra spaces, mixed case, a reply subject
                    + "MSG s +4 1\r\nx\r\n"  // a signed sid: not the bytes' form, the text reading takes it
                    + "MSG s 1 0000000000000000002\r\nyz\r\n"  // 19 digits: past the bytes' limit, still 2
                    + "MSG \u{E9}t\u{E9} 1 0\r\n\r\n").utf8  // a UTF-8 subject
            )
        )
        #expect(
            messages == [
                .message(subject: "a.b", sid: 12, replyTo: "_INBOX.r", payload: Array("abc".utf8)),
                .message(subject: "s", sid: 4, replyTo: nil, payload: Array("x".utf8)),
                .message(subject: "s", sid: 1, replyTo: nil, payload: Array("yz".utf8)),
                .message(subject: "\u{E9}t\u{E9}", sid: 1, replyTo: nil, payload: []),
            ]
        )
        for line in ["MSG s 1 2 3 4\r\n", "MSG s 1 -2\r\n", "MSG s 1 2x\r\n", "MSGX s 1 2\r\n"] {
            var strict = NATSParser()
            #expect(throws: NATSProtocolError.self, "\(line)") { try strict.feed(Array(line.utf8)) }
        }
    }

    @Test(
        "malformed input is a protocol error, never a crash",
        arguments: [
            "HELLO\r\n", "MSG s x 3\r\nabc\r\n", "MSG s 1\r\n", "MSG s 1 -4\r\n", "MSG s 1 3\r\nabcXY",
            "INFO {not json}\r\n", "MSG a b c d e f\r\n",
        ]
    )
    func malformed(text: String) {
        var parser = NATSParser()
        #expect(throws: NATSProtocolError.self) { try parser.feed(Array(text.utf8)) }
    }

    @Test("limits: an endless control line and a payload over max_payload are refused")
    func limits() throws {
        var parser = NATSParser(maximumPayload: 10)
        #expect(throws: NATSProtocolError.self) { try parser.feed(Array("MSG s 1 11\r\n".utf8)) }
        var endless = NATSParser()
        #expect(throws: NATSProtocolError.self) {
            try endless.feed([UInt8](repeating: UInt8(ascii: "A"), count: NATSParser.maximumControlLine + 10))
        }
        var info = NATSParser()
        _ = try info.feed(Array("INFO {\"max_payload\":100}\r\n".utf8))
        #expect(throws: NATSProtocolError.self) { try info.feed(Array("MSG s 1 101\r\n".utf8)) }
    }

    @Test("a hostile INFO cannot lift max_payload past the ceiling; a MSG of Int.max bytes is refused, not a trap")
    func hostileSizes() throws {
        var parser = NATSParser()
        _ = try parser.feed(Array("INFO {\"max_payload\":9223372036854775807}\r\n".utf8))
        #expect(parser.maximumPayload == NATSParser.payloadCeiling)
        #expect(throws: NATSProtocolError.self) { try parser.feed(Array("MSG a 1 9223372036854775807\r\n".utf8)) }
        var negative = NATSParser()
        _ = try negative.feed(Array("INFO {\"max_payload\":-5}\r\n".utf8))
        #expect(negative.maximumPayload == NATSParser.payloadCeiling, "a non-positive limit is ignored")
        #expect(NATSParser(maximumPayload: .max).maximumPayload == NATSParser.payloadCeiling)
    }

    @Test("an empty or all-space line does not stall the messages buffered behind it")
    func emptyLines() throws {
        var parser = NATSParser()
        let messages = try parser.feed(Array("\r\n   \r\nPING\r\nMSG s 1 2\r\nhi\r\n\r\nPONG\r\n".utf8))
        #expect(messages == [.ping, .message(subject: "s", sid: 1, replyTo: nil, payload: Array("hi".utf8)), .pong])
    }
}
