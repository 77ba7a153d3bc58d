/// A hash index from keys to entry slots: open addressing with linear probing over one array of
/// 64-bit buckets (32 bits of the key's hash, and the slot + 1; 0 = empty), deletion by backward shift
/// (no tombstones).
///
/// It takes the hash the caller already computed to pick the shard, so a key is hashed once per
/// operation, and a probe touches one bucket array plus the entry's key, where a `Dictionary` would
/// hash again and touch its bitmap, keys and values.
@usableFromInline
struct SlotIndex: Sendable {
    @usableFromInline var buckets: [UInt64]
    @usableFromInline var mask: Int
    @usableFromInline private(set) var count = 0

    init(minimumCapacity: Int = 8) {
        var size = 8
        while size * 3 < minimumCapacity * 4 { size <<= 1 }
        buckets = Array(repeating: 0, count: size)
        mask = size - 1
    }

    /// The 32 bits of `hash` the index uses: above the bits that pick the shard.
    @inlinable
    static func tag(_ hash: Int) -> UInt64 { UInt64(truncatingIfNeeded: UInt32(truncatingIfNeeded: hash &>> 8)) }

    /// The slot whose key `matches`, among those with `hash`.
    @inlinable
    func find(hash: Int, matches: (Int32) -> Bool) -> Int32? {
        let tag = Self.tag(hash)
        var position = Int(tag) & mask
        while true {
            let bucket = buckets[position]
            if bucket == 0 { return nil }
            if bucket >> 32 == tag {
                let slot = Int32(truncatingIfNeeded: bucket & 0xFFFF_FFFF) - 1
                if matches(slot) { return slot }
            }
            position = (position + 1) & mask
        }
    }

    /// Adds `slot` under `hash` (the key must not be present).
    mutating func insert(hash: Int, slot: Int32) {
        if (count + 1) * 4 > buckets.count * 3 { grow() }
        place(Self.tag(hash) << 32 | UInt64(slot + 1))
        count += 1
    }

    /// Removes `slot`, which is stored under `hash`.
    mutating func remove(hash: Int, slot: Int32) {
        let wanted = Self.tag(hash) << 32 | UInt64(slot + 1)
        var hole = Int(Self.tag(hash)) & mask
        while buckets[hole] != wanted {
            precondition(buckets[hole] != 0, "slot \(slot) is not in the index")
            hole = (hole + 1) & mask
        }
        // Backward shift: pull later members of the probe run into the hole when their home allows it.
        var next = (hole + 1) & mask
        while buckets[next] != 0 {
            let home = Int(buckets[next] >> 32) & mask
            let distanceToNext = (next - home) & mask
            let distanceToHole = (hole - home) & mask
            if distanceToHole < distanceToNext {
                buckets[hole] = buckets[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        buckets[hole] = 0
        count -= 1
    }

    private mutating func place(_ bucket: UInt64) {
        var position = Int(bucket >> 32) & mask
        while buckets[position] != 0 { position = (position + 1) & mask }
        buckets[position] = bucket
    }

    private mutating func grow() {
        let old = buckets
        buckets = Array(repeating: 0, count: old.count * 2)
        mask = buckets.count - 1
        for bucket in old where bucket != 0 { place(bucket) }
    }
}
