/// One independently locked part of a ``Cache``: a dictionary from key to slot, entries in parallel
/// arrays (keys, values, plain metadata), and the eviction policy's queues threaded through the
/// metadata. A pure value: the time comes in as a parameter, removals go out in a list.
@usableFromInline
struct CacheShard<Key: Hashable, Value> {
    @usableFromInline typealias Removal = (key: Key, value: Value, cause: RemovalCause)

    @usableFromInline var index = SlotIndex()
    /// Key and value side by side, so a hit's key check and value read share a cache line.
    @usableFromInline var entries: [(key: Key, value: Value)?] = []
    @usableFromInline var meta: [CacheEntryMeta] = []
    @usableFromInline var freeSlots: [Int32] = []
    /// Entries with an expiry, soonest first: what a sweep visits.
    var expiry = ExpiryQueue()
    /// Live nodes in ``expiry`` after its last compaction: it compacts again when it holds twice that (plus
    /// 1,024), so stale nodes never outnumber the live ones by more than that.
    var expiryLiveAtCompaction = 0
    @usableFromInline let policy: CachePolicy
    /// LRU and SIEVE use `main` only; W-TinyLFU uses `main` as its window plus probation and protected.
    @usableFromInline var main = EntryList()
    @usableFromInline var probation = EntryList()
    @usableFromInline var protected = EntryList()
    /// SIEVE's hand: the next entry to look at, moving from the tail towards the head.
    @usableFromInline var hand: Int32 = -1
    @usableFromInline var stats = CacheStats()
    @usableFromInline var totalWeight = 0
    /// The bounds in force (lowered while a squeeze fault is active).
    @usableFromInline var maximumCount: Int
    @usableFromInline var maximumWeight: Int
    /// The configured bounds, restored after a squeeze.
    var configuredCount: Int
    var configuredWeight: Int
    /// Time-to-idle in nanoseconds, 0 when off.
    @usableFromInline let timeToIdle: UInt64
    /// Collect removed entries for the eviction listener (only when there is one).
    @usableFromInline let recordsRemovals: Bool
    @usableFromInline var tinyLFU: TinyLFUState
    var rng: SplitMix64

    init(
        policy: CachePolicy,
        maximumCount: Int,
        maximumWeight: Int,
        timeToIdle: UInt64,
        recordsRemovals: Bool,
        seed: UInt64,
        adaptation: WindowAdaptation = .shadowSimulation
    ) {
        self.policy = policy
        self.maximumCount = maximumCount
        self.maximumWeight = maximumWeight
        self.configuredCount = maximumCount
        self.configuredWeight = maximumWeight
        self.timeToIdle = timeToIdle
        self.recordsRemovals = recordsRemovals
        self.tinyLFU = TinyLFUState(
            capacity: policy == .wTinyLFU ? min(maximumCount, maximumWeight) : 1,
            adaptation: adaptation
        )
        self.rng = SplitMix64(seed: seed)
    }

    @inlinable
    var count: Int { index.count }

    // MARK: - Reads

    /// The value for `key` if present and not expired at `now`; counts a hit or a miss and updates the policy.
    @inlinable
    mutating func get(_ key: Key, hash: Int, now: UInt64, removals: inout [Removal]) -> Value? {
        guard let slot = index.find(hash: hash, matches: { entries[Int($0)]?.key == key }) else {
            stats.misses += 1
            if policy == .wTinyLFU { tinyLFUMiss(hash) }
            return nil
        }
        if meta[Int(slot)].expiresAt <= now {
            stats.misses += 1
            stats.expirations += 1
            remove(slot, cause: .expired, into: &removals)
            return nil
        }
        stats.hits += 1
        recordAccess(slot, now: now)
        return entries[Int(slot)]?.value
    }

    /// Like `get`, without counting or reordering (for `contains` and inspection).
    func peek(_ key: Key, hash: Int, now: UInt64) -> Value? {
        guard let slot = index.find(hash: hash, matches: { entries[Int($0)]?.key == key }),
            meta[Int(slot)].expiresAt > now
        else { return nil }
        return entries[Int(slot)]?.value
    }

