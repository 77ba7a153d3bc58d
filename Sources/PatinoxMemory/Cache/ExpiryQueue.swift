/// A shard's entries that can expire, soonest first, so that a sweep costs what expired (and what was read
/// since it was scheduled), not what is stored: a binary min-heap of `(time, slot, generation)` nodes.
///
/// Scheduling is lazy, so reads stay as cheap as without expiry:
/// - A write with an expiry schedules the entry at its expiry time. The entry's `expiryGeneration` names its
///   one live node; every older node of the slot (an earlier write, an entry since removed) is stale.
/// - A read that extends a time-to-idle only moves the entry's `expiresAt`. When its node comes due the
///   sweep finds it not yet expired and schedules it again, at the new time.
/// - Stale nodes are dropped when they come due, and all at once (``compact(isLive:)``) when the queue has
///   grown to twice its live size at the last compaction plus 1,024, so it holds at most about twice the
///   entries that can expire; a shard that empties drops its queue.
@usableFromInline
struct ExpiryQueue: Sendable {
    @usableFromInline
    struct Node: Sendable, Equatable {
        @usableFromInline var at: UInt64
        @usableFromInline var slot: Int32
        @usableFromInline var generation: UInt32

        @inlinable
        init(at: UInt64, slot: Int32, generation: UInt32) {
            self.at = at
            self.slot = slot
            self.generation = generation
        }
    }

    @usableFromInline private(set) var heap: [Node] = []

    @inlinable
    init() {}

    var count: Int { heap.count }
    var isEmpty: Bool { heap.isEmpty }

    /// When the soonest node is due; `.max` when there is none.
    var nextDue: UInt64 { heap.first?.at ?? .max }

    /// Adds a node; O(log n).
    mutating func schedule(_ node: Node) {
        heap.append(node)
        siftUp(heap.count - 1)
    }

    /// Removes and returns the soonest node if it is due at `now`; O(log n).
    mutating func popDue(now: UInt64) -> Node? {
        guard let first = heap.first, first.at <= now else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return first
    }

    /// Keeps only the nodes `isLive` accepts and restores the heap order; O(n).
    mutating func compact(isLive: (Node) -> Bool) {
        heap.removeAll { !isLive($0) }
        var index = heap.count / 2
        while index > 0 {
            index -= 1
            siftDown(index)
        }
    }

    /// Forgets every node (the shard dropped all its entries).
    mutating func removeAll() { heap.removeAll(keepingCapacity: true) }

    private mutating func siftUp(_ start: Int) {
        var child = start
        let node = heap[child]
        while child > 0 {
            let parent = (child - 1) / 2
            guard node.at < heap[parent].at else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = node
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        let node = heap[parent]
        let count = heap.count
        while true {
            var child = 2 * parent + 1
            guard child < count else { break }
            if child + 1 < count && heap[child + 1].at < heap[child].at { child += 1 }
            guard heap[child].at < node.at else { break }
            heap[parent] = heap[child]
            parent = child
        }
        heap[parent] = node
    }
}
