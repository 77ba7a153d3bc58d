import Foundation
import MemtopSource
import PatinoxMemory
import Testing

@Suite("SummaryReader: the publishers' shape read without Codable, and the same answer as JSONDecoder")
struct SummaryReaderTests {
    func decoded(_ text: String) -> EngineSummary? {
        try? JSONDecoder().decode(EngineSummary.self, from: Data(text.utf8))
    }

    static let example = """
        {"summaryVersion":1,"engine":"search-1","service":"search","instance":"1","labels":{"region":"eu-west"},\
        "takenAt":10126113254109,"health":"degraded","reasons":["pool/inventory-db: 2 caller(s) waiting"],\
        "pools":[{"name":"inventory-db","leased":1,"maximum":10,"waiters":2,"timeoutsPerSecond":0.5,\
        "waitingSeconds":3}],"caches":[{"name":"stock","hitRatio":0.1346153846153846},{"name":"cold"}],\
        "guardFailures":87,"faults":0,"warnings":[]}
        """

    @Test("what a publisher writes reads the same as JSONDecoder reads it")
    func publishersShape() throws {
        let read = try #require(EngineSummary.read(Array(Self.example.utf8)))
        #expect(read == decoded(Self.example))
        #expect(read.caches[1].hitRatio == nil && read.labels == ["region": "eu-west"])
        var summarizer = EngineSummarizer(service: "shop", instance: "2", labels: ["a": "b"])
        let snapshot = EngineSnapshot(engine: "shop-2", takenAt: 5)
        let made = summarizer.summary(snapshot)
        let bytes = try StreamingJSONEncoder().encode(made)
        #expect(EngineSummary.read(bytes) == made)
    }

    /// Inputs beside the simple shape: each must be left to JSONDecoder.
    static let outside: [String] = {
        let example: String = Self.example
        var inputs: [String] = [
            #"{"summaryVersion":1}"#, "", "[]", example + "x", example.replacingOccurrences(of: "}", with: ""),
        ]
        let replacements: [(String, String)] = [
            (#""faults":0"#, #""faults":0.5"#), (#""faults":0"#, #""faults":1e2"#), (#""faults":0"#, #""faults":01"#),
            (#""faults":0"#, #""faults":99999999999999999999"#), (#""faults":0"#, #""faults":"0""#),
            (#""faults":0"#, #""faults":0,"faults":1"#), (#""faults":0"#, #""faults":0,"extra":1"#),
            (#""instance":"1""#, #""instance":"2h","instance":"1""#),
            (#""hitRatio":0.1"#, #""hitRatio":null,"hitRatio":0.1"#), ("search-1", #"search\u002d1"#),
            ("0.1346153846153846", ".5"), ("0.1346153846153846", "+0.5"), ("0.1346153846153846", "1e999"),
            (#""health":"degraded""#, #""health":"odd""#),
        ]
        for (from, to) in replacements { inputs.append(example.replacingOccurrences(of: from, with: to)) }
        return inputs
    }()

    @Test(
        "anything outside the simple shape is left to JSONDecoder (nil), never read differently",
        arguments: Self.outside
    )
    func outsideTheShape(_ text: String) {
        #expect(EngineSummary.read(Array(text.utf8)) == nil)
    }

    @Test("nulls for the optional fields, whitespace anywhere, the extremes of Int and UInt64")
    func edges() throws {
        let text = """
             { "summaryVersion" : 1 , "engine":"e","service":"s","instance":null,"labels":null,
            "takenAt":18446744073709551615,"health":"healthy","reasons":[ ],
            "pools":[{"name":"p","leased":-9223372036854775808,"maximum":9223372036854775807,"waiters":-0,
            "timeoutsPerSecond":-1.5E+3,"waitingSeconds":0}],
            "caches":[{"name":"c","hitRatio":null}],"guardFailures":0,"faults":0,"warnings":[] }\t
            """
        let read = try #require(EngineSummary.read(Array(text.utf8)))
        #expect(read == decoded(text))
        #expect(read.takenAt == .max && read.pools[0].leased == .min && read.pools[0].maximum == .max)
        #expect(read.pools[0].timeoutsPerSecond == -1500 && read.instance == nil && read.labels == nil)
        #expect(read.limitProblem() != nil, "read is not accepted: the limits still apply")
    }

    @Test("short decimals (15 digits or fewer, no exponent) read exactly as Double's parser reads them")
    func shortDecimals() throws {
        var generator = SystemRandomNumberGenerator()
        var literals = ["0", "1", "0.5", "0.82", "1.0", "0.000000000000001", "0.999999999999999", "123456789012345"]
        for _ in 0..<2_000 {
            let digits = Int.random(in: 1...15, using: &generator)
            let text = String((0..<digits).map { _ in "0123456789".randomElement(using: &generator) ?? "0" })
            let point = Int.random(in: 0...digits, using: &generator)
            let whole = String(text.prefix(point)).drop { $0 == "0" }
            let literal = (whole.isEmpty ? "0" : String(whole)) + (point < digits ? "." + text.dropFirst(point) : "")
            literals.append(literal)
        }
        for literal in literals {
            let text = Self.example.replacingOccurrences(of: "0.1346153846153846", with: literal)
            let read = try #require(EngineSummary.read(Array(text.utf8)), "\(literal)")
            #expect(read.caches[0].hitRatio == Double(literal), "\(literal)")
            #expect(read == decoded(text), "\(literal)")
        }
    }

    @Test("a shared summary's sort keys are the summary's own (worst pool, health, starving)")
    func sharedSummaryKeys() throws {
        let summary = try #require(EngineSummary.read(Array(Self.example.utf8)))
        let shared = SharedSummary(summary)
        #expect(shared.service == summary.service && shared.health == summary.health)
        #expect(shared.saturation == summary.worstPool?.saturation && shared.waiters == summary.worstPool?.waiters)
        for seconds in [-1.0, 0, 2.9, 3, 3.1, 100] {
            #expect(shared.isStarving(after: seconds) == summary.isStarving(after: seconds), "after \(seconds) s")
        }
        var idle = summary
        idle.pools = idle.pools.map { pool in
            var pool = pool
            pool.waiters = 0
            return pool
        }
        for seconds in [-1.0, 0, 3] {
            #expect(SharedSummary(idle).isStarving(after: seconds) == idle.isStarving(after: seconds))
        }
    }
}