    @inlinable
    mutating func recordAccess(_ slot: Int32, now: UInt64) {
        switch policy {
        case .lru: main.moveToHead(slot, &meta)
        case .sieve: meta[Int(slot)].visited = true
        case .wTinyLFU: tinyLFUAccess(slot)
        }
        if timeToIdle != 0 {
            meta[Int(slot)].expiresAt = min(meta[Int(slot)].liveUntil, now &+ timeToIdle)
        }
    }

    // MARK: - Writes

    /// Stores `value` for `key` with `weight`, living until `liveUntil`; evicts what the bounds require.
    mutating func put(
        _ key: Key,
        hash: Int,
        _ value: Value,
        weight: Int,
        liveUntil: UInt64,
        now: UInt64,
        removals: inout [Removal]
    ) {
        if weight > maximumWeight {
            stats.rejections += 1
            if let slot = find(key, hash: hash) { remove(slot, cause: .replaced, into: &removals) }
            if recordsRemovals { removals.append((key, value, .rejected)) }
            return
        }
        let expiresAt = timeToIdle == 0 ? liveUntil : min(liveUntil, now &+ timeToIdle)
        if let slot = find(key, hash: hash) {
            stats.replacements += 1
            if recordsRemovals, let old = entries[Int(slot)]?.value { removals.append((key, old, .replaced)) }
            entries[Int(slot)]?.value = value
            changeWeight(slot, to: weight)
            meta[Int(slot)].liveUntil = liveUntil
            meta[Int(slot)].expiresAt = expiresAt
            recordAccess(slot, now: now)
            if meta[Int(slot)].expiresAt != .max { scheduleExpiry(slot) }
        } else {
            // LRU and SIEVE make room before the newcomer joins the queue (SIEVE's hand must not reach
            // it); W-TinyLFU admits it to the window first and lets it duel for a place afterwards.
            if policy != .wTinyLFU { makeRoom(count: 1, weight: weight, into: &removals) }
            let slot = allocate()
            entries[Int(slot)] = (key, value)
            resetMeta(slot)
            meta[Int(slot)].weight = weight
            meta[Int(slot)].keyHash = hash
            meta[Int(slot)].liveUntil = liveUntil
            meta[Int(slot)].expiresAt = expiresAt
            index.insert(hash: hash, slot: slot)
            totalWeight += weight
            insertIntoPolicy(slot)
            if expiresAt != .max { scheduleExpiry(slot) }
        }
        evictWhileOverBounds(into: &removals)
    }

    /// Removes `key`; returns whether it was there.
    @discardableResult
    mutating func remove(_ key: Key, hash: Int, cause: RemovalCause, into removals: inout [Removal]) -> Bool {
        guard let slot = find(key, hash: hash) else { return false }
        remove(slot, cause: cause, into: &removals)
        return true
    }

    /// Removes every entry `predicate` accepts.
    mutating func removeAll(where predicate: (Key, Value) -> Bool, into removals: inout [Removal]) -> Int {
        var removed = 0
        for slot in entries.indices {
            guard let entry = entries[slot], predicate(entry.key, entry.value) else { continue }
            remove(Int32(slot), cause: .removed, into: &removals)
            removed += 1
        }
        return removed
    }

    /// Removes every expired entry; returns how many. Visits only the due nodes of ``expiry``: an entry
    /// whose time-to-idle was extended since it was scheduled is scheduled again, at its new time.
    mutating func removeExpired(now: UInt64, into removals: inout [Removal]) -> Int {
        var expired = 0
        while let node = expiry.popDue(now: now) {
            guard isLive(node) else { continue }
            let slot = node.slot
            if meta[Int(slot)].expiresAt <= now {
                remove(slot, cause: .expired, into: &removals)
                expired += 1
            } else if meta[Int(slot)].expiresAt != .max {
                scheduleExpiry(slot)
            }
        }
        stats.expirations += expired
        return expired
    }

