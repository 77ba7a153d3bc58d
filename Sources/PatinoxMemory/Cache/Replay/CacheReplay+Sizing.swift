/// The live sizing curve against exact replays: what `memtop cache-replay --curve` prints and what the accuracy
/// test checks.
public struct SizingComparison: Sendable, Hashable {
    /// One size: the exact hit ratio (a replay at that capacity) and the curve's estimate.
    public struct Point: Sendable, Hashable {
        /// The capacity, in entries.
        public var capacity: Int
        /// The hit ratio of a one-shard cache of that capacity replaying the whole trace.
        public var exact: Double
        /// The curve's estimate for it, from the shadows of a cache of the bound.
        public var sampled: Double
        /// `|sampled − exact|` in percentage points.
        public var gap: Double { abs(sampled - exact) * 100 }
    }

    /// The policy replayed.
    public var policy: CachePolicy
    /// The bound of the cache that kept the curve.
    public var bound: Int
    /// One key in this many was sampled.
    public var sampleRate: Int
    /// ¼×, ½×, 1×, 2× and 4× the bound.
    public var points: [Point]
    /// The largest gap, in points.
    public var worstGap: Double { points.map(\.gap).max() ?? 0 }
}

extension CacheReplay {
    /// Replays `keys` through a one-shard cache of `capacity` under `policy` with its sizing curve on (a miss
    /// stores the key, as an application's read-through would), then each size of the curve exactly.
    public static func sizingComparison(_ keys: [Int], capacity: Int, policy: CachePolicy) throws(PatinoxError)
        -> SizingComparison
    {
        var configuration = CacheConfiguration<Int, Void>()
        configuration.maximumCount = capacity
        configuration.policy = policy
        configuration.shards = 1
        configuration.sizingCurve = true
        let cache = try Cache(
            name: "replay",
            configuration: configuration,
            housekeepingInterval: .seconds(3_600),
            seed: 1
        )
        for key in keys where cache.get(key) == nil { cache.put(key, ()) }
        let curve = cache.status().sizing
        let points = (curve?.points ?? []).map { point in
            SizingComparison.Point(
                capacity: point.capacity,
                exact: run(keys, capacity: point.capacity, policy: policy).hitRatio,
                sampled: point.hitRatio
            )
        }
        return SizingComparison(policy: policy, bound: capacity, sampleRate: curve?.sampleRate ?? 1, points: points)
    }
}
