import Configuration
import NIOConcurrencyHelpers
import PatinoxMemory

/// The size limits of one pool, as configured.
public struct PoolLimits: Sendable, Hashable {
    public var minimum: Int
    public var maximum: Int
    public init(minimum: Int, maximum: Int) {
        self.minimum = minimum
        self.maximum = maximum
    }
}

/// The bound of one cache, as configured.
public struct CacheLimits: Sendable, Hashable {
    public var maximumCount: Int
    public init(maximumCount: Int) { self.maximumCount = maximumCount }
}

/// Everything the live configuration controls: limits per pool and per cache, by name.
public struct MemorySettings: Sendable, Hashable {
    public var pools: [String: PoolLimits]
    public var caches: [String: CacheLimits]
    public init(pools: [String: PoolLimits] = [:], caches: [String: CacheLimits] = [:]) {
        self.pools = pools
        self.caches = caches
    }
}

/// Pool and cache limits read from swift-configuration providers (in-memory overrides, environment
/// variables, a reloading JSON file …), validated, and published through a ``SharedData`` that pools
/// and caches follow.
///
/// Keys: `pools.<name>.minimum`, `pools.<name>.maximum`, `caches.<name>.maximum-count` (environment
/// variables: `POOLS_DB_MAXIMUM` …). A missing key keeps its current value. An update with a bad value —
/// not a number, or limits that do not fit together — is rejected whole with a ``PatinoxError`` naming
/// the key, and the previous settings stay in force.
///
/// ```swift
/// let overrides = MutableInMemoryProvider(initialValues: [:])
/// let reader = ConfigReader(providers: [overrides, EnvironmentVariablesProvider()])
/// let defaults = MemorySettings(pools: ["db": .init(minimum: 1, maximum: 10)])
/// let live = try LiveConfiguration(reader: reader, defaults: defaults)
/// let following = pool.follow(live)                 // resizes on every accepted update
/// try await live.watch()                            // applies each new snapshot until cancelled
/// ```
public final class LiveConfiguration: Sendable {
    /// The settings in force; subscribe with `settings.changes()`.
    public let settings: SharedData<MemorySettings>
    let reader: ConfigReader
    private let rejection = NIOLockedValueBox<PatinoxError?>(nil)

    /// Reads and validates the current values; throws when they are invalid.
    public init(reader: ConfigReader, defaults: MemorySettings) throws(PatinoxError) {
        self.reader = reader
        let initial = try Self.parse(defaults) { key in
            (reader.int(forKey: ConfigKey(key)), reader.string(forKey: ConfigKey(key)))
        }
        settings = SharedData(name: "configuration", initial)
    }

    /// The last rejected update's error (cleared by the next accepted one).
    public var lastRejection: PatinoxError? { rejection.withLockedValue { $0 } }

    /// Applies one snapshot: publishes the new settings, or keeps the old ones and returns the reason.
    @discardableResult
    public func apply(_ snapshot: ConfigSnapshotReader) -> Result<MemorySettings, PatinoxError> {
        apply { key in (snapshot.int(forKey: ConfigKey(key)), snapshot.string(forKey: ConfigKey(key))) }
    }

    /// Re-reads the providers now (for providers without change notifications).
    @discardableResult
    public func reload() -> Result<MemorySettings, PatinoxError> {
        apply { key in (self.reader.int(forKey: ConfigKey(key)), self.reader.string(forKey: ConfigKey(key))) }
    }

    /// Applies every snapshot the providers publish until the task is cancelled.
    public func watch() async throws {
        try await reader.watchSnapshot { updates in
            for await snapshot in updates { apply(snapshot) }
        }
    }

    private func apply(_ lookup: (String) -> (Int?, String?)) -> Result<MemorySettings, PatinoxError> {
        do {
            let next = try Self.parse(settings.value, lookup)
            rejection.withLockedValue { $0 = nil }
            if next != settings.value { settings.update { $0 = next } }
            return .success(next)
        } catch {
            rejection.withLockedValue { $0 = error }
            return .failure(error)
        }
    }

    /// Reads every known key over `current`, then validates the result as pool and cache configurations.
    static func parse(
        _ current: MemorySettings,
        _ lookup: (String) -> (Int?, String?)
    ) throws(PatinoxError) -> MemorySettings {
        var next = current
        func read(_ key: String, into value: inout Int) throws(PatinoxError) {
            let (number, text) = lookup(key)
            if let number {
                value = number
            } else if let text {
                throw invalid(key, "'\(text)' is not a whole number")
            }
        }
        for name in current.pools.keys.sorted() {
            try read("pools.\(name).minimum", into: &next.pools[name]!.minimum)
            try read("pools.\(name).maximum", into: &next.pools[name]!.maximum)
            var check = PoolConfiguration()
            check.minimumConnections = next.pools[name]!.minimum
            check.maximumConnections = next.pools[name]!.maximum
            do {
                try check.validate(poolName: name, operation: "configure")
            } catch {
                throw invalid("pools.\(name)", error.message)
            }
        }
        for name in current.caches.keys.sorted() {
            try read("caches.\(name).maximum-count", into: &next.caches[name]!.maximumCount)
            if next.caches[name]!.maximumCount < 1 {
                throw invalid("caches.\(name).maximum-count", "\(next.caches[name]!.maximumCount) is below 1")
            }
        }
        return next
    }

    static func invalid(_ key: String, _ problem: String) -> PatinoxError {
        PatinoxError(
            code: .invalidConfiguration,
            context: ErrorContext(component: .configuration, name: key, operation: "update"),
            message: "rejected: \(problem); the previous configuration stays in force.",
            recovery: .reconfigure(hint: "fix the value of '\(key)'.")
        )
    }
}

extension Pool {
    /// Resizes this pool whenever the live configuration publishes new limits for its name; returns the
    /// task doing it (cancel it to stop following).
    public func follow(_ configuration: LiveConfiguration) -> Task<Void, Never> {
        let changes = configuration.settings.changes()
        if let limits = configuration.settings.value.pools[name] {
            try? resize(minimum: limits.minimum, maximum: limits.maximum)
        }
        return Task { [weak self] in
            for await snapshot in changes {
                guard let self else { return }
                if let limits = snapshot.value.pools[self.name] {
                    try? self.resize(minimum: limits.minimum, maximum: limits.maximum)
                }
            }
        }
    }
}

extension Cache {
    /// Applies this cache's bound whenever the live configuration publishes a new one; returns the task.
    public func follow(_ configuration: LiveConfiguration) -> Task<Void, Never> {
        let changes = configuration.settings.changes()
        if let limits = configuration.settings.value.caches[name] { try? resize(maximumCount: limits.maximumCount) }
        return Task { [weak self] in
            for await snapshot in changes {
                guard let self else { return }
                if let limits = snapshot.value.caches[self.name] { try? self.resize(maximumCount: limits.maximumCount) }
            }
        }
    }
}
