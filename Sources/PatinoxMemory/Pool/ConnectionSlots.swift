/// Identifies one lease of one pooled connection: the slot it occupies and which lease of that slot.
///
/// A release with a stale ID (the connection was already released, killed or force-closed) is ignored,
/// so a connection can never be leased twice.
public struct ConnectionID: Sendable, Hashable, CustomStringConvertible {
    /// The slot in the pool.
    public var slot: Int32
    /// Counts the leases of this slot; changes on every lease.
    public var epoch: UInt32

    /// Identifies the connection in `slot` during its `epoch` (slots are reused; epochs are not).
    @inlinable
    public init(slot: Int32, epoch: UInt32) {
        self.slot = slot
        self.epoch = epoch
    }

    public var description: String { "#\(slot).\(epoch)" }
}

/// What the pool knows about one slot. Plain data with no generic parts, so the hot paths touch only
/// concrete memory even when a client module calls the pool without specialising it.
@usableFromInline
struct PoolSlot: Sendable {
    @usableFromInline
    enum State: UInt8, Sendable { case free, creating, idle, leased, checking }

    @usableFromInline var state: State = .free
    @usableFromInline var epoch: UInt32 = 0
    @usableFromInline var createdAt: MonotonicInstant = .zero
    @usableFromInline var expiresAt: MonotonicInstant = .distantFuture
    @usableFromInline var idleSince: MonotonicInstant = .zero
    @usableFromInline var leasedAt: MonotonicInstant = .zero
    /// Close instead of keeping it when it comes back (shrink, lifetime, shutdown, kill).
    @usableFromInline var retiring = false
    /// The connection was closed already (kill, force close): free the slot without closing again.
    @usableFromInline var closed = false
    @usableFromInline var leakReported = false
    /// Where the current (or last) lease was taken.
    @usableFromInline var site = LeaseSite.unknown
    @usableFromInline var previous: Int32 = -1
    @usableFromInline var next: Int32 = -1
}

/// How many slots are in each state.
@usableFromInline
struct PoolSlotCounts: Equatable, Sendable {
    @usableFromInline var idle = 0
    @usableFromInline var leased = 0
    @usableFromInline var creating = 0
    @usableFromInline var checking = 0
    /// Leased or checking slots marked to close when they come back.
    @usableFromInline var retiring = 0
    /// Slots holding or about to hold a connection.
    @usableFromInline var occupied: Int { idle + leased + creating + checking }
    /// Connections that count against the maximum: occupied minus retiring.
    @usableFromInline var live: Int { occupied - retiring }
}

/// The pool's connections: one slot per connection (open or being opened), free slots reused,
/// and an intrusive doubly-linked list of idle slots (most recently used first) so that taking,
/// returning and removing an idle connection are all O(1). Slot data and connections live in two
/// parallel arrays, so only the connection array depends on the connection type.
@usableFromInline
struct ConnectionSlots<Connection> {
    @usableFromInline typealias Slot = PoolSlot
    @usableFromInline typealias State = PoolSlot.State
    @usableFromInline typealias Counts = PoolSlotCounts

    @usableFromInline var slots: [Slot] = []
    @usableFromInline var connections: [Connection?] = []
    @usableFromInline var freeSlots: [Int32] = []
    /// Idle slots, most recently used at the head.
    @usableFromInline var idle = IndexLinkedList()
    @usableFromInline var counts = Counts()

    @inlinable
    subscript(index: Int32) -> Slot {
        get { slots[Int(index)] }
        _modify { yield &slots[Int(index)] }
    }

    // MARK: - Allocation

    mutating func allocateCreating(now: MonotonicInstant) -> Int32 {
        let index: Int32
        if let reused = freeSlots.popLast() {
            index = reused
        } else {
            index = Int32(slots.count)
            slots.append(Slot())
            connections.append(nil)
        }
        let epoch = slots[Int(index)].epoch
        slots[Int(index)] = Slot(state: .creating, epoch: epoch, createdAt: now)
        counts.creating += 1
        return index
    }

    /// Frees a slot in any state, returning its connection (unless already closed).
    mutating func free(_ index: Int32) -> Connection? {
        var slot = slots[Int(index)]
        switch slot.state {
        case .free: return nil
        case .idle: unlinkIdle(index); counts.idle -= 1
        case .leased: counts.leased -= 1
        case .creating: counts.creating -= 1
        case .checking: counts.checking -= 1
        }
        if slot.retiring { counts.retiring -= 1 }
        let connection = slot.closed ? nil : connections[Int(index)]
        connections[Int(index)] = nil
        slot = Slot(epoch: slot.epoch &+ 1)
        slots[Int(index)] = slot
        freeSlots.append(index)
        return connection
    }

