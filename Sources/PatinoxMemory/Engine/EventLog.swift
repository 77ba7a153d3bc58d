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
    /// The component it happened to (written `kind/name`).
    public var component: ComponentID
    /// What kind of thing happened (written as a short, stable name: `connection-failed`, `resized` …).
    public var kind: EngineEventKind
    /// What happened, in words, with the numbers that matter (of the latest occurrence).
    public var message: String
    /// How many occurrences this entry stands for (1 unless repeats were folded into it).
    public var count: Int

    /// An event at `at` (monotonic nanoseconds) standing for `count` occurrences.
    public init(at: UInt64, component: ComponentID, kind: EngineEventKind, message: String, count: Int = 1) {
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
        component = try container.decode(ComponentID.self, forKey: .component)
        kind = EngineEventKind(wireName: try container.decode(String.self, forKey: .kind))
        message = try container.decode(String.self, forKey: .message)
        count = try container.decodeIfPresent(Int.self, forKey: .count) ?? 1
    }

    /// Writes an event; `count` only when repeats were folded into it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(at, forKey: .at)
        try container.encode(component, forKey: .component)
        try container.encode(kind.wireName, forKey: .kind)
        try container.encode(message, forKey: .message)
        if count != 1 { try container.encode(count, forKey: .count) }
    }
}

/// What kind of thing an ``EngineEvent`` reports. On the wire it is a short, stable name; a name this version
/// does not know (a newer peer's) is kept as ``unknown(_:)``, so it is shown, not rejected.
public enum EngineEventKind: Sendable, Hashable, CustomStringConvertible {
    /// A component joined the engine.
    case registered
    /// A scenario started a phase.
    case phase
    /// A control command was applied (the message names its sender).
    case command
    /// A fault was injected into a component.
    case faultInjected
    /// A fault with a duration ended.
    case faultCleared
    /// A connection attempt failed.
    case connectionFailed
    /// A connection was closed and replaced (failed check, discarded, killed).
    case connectionReplaced
    /// Connections were killed on request.
    case connectionsKilled
    /// A lease was held past the leak threshold.
    case leakDetected
    /// A pool's breaker opened.
    case circuitOpened
    /// A pool's breaker closed again.
    case circuitClosed
    /// A pool was resized.
    case resized
    /// A cache was flushed.
    case cacheFlushed
    /// A cleanup failed every attempt.
    case cleanupFailed
    /// A cache load failed.
    case loadFailed
    /// An acquire failed (timed out, breaker open, pool closed).
    case acquireFailed
    /// A kind this version does not know, by its wire name.
    case unknown(String)

    /// Every kind this version knows.
    public static let known: [EngineEventKind] = [
        .registered, .phase, .command, .faultInjected, .faultCleared, .connectionFailed, .connectionReplaced,
        .connectionsKilled, .leakDetected, .circuitOpened, .circuitClosed, .resized, .cacheFlushed, .cleanupFailed,
        .loadFailed, .acquireFailed,
    ]

    /// Reads a wire name; one this version does not know becomes ``unknown(_:)``.
    public init(wireName: String) {
        self = Self.known.first { $0.wireName == wireName } ?? .unknown(wireName)
    }

    /// The name snapshots and recordings carry.
    public var wireName: String {
        switch self {
        case .registered: "registered"
        case .phase: "phase"
        case .command: "command"
        case .faultInjected: "fault-injected"
        case .faultCleared: "fault-cleared"
        case .connectionFailed: "connection-failed"
        case .connectionReplaced: "connection-replaced"
        case .connectionsKilled: "connections-killed"
        case .leakDetected: "leak-detected"
        case .circuitOpened: "circuit-opened"
        case .circuitClosed: "circuit-closed"
        case .resized: "resized"
        case .cacheFlushed: "cache-flushed"
        case .cleanupFailed: "cleanup-failed"
        case .loadFailed: "load-failed"
        case .acquireFailed: "acquire-failed"
        case .unknown(let name): name
        }
    }

    public var description: String { wireName }
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
