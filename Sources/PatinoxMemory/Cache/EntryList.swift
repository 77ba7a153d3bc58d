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

extension CacheEntryMeta: IndexLinked {}

/// One policy queue of a cache shard: an ``IndexLinkedList`` through the entries' metadata, with its count
/// and weight. Head = most recently used, tail = least.
@usableFromInline
struct EntryList: Sendable {
    @usableFromInline var links = IndexLinkedList()
    @usableFromInline var count = 0
    /// Sum of the weights of the entries in the list.
    @usableFromInline var weight = 0

    @inlinable
    init() {}

    /// The most recently used entry, or -1.
    @inlinable
    var head: Int32 { links.head }

    /// The least recently used entry, or -1.
    @inlinable
    var tail: Int32 { links.tail }

    @inlinable
    mutating func pushHead(_ index: Int32, _ meta: inout [CacheEntryMeta]) {
        links.pushHead(index, in: &meta)
        count += 1
        weight += meta[Int(index)].weight
    }

    @inlinable
    mutating func remove(_ index: Int32, _ meta: inout [CacheEntryMeta]) {
        links.remove(index, in: &meta)
        count -= 1
        weight -= meta[Int(index)].weight
    }

    @inlinable
    mutating func moveToHead(_ index: Int32, _ meta: inout [CacheEntryMeta]) {
        guard links.head != index else { return }
        remove(index, &meta)
        pushHead(index, &meta)
    }
}
