/// W-TinyLFU's sizes and hill-climbing state (after Caffeine's adaptive policy).
struct TinyLFUState: Sendable {
    static let mainPercent = 0.99
    static let protectedPercent = 0.80
    static let restartThreshold = 0.05
    static let stepPercent = 0.0625
    static let stepDecay = 0.98
    static let hashFloodThreshold = 6
    static let transferLimit = 1000

    var capacity: Int
    var windowMaximum: Int
    var protectedMaximum: Int
    var stepSize: Double
    var adjustment = 0
    var hitsInSample = 0
    var missesInSample = 0
    var previousHitRate = 0.0
    var sketch = FrequencySketch()

    init(capacity: Int) {
        let capacity = max(capacity, 1)
        self.capacity = capacity
        let mainMaximum = Int(Double(capacity) * Self.mainPercent)
        windowMaximum = capacity - mainMaximum
        protectedMaximum = Int(Double(mainMaximum) * Self.protectedPercent)
        stepSize = -Self.stepPercent * Double(capacity)
    }
}

extension CacheShard {
    /// The window's share of the capacity.
    var windowFraction: Double { Double(tinyLFU.windowMaximum) / Double(tinyLFU.capacity) }

    @usableFromInline
    mutating func tinyLFUAccess(_ slot: Int32) {
        tinyLFU.sketch.increment(meta[Int(slot)].keyHash)
        switch meta[Int(slot)].queue {
        case .main: main.moveToHead(slot, &meta)
        case .probation:
            if meta[Int(slot)].weight > tinyLFU.protectedMaximum {
                probation.moveToHead(slot, &meta)
            } else {
                probation.remove(slot, &meta)
                meta[Int(slot)].queue = .protected
                protected.pushHead(slot, &meta)
            }
        case .protected: protected.moveToHead(slot, &meta)
        case .none: break
        }
        tinyLFU.hitsInSample += 1
    }

    mutating func tinyLFUInsert(_ slot: Int32) {
        if totalWeight >= tinyLFU.capacity / 2 { tinyLFU.sketch.ensureCapacity(tinyLFU.capacity) }
        tinyLFU.sketch.increment(meta[Int(slot)].keyHash)
        tinyLFU.missesInSample += 1
        meta[Int(slot)].queue = .main
        main.pushHead(slot, &meta)
    }

    mutating func tinyLFUEvict(into removals: inout [Removal]) {
        let candidates = moveWindowOverflowToProbation()
        evictFromMain(candidates: candidates, into: &removals)
        climb()
    }

    /// Window entries beyond the window's size move to probation's head: they are the candidates.
    private mutating func moveWindowOverflowToProbation() -> Int {
        var candidates = 0
        while main.weight > tinyLFU.windowMaximum, main.tail >= 0 {
            let slot = main.tail
            main.remove(slot, &meta)
            meta[Int(slot)].queue = .probation
            probation.pushHead(slot, &meta)
            candidates += 1
        }
        return candidates
    }

    /// While over the bounds, the newest candidate duels the oldest probation entry (the victim); the
    /// one the sketch has seen less often leaves.
    private mutating func evictFromMain(candidates: Int, into removals: inout [Removal]) {
        var candidates = candidates
        var victimQueue = CacheQueue.probation
        var victim = probation.tail
        var candidate = probation.head
        var candidateFromProbation = true
        while isOverBounds {
            if candidate < 0 && candidateFromProbation {
                candidate = main.tail
                candidateFromProbation = false
            }
            if candidate < 0 && victim < 0 {
                switch victimQueue {
                case .probation:
                    victim = protected.tail
                    victimQueue = .protected
                    continue
                case .protected:
                    victim = main.tail
                    victimQueue = .main
                    continue
                default:
                    return
                }
            }
            if victim < 0 {
                let evicted = candidate
                candidate = meta[Int(candidate)].next
                candidates -= 1
                evict(evicted, into: &removals)
                continue
            }
            if candidate < 0 {
                let evicted = victim
                victim = meta[Int(victim)].previous
                evict(evicted, into: &removals)
                continue
            }
            if candidate == victim {
                victim = meta[Int(victim)].previous
                evict(candidate, into: &removals)
                candidate = -1
                continue
            }
            candidates -= 1
            if admit(candidate: candidate, victim: victim) {
                let evicted = victim
                victim = meta[Int(victim)].previous
                evict(evicted, into: &removals)
                candidate = meta[Int(candidate)].next
            } else {
                let evicted = candidate
                candidate = meta[Int(candidate)].next
                evict(evicted, into: &removals)
            }
        }
    }

