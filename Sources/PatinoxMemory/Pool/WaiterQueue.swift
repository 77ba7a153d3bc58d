/// A FIFO of waiters with O(1) append, pop-oldest and removal by request ID.
///
/// Nodes live in one array linked by an ``IndexLinkedList`` (no per-node allocation); freed nodes are reused.
/// Removal by ID (cancellation) goes through a dictionary from request ID to node index.
@usableFromInline
struct WaiterQueue<Payload> {
    @usableFromInline
    struct Entry {
        @usableFromInline var requestID: UInt64
        @usableFromInline var deadline: MonotonicInstant
        @usableFromInline var enqueuedAt: MonotonicInstant
        @usableFromInline var payload: Payload
        /// Where the waiter asked for its lease.
        @usableFromInline var site: LeaseSite

        @inlinable
        init(
            requestID: UInt64,
            deadline: MonotonicInstant,
            enqueuedAt: MonotonicInstant,
            payload: Payload,
            site: LeaseSite = .unknown
        ) {
            self.requestID = requestID
            self.deadline = deadline
            self.enqueuedAt = enqueuedAt
            self.payload = payload
            self.site = site
        }
    }
    @usableFromInline
    struct Node: IndexLinked {
        @usableFromInline var entry: Entry?
        @usableFromInline var previous: Int32 = -1
        @usableFromInline var next: Int32 = -1

        @inlinable
        init(entry: Entry? = nil, previous: Int32 = -1, next: Int32 = -1) {
            self.entry = entry
            self.previous = previous
            self.next = next
        }
    }

    @usableFromInline var nodes: [Node] = []
    @usableFromInline var freeNodes: [Int32] = []
    @usableFromInline var indexByRequest: [UInt64: Int32] = [:]
    @usableFromInline var order = IndexLinkedList()

    @usableFromInline
    init() {}

    var count: Int { indexByRequest.count }
    @inlinable
    var isEmpty: Bool { order.isEmpty }
    /// The oldest waiter, which also has the earliest deadline (all waiters share one timeout).
    var first: Entry? { order.isEmpty ? nil : nodes[Int(order.tail)].entry }

    func contains(_ requestID: UInt64) -> Bool { indexByRequest[requestID] != nil }

    mutating func append(_ entry: Entry) {
        let index: Int32
        if let reused = freeNodes.popLast() {
            index = reused
            nodes[Int(index)] = Node(entry: entry)
        } else {
            index = Int32(nodes.count)
            nodes.append(Node(entry: entry))
        }
        order.pushHead(index, in: &nodes)  // newest at the head, oldest at the tail
        indexByRequest[entry.requestID] = index
    }

    @inlinable
    mutating func popFirst() -> Entry? {
        order.isEmpty ? nil : unlink(order.tail)
    }

    mutating func remove(requestID: UInt64) -> Entry? {
        guard let index = indexByRequest[requestID] else { return nil }
        return unlink(index)
    }

    /// Removes and returns every waiter, oldest first.
    mutating func removeAll() -> [Entry] {
        var all: [Entry] = []
        all.reserveCapacity(count)
        while let entry = popFirst() { all.append(entry) }
        return all
    }

    @inlinable
    mutating func unlink(_ index: Int32) -> Entry? {
        order.remove(index, in: &nodes)
        let node = nodes[Int(index)]
        nodes[Int(index)] = Node()
        freeNodes.append(index)
        if let entry = node.entry { indexByRequest[entry.requestID] = nil }
        return node.entry
    }
}

extension WaiterQueue: Sendable where Payload: Sendable {}
extension WaiterQueue.Entry: Sendable where Payload: Sendable {}
extension WaiterQueue.Node: Sendable where Payload: Sendable {}
