import Foundation
import MemtopTestSupport
import Testing

@testable import PatinoxMemory

@Suite("Engine events: repeats are folded, storms cannot drown the rest")
struct EventLogTests {
    let clock = ManualClock()

    func engine(capacity: Int = 256) -> Engine { Engine(name: "shop", clock: clock, eventCapacity: capacity) }

    @Test("an outage's storm of failed loads folds into a few lines; the phase change and the breaker stay")
    func stormKeepsTheStory() {
        let engine = engine()
        engine.record(component: "scenario/flaky", kind: "phase", message: "phase 'outage': 300 req/s")
        engine.record(component: "pool/db", kind: "circuit-opened", message: "circuit opened after 5 failures")
        // 3 seconds at 300 failed loads a second, with connection failures in between.
        for index in 0..<900 {
            clock.advance(by: .microseconds(3_333))
            engine.record(component: "cache/users", kind: "load-failed", message: "load failed after \(index % 40) µs")
            if index % 30 == 0 {
                engine.record(component: "pool/db", kind: "connection-failed", message: "create failed after 2 ms")
            }
        }
        engine.record(component: "scenario/flaky", kind: "phase", message: "phase 'recovery': 300 req/s")
        let events = engine.snapshot().events
        #expect(events.count < 12, "\(events.map(\.kind))")
        #expect(events.filter { $0.kind == "phase" }.map(\.message).count == 2)
        #expect(events.contains { $0.kind == "circuit-opened" })
        #expect(events.filter { $0.kind == "load-failed" }.map(\.count).reduce(0, +) == 900)
        #expect(events.filter { $0.kind == "connection-failed" }.map(\.count).reduce(0, +) == 30)
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.at <= $1.at }, "oldest first, by time")
        let last = events.last { $0.kind == "load-failed" }
        #expect(last?.message == "load failed after 19 µs", "a folded event shows its latest message")
    }

    @Test("folding stops a second after an entry's first occurrence, and at events that say something else")
    func foldingHasLimits() {
        let engine = engine()
        for _ in 0..<3 {
            engine.record(component: "pool/db", kind: "connection-replaced", message: "close: validation-failed")
            clock.advance(by: .milliseconds(400))
        }
        // 1.2 s after the first: a new line.
        engine.record(component: "pool/db", kind: "connection-replaced", message: "close: validation-failed")
        // Same kind, other words: never folded.
        engine.record(component: "scenario/s", kind: "phase", message: "phase 'warm'")
        engine.record(component: "scenario/s", kind: "phase", message: "phase 'peak'")
        // Same words, other component.
        engine.record(component: "pool/replica", kind: "connection-replaced", message: "close: validation-failed")
        let events = engine.snapshot().events
        #expect(events.map(\.count) == [3, 1, 1, 1, 1])
        #expect(events.map(\.message).suffix(3) == ["phase 'warm'", "phase 'peak'", "close: validation-failed"])
    }

    @Test("a repeat further back than the last 8 events starts a line of its own")
    func lookbackIsBounded() {
        let engine = engine()
        engine.record(component: "cache/users", kind: "load-failed", message: "load failed")
        for index in 0..<8 { engine.record(component: "pool/p\(index)", kind: "resized", message: "resized") }
        engine.record(component: "cache/users", kind: "load-failed", message: "load failed")
        let events = engine.snapshot().events
        #expect(events.count == 10)
        #expect(events.allSatisfy { $0.count == 1 })
    }

    @Test("a full ring still folds into the newest place and drops the oldest")
    func foldsAcrossTheRingsSeam() {
        let engine = engine(capacity: 4)
        for index in 0..<6 { engine.record(component: "pool/p\(index)", kind: "resized", message: "resized") }
        engine.record(component: "pool/p3", kind: "resized", message: "resized")  // p3 sits at the seam
        let events = engine.snapshot().events
        #expect(events.map(\.component) == ["pool/p2", "pool/p4", "pool/p5", "pool/p3"])
        #expect(events.map(\.count) == [1, 1, 1, 2])
        engine.record(component: "pool/p9", kind: "resized", message: "resized")
        #expect(engine.snapshot().events.map(\.component) == ["pool/p4", "pool/p5", "pool/p3", "pool/p9"])
    }

    @Test("count is written only when repeats were folded, and read as 1 when absent (older snapshots)")
    func countInJSON() throws {
        let single = EngineEvent(at: 5, component: "pool/db", kind: "leak", message: "held 2 s")
        let folded = EngineEvent(at: 9, component: "pool/db", kind: "leak", message: "held 3 s", count: 4)
        let singleJSON = String(decoding: try StreamingJSONEncoder().encode(single), as: UTF8.self)
        #expect(!singleJSON.contains("count"))
        let foldedJSON = try StreamingJSONEncoder().encode(folded)
        #expect(try JSONDecoder().decode(EngineEvent.self, from: Data(foldedJSON)) == folded)
        let old = #"{"at":5,"component":"pool/db","kind":"leak","message":"held 2 s"}"#
        #expect(try JSONDecoder().decode(EngineEvent.self, from: Data(old.utf8)) == single)
    }

    @Test("messages are compared without their numbers")
    func shapes() {
        #expect(EventLog.sameExceptNumbers("acquire failed after 1.5 ms", "acquire failed after 250 ms"))
        #expect(EventLog.sameExceptNumbers("resized to 2…9", "resized to 2…10"))
        #expect(!EventLog.sameExceptNumbers("after 13 µs", "after 1.2 ms"))
        #expect(!EventLog.sameExceptNumbers("phase 'warm'", "phase 'peak'"))
        #expect(!EventLog.sameExceptNumbers("load failed", "load failed: timeout"))
    }
}
