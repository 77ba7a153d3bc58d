/// A FIFO of waiters with O(1) append, pop-oldest and removal by request ID.
///
/// Nodes live in one array linked by indices (no per-node allocation); freed nodes are reused.
/// Removal by ID (cancellation) goes through a dictionary from request ID to node index.
@usableFromInline
struct WaiterQueue<Payload> {
    @usableFromInline
    struct Entry {
        @usableFromInline var requestID: UInt64
        @usableFromInline var deadline: MonotonicInstant
        @usableFromInline var enqueuedAt: MonotonicInstant
        @usableFromInline var payload: Payload

        @inlinable
        init(requestID: UInt64, deadline: MonotonicInstant, enqueuedAt: MonotonicInstant, payload: Payload) {
            self.requestID = requestID
            self.deadline = deadline
            self.enqueuedAt = enqueuedAt
            self.payload = payload
        }
    }
    @usableFromInline
    struct Node {
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
    @usableFromInline var head: Int32 = -1
    @usableFromInline var tail: Int32 = -1

    @usableFromInline
    init() {}

    var count: Int { indexByRequest.count }
    @inlinable
    var isEmpty: Bool { head < 0 }
    /// The oldest waiter, which also has the earliest deadline (all waiters share one timeout).
    var first: Entry? { head < 0 ? nil : nodes[Int(head)].entry }

    func contains(_ requestID: UInt64) -> Bool { indexByRequest[requestID] != nil }

    mutating func append(_ entry: Entry) {
        let index: Int32
        if let reused = freeNodes.popLast() {
            index = reused
            nodes[Int(index)] = Node(entry: entry, previous: tail)
        } else {
            index = Int32(nodes.count)
            nodes.append(Node(entry: entry, previous: tail))
        }
        if tail >= 0 { nodes[Int(tail)].next = index } else { head = index }
        tail = index
        indexByRequest[entry.requestID] = index
    }

    @inlinable
    mutating func popFirst() -> Entry? {
        head < 0 ? nil : unlink(head)
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
        let node = nodes[Int(index)]
        if node.previous >= 0 { nodes[Int(node.previous)].next = node.next } else { head = node.next }
        if node.next >= 0 { nodes[Int(node.next)].previous = node.previous } else { tail = node.previous }
        nodes[Int(index)] = Node()
        freeNodes.append(index)
        if let entry = node.entry { indexByRequest[entry.requestID] = nil }
        return node.entry
    }
}

extension WaiterQueue: Sendable where Payload: Sendable {}
extension WaiterQueue.Entry: Sendable where Payload: Sendable {}
extension WaiterQueue.Node: Sendable where Payload: Sendable {}