    /// Puts the entry in `slot` into ``expiry`` at its `expiresAt`, making its older nodes stale; drops the
    /// stale nodes once they outnumber the entries (so the queue stays within about twice its live size).
    private mutating func scheduleExpiry(_ slot: Int32) {
        meta[Int(slot)].expiryGeneration &+= 1
        let node = ExpiryQueue.Node(
            at: meta[Int(slot)].expiresAt,
            slot: slot,
            generation: meta[Int(slot)].expiryGeneration
        )
        expiry.schedule(node)
        if expiry.count > 2 * expiryLiveAtCompaction + 1_024 {
            let (entries, meta) = (entries, meta)  // read beside the queue being rebuilt (no copy: no write)
            expiry.compact { Self.isLive($0, entries: entries, meta: meta) }
            expiryLiveAtCompaction = expiry.count
        }
    }

    /// Whether `node` is its entry's current one (not left by an earlier write or a removed entry).
    private func isLive(_ node: ExpiryQueue.Node) -> Bool { Self.isLive(node, entries: entries, meta: meta) }

    private static func isLive(
        _ node: ExpiryQueue.Node,
        entries: [(key: Key, value: Value)?],
        meta: [CacheEntryMeta]
    ) -> Bool {
        let slot = Int(node.slot)
        return slot < entries.count && entries[slot] != nil && meta[slot].expiryGeneration == node.generation
    }

    /// Clears a slot's metadata but for its expiry generation, which moves on: the slot's nodes go stale.
    private mutating func resetMeta(_ slot: Int32) {
        let generation = meta[Int(slot)].expiryGeneration &+ 1
        meta[Int(slot)] = CacheEntryMeta()
        meta[Int(slot)].expiryGeneration = generation
    }

    /// Lowers (or restores) the bounds and evicts down to them.
    mutating func setBounds(count: Int, weight: Int, into removals: inout [Removal]) {
        maximumCount = count
        maximumWeight = weight
        if policy == .wTinyLFU { resizeTinyLFU(capacity: min(count, weight)) }
        evictWhileOverBounds(into: &removals)
    }

    // MARK: - Slots

    private mutating func allocate() -> Int32 {
        if let slot = freeSlots.popLast() { return slot }
        entries.append(nil)
        meta.append(CacheEntryMeta())
        return Int32(entries.count - 1)
    }

    /// The slot of `key`, if present.
    func find(_ key: Key, hash: Int) -> Int32? {
        index.find(hash: hash, matches: { entries[Int($0)]?.key == key })
    }

    /// Unlinks and frees one entry.
    @usableFromInline
    mutating func remove(_ slot: Int32, cause: RemovalCause, into removals: inout [Removal]) {
        if cause == .removed { stats.removals += 1 }
        unlinkFromPolicy(slot)
        let entry = entries[Int(slot)]!
        index.remove(hash: meta[Int(slot)].keyHash, slot: slot)
        if recordsRemovals { removals.append((entry.key, entry.value, cause)) }
        totalWeight -= meta[Int(slot)].weight
        entries[Int(slot)] = nil
        resetMeta(slot)
        freeSlots.append(slot)
        if index.count == 0 && !expiry.isEmpty {  // an empty shard has nothing to expire: drop the stale nodes
            expiry.removeAll()
            expiryLiveAtCompaction = 0
        }
    }

    private mutating func changeWeight(_ slot: Int32, to weight: Int) {
        let delta = weight - meta[Int(slot)].weight
        guard delta != 0 else { return }
        meta[Int(slot)].weight = weight
        totalWeight += delta
        switch meta[Int(slot)].queue {
        case .main: main.weight += delta
        case .probation: probation.weight += delta
        case .protected: protected.weight += delta
        case .none: break
        }
    }

    var isOverBounds: Bool { count > maximumCount || totalWeight > maximumWeight }
}

extension CacheShard: Sendable where Key: Sendable, Value: Sendable {}
