import Testing

@testable import PatinoxMemory

@Suite("Cache traces and replay")
struct CacheTraceTests {
    @Test("LIRS traces: CRLF line ends, blank lines and * markers are skipped")
    func lirs() throws {
        let text = "1\r\n2\r\n\r\n*\r\n* marker\r\n3\n  4  \n"
        #expect(try CacheTrace.parse(Array(text.utf8), format: .lirs, file: "t") == [1, 2, 3, 4])
    }

    @Test("ARC traces expand `start count` into consecutive keys")
    func arc() throws {
        let text = "10 3 0 1\n100 1 0 0\n"
        #expect(try CacheTrace.parse(Array(text.utf8), format: .arc, file: "t") == [10, 11, 12, 100])
    }

    @Test("a line that is not a key stops with the file and line number")
    func malformed() {
        for (text, format, line) in [
            ("1\n2\nthree\n4\n", TraceFormat.lirs, 3), ("1 2\n", .lirs, 1), ("5 x 0 0\n", .arc, 1), ("7\n", .arc, 1),
        ] {
            #expect {
                try CacheTrace.parse(Array(text.utf8), format: format, file: "bad.trace")
            } throws: { error in
                let error = error as! PatinoxError
                return error.code == .invalidInput
                    && error.context.location == SourceLocation(file: "bad.trace", line: line)
                    && error.description.contains("bad.trace:\(line)")
            }
        }
    }

    @Test("replay counts hits the way a reference LRU does")
    func replay() {
        let result = CacheReplay.run([1, 2, 1, 3, 2, 1, 4, 1], capacity: 2, policy: .lru)
        #expect(result.hits == 2 && result.requests == 8)
        #expect(
            result.json == "{\"policy\": \"lru\", \"capacity\": 2, \"requests\": 8, \"hits\": 2, \"hit_ratio\": 0.25}"
        )
    }

    @Test("W-TinyLFU keeps a loop's frequent half where LRU and SIEVE keep nothing")
    func loopResistance() {
        let loop = (0..<40).flatMap { _ in Array(0..<100) }
        #expect(CacheReplay.run(loop, capacity: 50, policy: .lru).hits == 0)
        #expect(CacheReplay.run(loop, capacity: 50, policy: .sieve).hits == 0)
        let tinyLFU = CacheReplay.run(loop, capacity: 50, policy: .wTinyLFU)
        #expect(tinyLFU.hitRatio > 0.35, "\(tinyLFU.hitRatio)")
    }
}
