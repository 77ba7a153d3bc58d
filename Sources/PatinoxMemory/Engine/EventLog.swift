import NIOConcurrencyHelpers

/// Something that happened in an engine's components or to them.
public struct EngineEvent: Sendable, Codable, Hashable {
    /// Monotonic clock time, in nanoseconds.
    public var at: UInt64
    /// `kind/name` of the component.
    public var component: String
    /// A short, stable name: `connection-failed`, `resized`, `fault-injected`, `leak`, `cache-flushed` …
    public var kind: String
    /// What happened, in words, with the numbers that matter.
    public var message: String
}

/// A fixed-size ring of the most recent events.
final class EventLog: Sendable {
    private struct Ring {
        var events: [EngineEvent] = []
        var next = 0
    }
    private let ring = NIOLockedValueBox(Ring())
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    func append(_ event: EngineEvent) {
        ring.withLockedValue { ring in
            if ring.events.count < capacity {
                ring.events.append(event)
            } else {
                ring.events[ring.next] = event
            }
            ring.next = (ring.next + 1) % capacity
        }
    }

    /// Oldest first.
    func recent() -> [EngineEvent] {
        ring.withLockedValue { ring in
            ring.events.count < capacity ? ring.events : Array(ring.events[ring.next...] + ring.events[..<ring.next])
        }
    }
}