    // MARK: - State changes

    mutating func markRetiring(_ index: Int32) {
        guard !slots[Int(index)].retiring else { return }
        slots[Int(index)].retiring = true
        counts.retiring += 1
    }

    /// The connection in a slot (nil while creating or free).
    @inlinable
    func connection(at index: Int32) -> Connection? { connections[Int(index)] }

    mutating func setConnection(_ connection: Connection, at index: Int32) { connections[Int(index)] = connection }

    /// Turns a creating or checking slot into an idle one at the head of the idle list.
    @inlinable
    mutating func park(_ index: Int32, connection: Connection? = nil, now: MonotonicInstant) {
        switch slots[Int(index)].state {
        case .creating: counts.creating -= 1
        case .checking: counts.checking -= 1
        case .leased: counts.leased -= 1
        case .idle, .free: preconditionFailure("slot \(index) cannot be parked from \(slots[Int(index)].state)")
        }
        if let connection { connections[Int(index)] = connection }
        slots[Int(index)].state = .idle
        slots[Int(index)].idleSince = now
        linkIdleAtHead(index)
        counts.idle += 1
    }

    /// Leases a slot (idle, creating or checking) to the caller at `site` and returns the lease's ID.
    @inlinable
    mutating func lease(
        _ index: Int32,
        connection: Connection? = nil,
        site: LeaseSite,
        now: MonotonicInstant
    ) -> ConnectionID {
        switch slots[Int(index)].state {
        case .idle: unlinkIdle(index); counts.idle -= 1
        case .creating: counts.creating -= 1
        case .checking: counts.checking -= 1
        case .leased, .free: preconditionFailure("slot \(index) cannot be leased from \(slots[Int(index)].state)")
        }
        if let connection { connections[Int(index)] = connection }
        slots[Int(index)].state = .leased
        slots[Int(index)].epoch &+= 1
        slots[Int(index)].leasedAt = now
        slots[Int(index)].leakReported = false
        slots[Int(index)].site = site
        counts.leased += 1
        return ConnectionID(slot: index, epoch: slots[Int(index)].epoch)
    }

    mutating func startCheck(_ index: Int32) {
        precondition(slots[Int(index)].state == .idle)
        unlinkIdle(index)
        counts.idle -= 1
        slots[Int(index)].state = .checking
        counts.checking += 1
    }

    /// True when `id` names the current lease of a leased slot.
    @inlinable
    func isCurrentLease(_ id: ConnectionID) -> Bool {
        id.slot >= 0 && Int(id.slot) < slots.count && slots[Int(id.slot)].state == .leased
            && slots[Int(id.slot)].epoch == id.epoch
    }

    // MARK: - Idle list

    /// The most recently used idle slot.
    @inlinable
    var mostRecentIdle: Int32? { idle.isEmpty ? nil : idle.head }

    /// Idle slots from least recently used on, for housekeeping scans.
    func idleFromOldest() -> [Int32] { idle.fromTail(in: slots) }

    /// Indices of slots in `state`.
    func indices(in state: State) -> [Int32] {
        slots.indices.lazy.filter { self.slots[$0].state == state }.map { Int32($0) }
    }

    @inlinable
    mutating func linkIdleAtHead(_ index: Int32) { idle.pushHead(index, in: &slots) }

    @inlinable
    mutating func unlinkIdle(_ index: Int32) { idle.remove(index, in: &slots) }
}

extension ConnectionSlots {
    /// Passes a leased slot straight to the next holder (handoff to a waiter at `site`) under a new lease ID.
    @inlinable
    mutating func handOver(_ index: Int32, site: LeaseSite, now: MonotonicInstant) -> ConnectionID {
        precondition(slots[Int(index)].state == .leased)
        slots[Int(index)].epoch &+= 1
        slots[Int(index)].leasedAt = now
        slots[Int(index)].leakReported = false
        slots[Int(index)].site = site
        return ConnectionID(slot: index, epoch: slots[Int(index)].epoch)
    }

    /// True when `id` names a slot being health-checked in the background under that epoch.
    func isCurrentCheck(_ id: ConnectionID) -> Bool {
        id.slot >= 0 && Int(id.slot) < slots.count && slots[Int(id.slot)].state == .checking
            && slots[Int(id.slot)].epoch == id.epoch
    }
}

extension ConnectionSlots: Sendable where Connection: Sendable {}

extension PoolSlot: IndexLinked {}
