/// The online miss-ratio curve of a cache (SHARDS, Waldspurger et al., FAST 2015): the reads of a fixed share of
/// the keys, chosen by hash, are replayed into small shadow caches that stand for the cache at ¼×, ½×, 1×, 2× and
/// 4× its bound under its own policy, and at 1× under the other policies. A shadow of `bound × size / rate`
/// entries fed one key in `rate` has, to within sampling error, the hit ratio the whole cache would have at
/// `bound × size`. A pure value, behind its own lock in ``Cache``; only sampled reads touch it.
@usableFromInline
struct SizingShadows: Sendable {
    /// The smallest shadow (¼×) holds at least this many entries when the bound allows: the sampling error
    /// shrinks with the number of distinct keys a shadow sees.
    static let smallestShadow = 1_024

    /// The cache's policy at each of ``SizingCurve/sizes``, then the other policies at 1×.
    var shadows: [CacheShard<Int, Void>]
    let policies: [CachePolicy]
    let bound: Int
    /// One key in `rate` (a power of two) is sampled (``sampled(_:mask:)`` with `rate - 1`).
    let rate: Int
    var hits: [Double]
    var requests = 0.0
    /// The cache's reads (hits and misses) when the counts started: the curve sets the sampled reads against
    /// the reads since then.
    var readsAtStart: Int

    /// The sampling rate for a bound: the sparsest (a power of two) that leaves the ¼× shadow
    /// ``smallestShadow`` entries.
    static func rate(forBound bound: Int) -> Int {
        var rate = 1
        while Double(bound) * SizingCurve.sizes[0] / Double(rate * 2) >= Double(smallestShadow), rate < 1 << 20 {
            rate <<= 1
        }
        return rate
    }

    /// Shadows for a cache of `bound` entries under `policy`, sampling one key in `rate` (a power of two).
    init(policy: CachePolicy, bound: Int, rate: Int, seed: UInt64, readsAtStart: Int = 0) {
        self.rate = rate
        self.readsAtStart = readsAtStart
        self.bound = bound
        let others = CachePolicy.allCases.filter { $0 != policy }
        policies = SizingCurve.sizes.map { _ in policy } + others
        let multiples = SizingCurve.sizes + others.map { _ in 1.0 }
        shadows = zip(policies, multiples).enumerated().map { index, entry in
            .simulation(
                policy: entry.0,
                capacity: max(1, Int((Double(bound) * entry.1 / Double(rate)).rounded())),
                seed: seed &+ UInt64(index)
            )
        }
        hits = Array(repeating: 0, count: shadows.count)
    }

    /// Whether a read of a key with this hash is replayed (the bits above the shard and tuner bits).
    @inlinable
    static func sampled(_ hash: Int, mask: Int) -> Bool { (hash &>> 40) & mask == 0 }

    /// Replays one sampled read in every shadow: a hit counts, a miss stores the key.
    mutating func record(_ keyHash: Int) {
        let hash = keyHash.hashValue
        for index in shadows.indices where shadows[index].replay(keyHash, hash: hash) { hits[index] += 1 }
        requests += 1
    }

    /// Forgets the counts (a statistics reset, which also zeroes the cache's reads); the shadows keep their
    /// contents, as the cache does.
    mutating func resetCounts() {
        requests = 0
        readsAtStart = 0
        for index in hits.indices { hits[index] = 0 }
    }

    /// The curve as the status reports it, given the cache's reads so far (its hits and misses).
    ///
    /// SHARDS's adjustment: a hot key that happens to be sampled brings many more sampled reads than one key in
    /// `rate` would, nearly all of them hits at every size (a cold one, the other way). The difference between
    /// the sampled reads and the reads ÷ `rate` is taken off the hits (or added), and the ratio is over the
    /// expected sampled reads; without it a skewed workload's curve was 6–12 points high at one key in 4.
    func curve(reads: Int) -> SizingCurve {
        let expected = rate == 1 ? requests : Double(max(reads - readsAtStart, 0)) / Double(rate)
        let excess = requests - expected
        func ratio(_ index: Int) -> Double {
            guard expected > 0 else { return 0 }
            return max(0, min(1, (hits[index] - excess) / expected))
        }
        let own = SizingCurve.sizes.count
        return SizingCurve(
            points: SizingCurve.sizes.enumerated().map { index, size in
                SizingPoint(capacity: Int((Double(bound) * size).rounded()), hitRatio: ratio(index))
            },
            policies: (own..<shadows.count).map { PolicyPoint(policy: policies[$0], hitRatio: ratio($0)) },
            sampledReads: Int(requests),
            sampleRate: rate
        )
    }
}

/// A cache's miss-ratio curve, live: the hit ratio it would have at other sizes and under the other policies,
/// from sampled shadow caches (``CacheConfiguration/sizingCurve``). Part of ``CacheStatus``.
public struct SizingCurve: Sendable, Hashable, Codable {
    /// The sizes of ``points``, as multiples of the bound: ¼×, ½×, 1×, 2×, 4×.
    public static let sizes: [Double] = [0.25, 0.5, 1, 2, 4]
    /// Where the bound itself (1×) is in ``points``.
    public static let boundIndex = 2

    /// The hit ratio at ¼×, ½×, 1×, 2× and 4× the bound, under the cache's policy; smallest first.
    public var points: [SizingPoint]
    /// The hit ratio at the bound under each other policy.
    public var policies: [PolicyPoint]
    /// Reads replayed into the shadows since the cache was created, its statistics reset or its bound changed.
    public var sampledReads: Int
    /// One key in this many is sampled.
    public var sampleRate: Int

    /// Creates a curve.
    public init(points: [SizingPoint], policies: [PolicyPoint], sampledReads: Int, sampleRate: Int) {
        self.points = points
        self.policies = policies
        self.sampledReads = sampledReads
        self.sampleRate = sampleRate
    }
}

/// One point of a ``SizingCurve``.
public struct SizingPoint: Sendable, Hashable, Codable {
    /// The entries the cache would hold.
    public var capacity: Int
    /// Its hit ratio there, 0…1.
    public var hitRatio: Double

    /// Creates a point.
    public init(capacity: Int, hitRatio: Double) {
        self.capacity = capacity
        self.hitRatio = hitRatio
    }
}

/// What another policy would do at the cache's bound.
public struct PolicyPoint: Sendable, Hashable, Codable {
    /// The policy.
    public var policy: CachePolicy
    /// Its hit ratio at the bound, 0…1.
    public var hitRatio: Double

    /// Creates a policy point.
    public init(policy: CachePolicy, hitRatio: Double) {
        self.policy = policy
        self.hitRatio = hitRatio
    }
}
