import Foundation
import MemtopTestSupport
import Testing

@testable import PatinoxMemory

// Numbers from outside — a peer's snapshot, a trace file, a caller's offsets — that used to trap (found by the
// fuzzers in Fuzz/ or a code read for them): each now gives a value or a thrown error.
@Suite("Library arithmetic on numbers from outside: no overflow trap")
struct UntrustedNumbersTests {
    @Test("a hit ratio of counts whose sum overflows an Int is still their ratio (0 for negative hits)")
    func hitRatioOfHugeCounts() {
        var stats = CacheStats()
        stats.hits = .max
        stats.misses = .max
        #expect(stats.hitRatio == 0.5)
        stats.misses = .min
        #expect(stats.hitRatio == 1)
        stats.hits = .min
        #expect(stats.hitRatio == 0)
        stats.hits = 3
        stats.misses = 1
        #expect(stats.hitRatio == 0.75)
    }

    @Test("an ARC trace is capped: a line over the run limit and a trace over the key limit stop with their line")
    func arcTraceLimits() throws {
        let runs = Array(String(repeating: "0 1000 0 0\n", count: 3).utf8)
        #expect {
            try CacheTrace.parse(runs, format: .arc, file: "runs.trace", maximumKeys: 2_500)
        } throws: { error in
            guard let error = error as? PatinoxError else { return false }
            return error.context.location == SourceLocation(file: "runs.trace", line: 3)
                && error.description.contains("takes the trace over 2500 requests (2000 before this line, 1000 on it)")
        }
        // One line may stand for CacheTrace.maximumRun keys at most: refused before anything is allocated.
        #expect {
            try CacheTrace.parse(Array("1 16777217 0 0\n".utf8), format: .arc, file: "t")
        } throws: { error in
            (error as? PatinoxError)?.description.contains("the count 16777217 is outside 0...16777216") == true
        }
        #expect(try CacheTrace.parse(Array("5 2 0 0\n".utf8), format: .arc, file: "t", maximumKeys: 2) == [5, 6])
        #expect(try CacheTrace.parse(Array("\(Int.max) 2 0 0\n".utf8), format: .arc, file: "t") == [.max, .min])
        #expect(CacheTrace.maximumKeys == 1 << 27 && CacheTrace.maximumRun == 1 << 24)
    }

    @Test("a LIRS trace stops at the key limit, naming the line that goes over it")
    func lirsTraceLimit() {
        #expect {
            try CacheTrace.parse(Array("1\n2\n*\n3\n".utf8), format: .lirs, file: "keys.trace", maximumKeys: 2)
        } throws: { error in
            (error as? PatinoxError)?.context.location == SourceLocation(file: "keys.trace", line: 4)
        }
    }

    @Test("a mapping's element offset whose byte offset overflows an Int is refused, not an overflow trap")
    func hugeMappingOffset() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.file("data", bytes: 4096)
        for (offset, count) in [(Int.max / 4, nil), (Int.max, 1), (Int.min, nil), (-1, 0), (1 << 61, Int.max)] {
            #expect(throws: PatinoxError.self, "offset \(offset), count \(String(describing: count))") {
                _ = try MappedFile<UInt64>(path: path, elementOffset: offset, elementCount: count)
            }
        }
        #expect(try MappedFile<UInt64>(path: path, elementCount: 512).count == 512)
        #expect(throws: PatinoxError.self) { _ = try MappedFile<UInt64>(path: path, elementCount: Int.max) }
    }

    #if os(Linux)
        @Test("an anonymous mapping of more elements than bytes an Int can count is refused")
        func hugeAnonymousMapping() {
            #expect {
                _ = try MappedFile<UInt64>.anonymous(name: "huge", count: Int.max / 4)
            } throws: { error in
                (error as? PatinoxError)?.description.contains("more bytes than an Int holds") == true
            }
        }
    #endif
}
