import MemtopSource
import PatinoxMemory

/// The engines a broker carries, as heard: for the engine picker. Anyone on the broker can make up engine
/// names, so the roster is bounded — at most ``capacity`` names, the longest silent dropped first (and
/// counted), names silent for ``forgetAfter`` forgotten — and costs O(1) per message: a dictionary and an
/// index-linked list in order of last arrival, with a bounded ring of arrival times per engine. A pure value
/// on injected time; ``RemoteSource`` holds it under its lock and sorts a listing outside it.
struct EngineRoster: Sendable {
    /// The most engine names kept.
    static let capacity = 10_000
    /// A name silent this long is forgotten: it leaves the engine picker and the fleet view.
    static let forgetAfter = FleetTiming.leaveAfter
    /// The span a listing's rate is computed over.
    static let rateWindow = Duration.seconds(5)
    /// Arrival times kept per engine for its rate.
    static let arrivalsKept = 32

    struct Heard: Sendable, IndexLinked {
        var name: String
        var lastAt: Duration
        var bytes: Int
        /// Its last summary, when it publishes them (shared with the listings made of it).
        var summary: SharedSummary?
        /// The last ``arrivalsKept`` arrival times, oldest first once full (a ring from `nextArrival`).
        var arrivals: [Duration] = []
        var nextArrival = 0
        var previous: Int32 = -1
        var next: Int32 = -1
    }

    private var slots: [Heard] = []
    private var freeSlots: [Int32] = []
    private var indexByName: [String: Int32] = [:]
    /// Most recently heard at the head.
    private var order = IndexLinkedList()
    /// Names dropped because the roster was full.
    private(set) var dropped = 0
    /// An engine's health changed, or an engine appeared, since the last listing.
    private(set) var healthChanged = false
    let capacity: Int

    init(capacity: Int = Self.capacity) { self.capacity = max(1, capacity) }

    var count: Int { indexByName.count }

    /// Notes a message of `bytes` from `name` at `now` (a summary, kept, when it was one: made outside the lock
    /// the roster is held under).
    mutating func hear(_ name: String, bytes: Int, at now: Duration, summary: SharedSummary? = nil) {
        forget(silentBefore: now - Self.forgetAfter)
        let index: Int32
        if let known = indexByName[name] {
            index = known
            order.remove(index, in: &slots)
        } else {
            if indexByName.count >= capacity, order.tail >= 0 {
                remove(order.tail)
                dropped += 1
            }
            index = allocate(Heard(name: name, lastAt: now, bytes: bytes))
            indexByName[name] = index
        }
        order.pushHead(index, in: &slots)
        slots[Int(index)].lastAt = now
        slots[Int(index)].bytes = bytes
        if let summary {
            if slots[Int(index)].summary?.health != summary.health { healthChanged = true }
            slots[Int(index)].summary = summary
        }
        Self.record(arrival: now, in: &slots[Int(index)])
    }

    /// Every engine heard, with its silence and rate at `now`, in no particular order (sort outside a lock).
    mutating func listing(at now: Duration) -> [EngineListing] {
        healthChanged = false
        var listings: [EngineListing] = []
        listings.reserveCapacity(count)
        var cursor = order.head
        while cursor >= 0 {
            let heard = slots[Int(cursor)]
            let silence = max(.zero, now - heard.lastAt)
            listings.append(
                EngineListing(
                    name: heard.name,
                    silentFor: silence,
                    rate: Self.rate(heard, at: now),
                    bytes: heard.bytes,
                    shared: heard.summary
                )
            )
            cursor = heard.next
        }
        return listings
    }

    /// Arrivals per second between the first and the last within the rate window (one pass, no copy: a listing
    /// of 10,000 engines computes 10,000 of these).
    private static func rate(_ heard: Heard, at now: Duration) -> Double {
        let since = now - rateWindow
        var count = 0
        var first = Duration.zero
        var last = Duration.zero
        for arrival in heard.arrivals where arrival >= since {
            if count == 0 || arrival < first { first = arrival }
            if count == 0 || arrival > last { last = arrival }
            count += 1
        }
        guard count > 1, last > first else { return 0 }
        return Double(count - 1) / (last - first).inSeconds
    }

    private static func record(arrival: Duration, in heard: inout Heard) {
        if heard.arrivals.count < Self.arrivalsKept {
            heard.arrivals.append(arrival)
        } else {
            heard.arrivals[heard.nextArrival] = arrival
            heard.nextArrival = (heard.nextArrival + 1) % Self.arrivalsKept
        }
    }

    private mutating func forget(silentBefore cutoff: Duration) {
        while order.tail >= 0, slots[Int(order.tail)].lastAt < cutoff { remove(order.tail) }
    }

    private mutating func allocate(_ heard: Heard) -> Int32 {
        if let reused = freeSlots.popLast() {
            slots[Int(reused)] = heard
            return reused
        }
        slots.append(heard)
        return Int32(slots.count - 1)
    }

    private mutating func remove(_ index: Int32) {
        order.remove(index, in: &slots)
        indexByName[slots[Int(index)].name] = nil
        slots[Int(index)] = Heard(name: "", lastAt: .zero, bytes: 0)
        freeSlots.append(index)
    }
}
