/// How W-TinyLFU sizes its admission window.
public enum WindowAdaptation: Sendable, Hashable {
    /// Miniature simulations (the default): shadow W-TinyLFU caches with windows of 1 % to 95 % replay a
    /// hash-sampled share of the reads, scaled down; every period the window moves to the size whose
    /// shadow hit most, with a little hysteresis. Converges within a few periods to the best of the
    /// tried sizes, without the exploration losses of hill climbing.
    case shadowSimulation
    /// Caffeine's hill climber: every ten capacities of requests, step the window size in the
    /// direction that raised the hit rate, in decaying steps.
    case hillClimbing
    /// A window of this fraction of the capacity, never changed (0.01 is Caffeine 2.6's policy).
    case fixed(Double)
}

/// Caffeine's hill-climbing state.
struct HillClimber: Sendable {
    static let restartThreshold = 0.05
    static let stepPercent = 0.0625
    static let stepDecay = 0.98

    var stepSize: Double
    var adjustment = 0
    var hitsInSample = 0
    var missesInSample = 0
    var previousHitRate = 0.0

    init(capacity: Int) { stepSize = -Self.stepPercent * Double(capacity) }
}

/// Shadow W-TinyLFU caches, one per candidate window size, fed a hash-sampled share of the reads.
@usableFromInline
struct ShadowTuner: Sendable {
    /// The window sizes tried, as fractions of the capacity; the first is the starting size.
    static let fractions: [Double] = [0.01, 0.05, 0.15, 0.35, 0.65, 0.95]
    /// Shadows hold at most about this many entries; larger caches sample keys to fit.
    static let shadowEntries = 2048
    /// A shadow must beat the size in force by this share to cause a move.
    static let hysteresis = 0.01
    /// Periods to watch before the first move (the first ones mostly measure how the caches fill).
    static let warmUpPeriods = 2
    /// How much of the past score each period keeps: 1 keeps all of it, so the window follows the size
    /// that has served this workload best so far (shorter memories chased noise on OLTP).
    static let memory = 1.0

    var shadows: [CacheShard<Int, Void>]
    var scores: [Double]
    var periodHits: [Int]
    var current = 0
    var sampled = 0
    var periods = 0
    /// Reads whose hash has these bits clear are replayed in the shadows.
    @usableFromInline let sampleMask: Int
    let period: Int

    /// - Parameter minimumRate: replay at most one read in this many (a power of two), to bound the cost
    ///   per read when the cache is shared by many tasks.
    init(capacity: Int, minimumRate: Int = 1) {
        var rate = max(1, minimumRate)
        while capacity / rate > Self.shadowEntries { rate <<= 1 }
        sampleMask = rate - 1
        let shadowCapacity = max(1, capacity / rate)
        period = max(64, shadowCapacity)
        shadows = Self.fractions.enumerated().map { index, fraction in
            .simulation(
                policy: .wTinyLFU,
                capacity: shadowCapacity,
                seed: UInt64(index + 1),
                adaptation: .fixed(fraction)
            )
        }
        scores = Array(repeating: 0, count: shadows.count)
        periodHits = Array(repeating: 0, count: shadows.count)
    }

    /// Replays one read in every shadow; at the end of a period returns the fraction to move to, if any.
    @usableFromInline
    mutating func record(_ keyHash: Int) -> Double? {
        guard keyHash & sampleMask == 0 else { return nil }
        let hash = keyHash.hashValue
        for index in shadows.indices where shadows[index].replay(keyHash, hash: hash) { periodHits[index] += 1 }
        sampled += 1
        guard sampled >= period else { return nil }
        sampled = 0
        periods += 1
        for index in scores.indices {
            scores[index] = scores[index] * Self.memory + Double(periodHits[index])
            periodHits[index] = 0
        }
        let best = scores.indices.max { scores[$0] < scores[$1] }!
        guard periods > Self.warmUpPeriods, best != current, scores[best] > scores[current] * (1 + Self.hysteresis) + 1
        else { return nil }
        current = best
        return Self.fractions[best]
    }
}

extension CacheShard {
    /// Moves the window to `fraction` of the capacity (the tuner's decision).
    @usableFromInline
    mutating func setWindow(fraction: Double) {
        setWindow(maximum: max(1, Int((Double(tinyLFU.capacity) * fraction).rounded())))
    }

    /// Moves the window to `target` entries: window overflow goes to probation; main space beyond its
    /// new share moves, least recently used first, into the window.
    mutating func setWindow(maximum target: Int) {
        tinyLFU.windowMaximum = target
        tinyLFU.protectedMaximum = Int(Double(tinyLFU.capacity - target) * TinyLFUState.protectedPercent)
        while main.weight > target, main.tail >= 0 {
            let slot = main.tail
            main.remove(slot, &meta)
            meta[Int(slot)].queue = .probation
            probation.pushHead(slot, &meta)
        }
        while probation.weight + protected.weight > tinyLFU.capacity - target {
            let slot = probation.tail >= 0 ? probation.tail : protected.tail
            guard slot >= 0 else { break }
            unlinkFromPolicy(slot)
            meta[Int(slot)].queue = .main
            main.pushHead(slot, &meta)
        }
        demoteFromProtected()
    }

    // MARK: - Hill climbing

    /// Every sample (ten times the capacity in requests), compares the hit rate with the previous
    /// sample and moves the window size the way that helped, in shrinking steps; a large change in
    /// hit rate restarts with a big step.
    mutating func climb() {
        determineAdjustment()
        demoteFromProtected()
        if tinyLFU.climber.adjustment > 0 {
            increaseWindow()
        } else if tinyLFU.climber.adjustment < 0 {
            decreaseWindow()
        }
    }

    private mutating func determineAdjustment() {
        guard tinyLFU.sketch.isInitialized else {
            tinyLFU.climber.previousHitRate = 0
            tinyLFU.climber.hitsInSample = 0
            tinyLFU.climber.missesInSample = 0
            return
        }
        let requests = tinyLFU.climber.hitsInSample + tinyLFU.climber.missesInSample
        guard requests >= tinyLFU.sketch.sampleSize else { return }
        let hitRate = Double(tinyLFU.climber.hitsInSample) / Double(requests)
        let change = hitRate - tinyLFU.climber.previousHitRate
        let amount = change >= 0 ? tinyLFU.climber.stepSize : -tinyLFU.climber.stepSize
        tinyLFU.climber.stepSize =
            abs(change) >= HillClimber.restartThreshold
            ? HillClimber.stepPercent * Double(tinyLFU.capacity) * (amount >= 0 ? 1 : -1)
            : HillClimber.stepDecay * amount
        tinyLFU.climber.previousHitRate = hitRate
        tinyLFU.climber.adjustment = Int(amount)
        tinyLFU.climber.hitsInSample = 0
        tinyLFU.climber.missesInSample = 0
    }

    mutating func demoteFromProtected() {
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
        var quota = min(tinyLFU.climber.adjustment, tinyLFU.protectedMaximum)
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
        tinyLFU.climber.adjustment = quota
    }

    private mutating func decreaseWindow() {
        guard tinyLFU.windowMaximum > 1 else { return }
        var quota = min(-tinyLFU.climber.adjustment, max(0, tinyLFU.windowMaximum - 1))
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
        tinyLFU.climber.adjustment = -quota
    }
}
