/// Where an entry sits in the eviction policy's queues.
@usableFromInline
enum CacheQueue: UInt8, Sendable {
    case none
    /// LRU and SIEVE's single queue; W-TinyLFU's admission window.
    case main
    case probation
    case protected
}

/// What a cache shard knows about one entry: its place in a policy queue, expiry and weight.
/// Plain data so the hot paths touch only concrete memory.
@usableFromInline
struct CacheEntryMeta: Sendable {
    /// Neighbour towards the most recently used end (the head).
    @usableFromInline var previous: Int32 = -1
    /// Neighbour towards the least recently used end (the tail).
    @usableFromInline var next: Int32 = -1
    @usableFromInline var queue: CacheQueue = .none
    /// SIEVE's visited bit.
    @usableFromInline var visited = false
    /// Which of the slot's nodes in the shard's ``ExpiryQueue`` is live; raised by every scheduling and
    /// removal, so older nodes are recognised as stale. (It sits in padding: the struct stays 48 bytes.)
    @usableFromInline var expiryGeneration: UInt32 = 0
    @usableFromInline var weight: Int = 1
    /// The key's hash, kept for the frequency sketch.
    @usableFromInline var keyHash: Int = 0
    /// When the entry expires (the earlier of its time-to-live and time-to-idle), in clock nanoseconds.
    @usableFromInline var expiresAt: UInt64 = .max
    /// When the entry's time-to-live ends, regardless of reads.
    @usableFromInline var liveUntil: UInt64 = .max

    @inlinable
    init() {}
}

/// A doubly-linked list threaded through the `previous`/`next` fields of entries in one array:
/// O(1) push, remove and move, no allocation. Head = most recently used, tail = least.
@usableFromInline
struct EntryList: Sendable {
    @usableFromInline var head: Int32 = -1
    @usableFromInline var tail: Int32 = -1
    @usableFromInline var count = 0
    /// Sum of the weights of the entries in the list.
    @usableFromInline var weight = 0

    @inlinable
    init() {}

    @inlinable
    mutating func pushHead(_ index: Int32, _ meta: inout [CacheEntryMeta]) {
        meta[Int(index)].previous = -1
        meta[Int(index)].next = head
        if head >= 0 { meta[Int(head)].previous = index } else { tail = index }
        head = index
        count += 1
        weight += meta[Int(index)].weight
    }

    @inlinable
    mutating func remove(_ index: Int32, _ meta: inout [CacheEntryMeta]) {
        let previous = meta[Int(index)].previous
        let next = meta[Int(index)].next
        if previous >= 0 { meta[Int(previous)].next = next } else { head = next }
        if next >= 0 { meta[Int(next)].previous = previous } else { tail = previous }
        meta[Int(index)].previous = -1
        meta[Int(index)].next = -1
        count -= 1
        weight -= meta[Int(index)].weight
    }

    @inlinable
    mutating func moveToHead(_ index: Int32, _ meta: inout [CacheEntryMeta]) {
        guard head != index else { return }
        remove(index, &meta)
        pushHead(index, &meta)
    }
}
