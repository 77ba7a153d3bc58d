import NIOConcurrencyHelpers

/// Something that happened in an engine's components or to them.
///
/// Repeats are folded: an event with the same component, kind and message but for its numbers as one of the
/// last few, within a second of that one's first occurrence, raises its ``count`` and takes its time and
/// message instead of taking a line of its own — so a storm (300 failed loads a second in an outage)
/// cannot push the events that explain it (the phase change, the breaker opening) out of the log.
public struct EngineEvent: Sendable, Hashable {
    /// Monotonic clock time, in nanoseconds (of the latest occurrence when ``count`` > 1).
    public var at: UInt64
    /// `kind/name` of the component.
    public var component: String
    /// A short, stable name: `connection-failed`, `resized`, `fault-injected`, `leak`, `cache-flushed` …
    public var kind: String
    /// What happened, in words, with the numbers that matter (of the latest occurrence).
    public var message: String
    /// How many occurrences this entry stands for (1 unless repeats were folded into it).
    public var count: Int

    /// An event at `at` (monotonic nanoseconds) standing for `count` occurrences.
    public init(at: UInt64, component: String, kind: String, message: String, count: Int = 1) {
        self.at = at
        self.component = component
        self.kind = kind
        self.message = message
        self.count = count
    }
}

extension EngineEvent: Codable {
    private enum CodingKeys: String, CodingKey { case at, component, kind, message, count }

    /// Reads an event; `count` may be absent (then 1), as in snapshots and recordings of earlier versions.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        at = try container.decode(UInt64.self, forKey: .at)
        component = try container.decode(String.self, forKey: .component)
        kind = try container.decode(String.self, forKey: .kind)
        message = try container.decode(String.self, forKey: .message)
        count = try container.decodeIfPresent(Int.self, forKey: .count) ?? 1
    }

    /// Writes an event; `count` only when repeats were folded into it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(at, forKey: .at)
        try container.encode(component, forKey: .component)
        try container.encode(kind, forKey: .kind)
        try container.encode(message, forKey: .message)
        if count != 1 { try container.encode(count, forKey: .count) }
    }
}

/// A fixed-size ring of the most recent events that folds repeats (see ``EngineEvent``).
final class EventLog: Sendable {
    /// How far back (in events) a repeat is looked for.
    static let foldLookback = 8
    /// How long after an entry's first occurrence repeats are folded into it.
    static let foldWindowNanoseconds: UInt64 = 1_000_000_000

    private struct Entry {
        var event: EngineEvent
        var firstAt: UInt64
    }
    private struct Ring {
        var entries: [Entry] = []
        var next = 0
    }
    private let ring = NIOLockedValueBox(Ring())
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    func append(_ event: EngineEvent) {
        ring.withLockedValue { ring in
            if fold(event, into: &ring) { return }
            let entry = Entry(event: event, firstAt: event.at)
            if ring.entries.count < capacity {
                ring.entries.append(entry)
            } else {
                ring.entries[ring.next] = entry
            }
            ring.next = (ring.next + 1) % capacity
        }
    }

    /// Oldest first.
    func recent() -> [EngineEvent] {
        ring.withLockedValue { ring in
            let entries =
                ring.entries.count < capacity
                ? ring.entries[...] : ring.entries[ring.next...] + ring.entries[..<ring.next]
            return entries.map(\.event)
        }
    }

    /// Whether two messages differ at most in their numbers (`after 13 µs` and `after 5 µs`; not
    /// `phase 'warm'` and `phase 'peak'`).
    static func sameExceptNumbers(_ left: String, _ right: String) -> Bool {
        func isNumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: ",")
        }
        var rest = right.utf8.lazy.filter { !isNumeric($0) }.makeIterator()
        for byte in left.utf8 where !isNumeric(byte) {
            guard rest.next() == byte else { return false }
        }
        return rest.next() == nil
    }

    /// Folds `event` into a recent entry of the same component and kind, which then moves to the newest
    /// place (the order stays by time). Returns `false` when there is none to fold into.
    private func fold(_ event: EngineEvent, into ring: inout Ring) -> Bool {
        let count = ring.entries.count
        func slot(_ age: Int) -> Int { (ring.next - 1 - age + 2 * capacity) % capacity }
        for age in 0..<min(Self.foldLookback, count) {
            let candidate = ring.entries[slot(age)]
            guard candidate.event.kind == event.kind, candidate.event.component == event.component,
                event.at &- candidate.firstAt < Self.foldWindowNanoseconds,
                Self.sameExceptNumbers(candidate.event.message, event.message)
            else { continue }
            var folded = candidate
            folded.event.at = event.at
            folded.event.message = event.message
            folded.event.count += event.count
            for newer in stride(from: age, to: 0, by: -1) {
                ring.entries[slot(newer)] = ring.entries[slot(newer - 1)]
            }
            ring.entries[slot(0)] = folded
            return true
        }
        return false
    }
}