    /// TinyLFU admission, with a random admit for warm candidates so an attacker cannot pin the victim
    /// by flooding its hash.
    private mutating func admit(candidate: Int32, victim: Int32) -> Bool {
        let victimFrequency = tinyLFU.sketch.frequency(meta[Int(victim)].keyHash)
        let candidateFrequency = tinyLFU.sketch.frequency(meta[Int(candidate)].keyHash)
        if candidateFrequency > victimFrequency { return true }
        if candidateFrequency >= TinyLFUState.hashFloodThreshold { return rng.next() & 127 == 0 }
        return false
    }

    // MARK: - Hill climbing

    /// Every sample (ten times the capacity in requests), compares the hit rate with the previous
    /// sample and moves the window size the way that helped, in shrinking steps; a large change in
    /// hit rate restarts with a big step.
    mutating func climb() {
        determineAdjustment()
        demoteFromProtected()
        if tinyLFU.adjustment > 0 {
            increaseWindow()
        } else if tinyLFU.adjustment < 0 {
            decreaseWindow()
        }
    }

    private mutating func determineAdjustment() {
        guard tinyLFU.sketch.isInitialized else {
            tinyLFU.previousHitRate = 0
            tinyLFU.hitsInSample = 0
            tinyLFU.missesInSample = 0
            return
        }
        let requests = tinyLFU.hitsInSample + tinyLFU.missesInSample
        guard requests >= tinyLFU.sketch.sampleSize else {
            tinyLFU.adjustment = 0
            return
        }
        let hitRate = Double(tinyLFU.hitsInSample) / Double(requests)
        let change = hitRate - tinyLFU.previousHitRate
        let amount = change >= 0 ? tinyLFU.stepSize : -tinyLFU.stepSize
        tinyLFU.stepSize =
            abs(change) >= TinyLFUState.restartThreshold
            ? TinyLFUState.stepPercent * Double(tinyLFU.capacity) * (amount >= 0 ? 1 : -1)
            : TinyLFUState.stepDecay * amount
        tinyLFU.previousHitRate = hitRate
        tinyLFU.adjustment = Int(amount)
        tinyLFU.hitsInSample = 0
        tinyLFU.missesInSample = 0
    }

    private mutating func demoteFromProtected() {
        var moved = 0
        while protected.weight > tinyLFU.protectedMaximum, protected.tail >= 0, moved < TinyLFUState.transferLimit {
            let slot = protected.tail
            protected.remove(slot, &meta)
            meta[Int(slot)].queue = .probation
            probation.pushHead(slot, &meta)
            moved += 1
        }
    }

    private mutating func increaseWindow() {
        guard tinyLFU.protectedMaximum > 0 else { return }
        var quota = min(tinyLFU.adjustment, tinyLFU.protectedMaximum)
        tinyLFU.protectedMaximum -= quota
        tinyLFU.windowMaximum += quota
        demoteFromProtected()
        for _ in 0..<TinyLFUState.transferLimit {
            var slot = probation.tail
            if slot < 0 || quota < meta[Int(slot)].weight { slot = protected.tail }
            guard slot >= 0, meta[Int(slot)].weight <= quota else { break }
            quota -= meta[Int(slot)].weight
            unlinkFromPolicy(slot)
            meta[Int(slot)].queue = .main
            main.pushHead(slot, &meta)
        }
        tinyLFU.protectedMaximum += quota
        tinyLFU.windowMaximum -= quota
        tinyLFU.adjustment = quota
    }

    private mutating func decreaseWindow() {
        guard tinyLFU.windowMaximum > 1 else { return }
        var quota = min(-tinyLFU.adjustment, max(0, tinyLFU.windowMaximum - 1))
        tinyLFU.protectedMaximum += quota
        tinyLFU.windowMaximum -= quota
        for _ in 0..<TinyLFUState.transferLimit {
            let slot = main.tail
            guard slot >= 0, meta[Int(slot)].weight <= quota else { break }
            quota -= meta[Int(slot)].weight
            main.remove(slot, &meta)
            meta[Int(slot)].queue = .probation
            probation.pushHead(slot, &meta)
        }
        tinyLFU.protectedMaximum -= quota
        tinyLFU.windowMaximum += quota
        tinyLFU.adjustment = -quota
    }

    /// Re-sizes the window and protected space for a new capacity (squeeze fault), keeping the window's share.
    mutating func resizeTinyLFU(capacity: Int) {
        let fraction = windowFraction
        let capacity = max(capacity, 1)
        tinyLFU.capacity = capacity
        tinyLFU.windowMaximum = max(1, Int(Double(capacity) * fraction))
        tinyLFU.protectedMaximum = Int(Double(capacity - tinyLFU.windowMaximum) * TinyLFUState.protectedPercent)
    }
}
