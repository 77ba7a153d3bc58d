import Logging
import NIOConcurrencyHelpers
import Synchronization

/// A concurrent, bounded in-memory cache: LRU by default, SIEVE or adaptive W-TinyLFU on request;
/// count and weight bounds; time-to-live (default and per entry) and time-to-idle; statistics; an
/// eviction listener; single-flight loading; and fault hooks for chaos testing.
///
/// ```swift
/// var configuration = CacheConfiguration<String, User>()
/// configuration.maximumCount = 50_000
/// configuration.defaultTimeToLive = .seconds(60)
/// let users = try Cache(name: "users", configuration: configuration)
/// let user = try await users.get("42") { id in try await database.user(id) }   // loads once per key
/// ```
///
/// Keys are spread over shards, each a pure `CacheShard` value behind its own lock; with one shard
/// the policy order is exact (the same hit ratio as a reference simulator). The eviction listener runs
/// after the lock is released.
public final class Cache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    @usableFromInline typealias Shard = CacheShard<Key, Value>
    @usableFromInline typealias Removal = Shard.Removal

    /// The name given at creation; it appears in errors, events and metrics.
    public let name: String
    /// The settings the cache was created with (bounds, policy, expiry, shards).
    public let configuration: CacheConfiguration<Key, Value>
    @usableFromInline let shards: [NIOLockedValueBox<Shard>]
    @usableFromInline let shardMask: Int
    @usableFromInline let clock: any MonotonicClock
    /// Whether entries can expire (a default TTL, a time-to-idle, or a `put` with its own TTL happened):
    /// only then do reads look at the clock.
    @usableFromInline let expires: Synchronization.Atomic<Bool>
    /// While non-zero, reads miss until this clock time (fault hook).
    @usableFromInline let forcedMissesUntil = Synchronization.Atomic<UInt64>(0)
    let squeezedUntil = Synchronization.Atomic<UInt64>(0)
    /// W-TinyLFU with several shards: one window tuner for the whole cache, fed a sample of the reads
    /// (one shard keeps its own, so its order stays exactly that of a single W-TinyLFU cache).
    @usableFromInline let windowTuner: NIOLockedValueBox<ShadowTuner>?
    @usableFromInline let tunerSampleMask: Int
    /// The live miss-ratio curve's shadows (``CacheConfiguration/sizingCurve``), fed the sampled reads.
    @usableFromInline let sizing: NIOLockedValueBox<SizingShadows>?
    @usableFromInline let sizingMask: Int
    let listener: (@Sendable (Key, Value, RemovalCause) -> Void)?
    let monitor: any Monitor
    let logger: Logger
    let loads = NIOLockedValueBox<[Key: Task<Value, any Error>]>([:])
    let loadStats = NIOLockedValueBox(CacheStats())
    var component: ComponentID { ComponentID(kind: .cache, name: name) }

    /// Creates a cache; an inconsistent configuration throws ``PatinoxError/Code/invalidConfiguration``.
    ///
    /// - Parameters:
    ///   - name: the cache's engine and metrics label.
    ///   - configuration: bounds, policy, expiry and shards.
    ///   - clock: the time source for expiry (injected in tests; the system's monotonic clock by default).
    ///   - monitor: where samples and notable events go.
    ///   - logger: where failed loads go (with the cache's name and the error as metadata). Silent by default.
    ///   - seed: seeds the frequency sketch's hashing (W-TinyLFU), for repeatable behaviour in tests.
    ///   - onRemoval: called, outside any lock, for every entry that leaves the cache and why.
    ///   - housekeepingInterval: how often expired entries are swept and a sample goes to `monitor`.
    public init(
        name: String,
        configuration: CacheConfiguration<Key, Value> = CacheConfiguration(),
        clock: any MonotonicClock = SystemClock(),
        monitor: any Monitor = NoopMonitor(),
        logger: Logger = .disabled,
        housekeepingInterval: Duration = .seconds(1),
        seed: UInt64 = UInt64.random(in: 0...UInt64.max),
        onRemoval: (@Sendable (Key, Value, RemovalCause) -> Void)? = nil
    ) throws(PatinoxError) {
        try configuration.validate(cacheName: name)
        self.name = name
        self.configuration = configuration
        self.clock = clock
        self.monitor = monitor
        self.logger = logger
        self.listener = onRemoval
        self.expires = Synchronization.Atomic(configuration.defaultTimeToLive != nil || configuration.timeToIdle != nil)
        let count = 1 << (Int.bitWidth - 1 - configuration.effectiveShards.leadingZeroBitCount)
        shardMask = count - 1
        var rng = SplitMix64(seed: seed)
        let sharedTuner =
            configuration.policy == .wTinyLFU && count > 1
            && configuration.windowAdaptation == .shadowSimulation
        let tuner =
            sharedTuner
            ? ShadowTuner(
                capacity: min(configuration.maximumCount ?? .max, configuration.maximumWeight ?? .max),
                minimumRate: Self.sharedTunerRate
            ) : nil
        windowTuner = tuner.map { NIOLockedValueBox($0) }
        tunerSampleMask = tuner?.sampleMask ?? 0
        let sizingRate = SizingShadows.rate(forBound: configuration.maximumCount ?? 1)
        sizing =
            configuration.sizingCurve
            ? configuration.maximumCount.map {
                NIOLockedValueBox(
                    SizingShadows(policy: configuration.policy, bound: $0, rate: sizingRate, seed: rng.next())
                )
            } : nil
        sizingMask = sizingRate - 1
        let shardAdaptation = sharedTuner ? .fixed(ShadowTuner.fractions[0]) : configuration.windowAdaptation
        shards = (0..<count).map { index in
            NIOLockedValueBox(
                Shard(
                    policy: configuration.policy,
                    maximumCount: Self.share(configuration.maximumCount, of: count, index: index),
                    maximumWeight: Self.share(configuration.maximumWeight, of: count, index: index),
                    timeToIdle: configuration.timeToIdle?.nanosecondsClamped ?? 0,
                    recordsRemovals: onRemoval != nil,
                    seed: rng.next(),
                    adaptation: shardAdaptation
                )
            )
        }
        startHousekeeping(every: housekeepingInterval)
    }

    /// A shared tuner replays at most one read in 16, so it adds about 20 ns to an average read.
    static var sharedTunerRate: Int { 16 }

    static func share(_ bound: Int?, of shards: Int, index: Int) -> Int {
        guard let bound else { return .max }
        return bound / shards + (index < bound % shards ? 1 : 0)
    }

    @inlinable
    func shard(for key: Key) -> NIOLockedValueBox<Shard> {
        shardMask == 0 ? shards[0] : shards[key.hashValue & shardMask]
    }

    @inlinable
    func shard(forHash hash: Int) -> NIOLockedValueBox<Shard> {
        shardMask == 0 ? shards[0] : shards[hash & shardMask]
    }

    @inlinable
    func currentTime() -> UInt64 {
        expires.load(ordering: .relaxed) ? clock.now().nanoseconds : 0
    }

    // MARK: - Reads and writes

    /// The value for `key`, or `nil` when absent or expired. Counts a hit or a miss.
    @inlinable
    public func get(_ key: Key) -> Value? {
        if forcedMissesUntil.load(ordering: .relaxed) != 0, isForcingMisses() {
            shard(for: key).withLockedValue { $0.stats.misses += 1 }
            return nil
        }
        let now = currentTime()
        let hash = key.hashValue
        var removals: [Removal] = []
        let value = shard(forHash: hash).withLockedValue { $0.get(key, hash: hash, now: now, removals: &removals) }
        if !removals.isEmpty { notify(removals) }
        if windowTuner != nil, (hash &>> 24) & tunerSampleMask == 0 { tuneWindow(hash) }
        if sizing != nil, SizingShadows.sampled(hash, mask: sizingMask) { recordSizing(hash) }
        return value
    }

    /// Replays a sampled read in the sizing shadows.
    @usableFromInline
    func recordSizing(_ hash: Int) {
        sizing?.withLockedValue { $0.record(hash) }
    }

    /// Replays a sampled read in the shared window tuner; moves every shard's window when it decides.
    @usableFromInline
    func tuneWindow(_ hash: Int) {
        guard let fraction = windowTuner?.withLockedValue({ $0.record(hash &>> 24) }) else { return }
        for shard in shards { shard.withLockedValue { $0.setWindow(fraction: fraction) } }
    }

    /// Whether `key` has an unexpired value; counts nothing and changes no order.
    public func contains(_ key: Key) -> Bool {
        let now = currentTime()
        let hash = key.hashValue
        return shard(forHash: hash).withLockedValue { $0.peek(key, hash: hash, now: now) } != nil
    }

    /// Stores `value` for `key`, replacing any previous value. It expires after `timeToLive` (or the
    /// configuration's default). A value heavier than the cache's maximum weight (per shard) is not stored.
    public func put(_ key: Key, _ value: Value, timeToLive: Duration? = nil) {
        let weight = max(configuration.weigher?(key, value) ?? 1, 0)
        let ttl = timeToLive ?? configuration.defaultTimeToLive
        if ttl != nil && !expires.load(ordering: .relaxed) { expires.store(true, ordering: .relaxed) }
        let now = currentTime()
        let liveUntil = ttl.map { (MonotonicInstant(nanoseconds: now) + $0).nanoseconds } ?? .max
        var removals: [Removal] = []
        let hash = key.hashValue
        shard(forHash: hash).withLockedValue {
            $0.put(key, hash: hash, value, weight: weight, liveUntil: liveUntil, now: now, removals: &removals)
        }
        if !removals.isEmpty { notify(removals) }
    }

    /// Removes `key`; returns whether it was present.
    @discardableResult
    public func remove(_ key: Key) -> Bool {
        var removals: [Removal] = []
        let hash = key.hashValue
        let removed = shard(forHash: hash).withLockedValue {
            $0.remove(key, hash: hash, cause: .removed, into: &removals)
        }
        notify(removals)
        return removed
    }

    /// Removes every entry for which `predicate` is true; returns how many.
    @discardableResult
    public func removeAll(where predicate: (Key, Value) -> Bool) -> Int {
        forEachShard { shard, removals in shard.removeAll(where: predicate, into: &removals) }
    }

    /// Removes the given keys; returns how many were present.
    @discardableResult
    public func invalidate<Keys: Sequence>(_ keys: Keys) -> Int where Keys.Element == Key {
        keys.reduce(0) { $0 + (remove($1) ? 1 : 0) }
    }

    /// Removes every entry.
    public func invalidateAll() {
        removeAll { _, _ in true }
    }

    /// Removes expired entries now (housekeeping does it every interval); returns how many.
    @discardableResult
    public func cleanUp() -> Int {
        let now = clock.now().nanoseconds
        return forEachShard { shard, removals in shard.removeExpired(now: now, into: &removals) }
    }

    /// Runs `body` on each shard under its lock, then tells the listener what left; sums the results.
    @discardableResult
    func forEachShard(_ body: (inout Shard, inout [Removal]) -> Int) -> Int {
        var total = 0
        for shard in shards {
            var removals: [Removal] = []
            total += shard.withLockedValue { body(&$0, &removals) }
            notify(removals)
        }
        return total
    }

    @usableFromInline
    func notify(_ removals: [Removal]) {
        guard let listener else { return }
        for removal in removals { listener(removal.key, removal.value, removal.cause) }
    }

    // MARK: - Status

    /// Counts, bounds, statistics and policy state, summed over the shards.
    public func status() -> CacheStatus {
        var stats = loadStats.withLockedValue { $0 }
        var count = 0
        var weight = 0
        var boundCount = 0
        var boundWeight = 0
        var windowFraction: Double?
        for shard in shards {
            shard.withLockedValue { shard in
                stats = stats + shard.stats
                count += shard.count
                weight += shard.totalWeight
                boundCount &+= shard.configuredCount
                boundWeight &+= shard.configuredWeight
                if shard.policy == .wTinyLFU { windowFraction = shard.windowFraction }
            }
        }
        return CacheStatus(
            name: name,
            policy: configuration.policy,
            count: count,
            weight: weight,
            maximumCount: configuration.maximumCount == nil ? nil : boundCount,
            maximumWeight: configuration.maximumWeight == nil ? nil : boundWeight,
            shards: shards.count,
            stats: stats,
            windowFraction: windowFraction,
            squeezed: squeezedUntil.load(ordering: .relaxed) != 0,
            forcingMisses: forcedMissesUntil.load(ordering: .relaxed) != 0,
            sizing: sizing?.withLockedValue { $0.curve(reads: stats.hits &+ stats.misses) }
        )
    }
}
