// LRU and SIEVE, and the policy dispatch shared with W-TinyLFU.
extension CacheShard {
    mutating func insertIntoPolicy(_ slot: Int32) {
        switch policy {
        case .lru, .sieve:
            meta[Int(slot)].queue = .main
            main.pushHead(slot, &meta)
        case .wTinyLFU:
            tinyLFUInsert(slot)
        }
    }

    mutating func unlinkFromPolicy(_ slot: Int32) {
        if slot == hand { hand = meta[Int(slot)].previous }
        switch meta[Int(slot)].queue {
        case .main: main.remove(slot, &meta)
        case .probation: probation.remove(slot, &meta)
        case .protected: protected.remove(slot, &meta)
        case .none: break
        }
        meta[Int(slot)].queue = .none
    }

    mutating func evictWhileOverBounds(into removals: inout [Removal]) {
        switch policy {
        case .lru:
            while isOverBounds, main.tail >= 0 { evict(main.tail, into: &removals) }
        case .sieve:
            while isOverBounds, main.tail >= 0 { evict(sieveVictim(), into: &removals) }
        case .wTinyLFU:
            tinyLFUEvict(into: &removals)
        }
    }

    /// Evicts until `count` more entries of `weight` more fit (LRU and SIEVE).
    mutating func makeRoom(count extra: Int, weight: Int, into removals: inout [Removal]) {
        while main.tail >= 0, count + extra > maximumCount || totalWeight + weight > maximumWeight {
            evict(policy == .sieve ? sieveVictim() : main.tail, into: &removals)
        }
    }

    mutating func evict(_ slot: Int32, into removals: inout [Removal]) {
        stats.evictions += 1
        stats.evictedWeight += meta[Int(slot)].weight
        remove(slot, cause: .evicted, into: &removals)
    }

    /// SIEVE: from the hand (or the tail), clear visited bits moving towards the head (wrapping to the
    /// tail) until an unvisited entry; it is the victim and the hand rests on its newer neighbour.
    mutating func sieveVictim() -> Int32 {
        var candidate = hand >= 0 ? hand : main.tail
        while meta[Int(candidate)].visited {
            meta[Int(candidate)].visited = false
            candidate = meta[Int(candidate)].previous
            if candidate < 0 { candidate = main.tail }
        }
        hand = meta[Int(candidate)].previous
        return candidate
    }
}
