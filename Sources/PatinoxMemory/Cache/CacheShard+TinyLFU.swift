/// W-TinyLFU's region sizes, sketch and window-adaptation state.
@usableFromInline
struct TinyLFUState: Sendable {
    static let protectedPercent = 0.80
    static let hashFloodThreshold = 6
    static let transferLimit = 1000

    var capacity: Int
    var windowMaximum: Int
    @usableFromInline var protectedMaximum: Int
    var sketch = FrequencySketch()
    let adaptation: WindowAdaptation
    var climber: HillClimber
    var tuner: ShadowTuner?

    init(capacity: Int, adaptation: WindowAdaptation) {
        let capacity = max(capacity, 1)
        self.capacity = capacity
        self.adaptation = adaptation
        let fraction: Double
        switch adaptation {
        case .fixed(let fixed): fraction = fixed
        case .hillClimbing, .shadowSimulation: fraction = ShadowTuner.fractions[0]
        }
        windowMaximum = max(1, Int((Double(capacity) * fraction).rounded()))
        protectedMaximum = Int(Double(capacity - windowMaximum) * Self.protectedPercent)
        climber = HillClimber(capacity: capacity)
        if case .shadowSimulation = adaptation { tuner = ShadowTuner(capacity: capacity) }
    }

    /// Counts a hit; returns a new window fraction when the tuner decides to move.
    @usableFromInline
    mutating func recordHit(_ keyHash: Int) -> Double? {
        sketch.increment(keyHash)
        climber.hitsInSample += 1
        return tuner?.record(keyHash)
    }

    /// Counts a read miss for the tuner; returns a new window fraction when it decides to move.
    @usableFromInline
    mutating func recordMiss(_ keyHash: Int) -> Double? {
        tuner?.record(keyHash)
    }
}

extension CacheShard {
    /// The window's share of the capacity.
    var windowFraction: Double { Double(tinyLFU.windowMaximum) / Double(tinyLFU.capacity) }

    /// A hit: count it in the sketch (and the tuner) and reorder. Inlinable so a client module
    /// specialises it; the non-generic bookkeeping lives in `TinyLFUState`.
    @inlinable
    mutating func tinyLFUAccess(_ slot: Int32) {
        if let fraction = tinyLFU.recordHit(meta[Int(slot)].keyHash) { setWindow(fraction: fraction) }
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
    }

    /// A read missed: only the window tuner wants to know (the sketch counts the write that follows).
    @inlinable
    mutating func tinyLFUMiss(_ keyHash: Int) {
        if let fraction = tinyLFU.recordMiss(keyHash) { setWindow(fraction: fraction) }
    }

    mutating func tinyLFUInsert(_ slot: Int32) {
        if !tinyLFU.sketch.isInitialized { tinyLFU.sketch.ensureCapacity(tinyLFU.capacity) }
        tinyLFU.sketch.increment(meta[Int(slot)].keyHash)
        tinyLFU.climber.missesInSample += 1
        meta[Int(slot)].queue = .main
        main.pushHead(slot, &meta)
    }

    mutating func tinyLFUEvict(into removals: inout [Removal]) {
        let firstCandidate = moveWindowOverflowToProbation()
        evictFromMain(candidate: firstCandidate, into: &removals)
        if case .hillClimbing = tinyLFU.adaptation { climb() } else { demoteFromProtected() }
    }

    /// Window entries beyond the window's size move, oldest first, to probation's most recent end; they
    /// are the candidates for admission. Returns the first (oldest) of them, or -1.
    private mutating func moveWindowOverflowToProbation() -> Int32 {
        var first: Int32 = -1
        while main.weight > tinyLFU.windowMaximum, main.tail >= 0 {
            let slot = main.tail
            main.remove(slot, &meta)
            meta[Int(slot)].queue = .probation
            probation.pushHead(slot, &meta)
            if first < 0 { first = slot }
        }
        return first
    }

    /// While over the bounds, a candidate (walking from the oldest newcomer towards the newest) duels the
    /// victim (walking from probation's least recently used end); the one the sketch has seen less often
    /// leaves. When candidates run out the window's oldest entry is tried; when victims run out, protected
    /// and then the window supply them.
    private mutating func evictFromMain(candidate first: Int32, into removals: inout [Removal]) {
        var candidate = first
        var searchedWindow = false
        var victimQueue = CacheQueue.probation
        var victim = probation.tail
        while isOverBounds {
            if candidate < 0 && !searchedWindow {
                candidate = main.tail
                searchedWindow = true
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
                candidate = meta[Int(candidate)].previous
                evict(evicted, into: &removals)
            } else if candidate < 0 {
                let evicted = victim
                victim = meta[Int(victim)].previous
                evict(evicted, into: &removals)
            } else if candidate == victim {
                victim = meta[Int(victim)].previous
                evict(candidate, into: &removals)
                candidate = -1
            } else if admit(candidate: candidate, victim: victim) {
                let evicted = victim
                victim = meta[Int(victim)].previous
                candidate = meta[Int(candidate)].previous
                evict(evicted, into: &removals)
            } else {
                let evicted = candidate
                candidate = meta[Int(candidate)].previous
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

    /// Re-sizes the window and protected space for a new capacity (squeeze fault), keeping the window's share.
    mutating func resizeTinyLFU(capacity: Int) {
        let fraction = windowFraction
        let capacity = max(capacity, 1)
        tinyLFU.capacity = capacity
        tinyLFU.windowMaximum = max(1, Int(Double(capacity) * fraction))
        tinyLFU.protectedMaximum = Int(Double(capacity - tinyLFU.windowMaximum) * TinyLFUState.protectedPercent)
        // The sketch ages after ten increments per entry of the *new* size (a sketch not used yet is sized
        // at the first insert).
        if tinyLFU.sketch.isInitialized { tinyLFU.sketch.ensureCapacity(capacity) }
    }
}
