import PatinoxMemory

/// A demo scenario: the components a synthetic service runs and the phases of traffic that drive them.
/// Read from `demo/*.toml` with ``Scenario/parse(_:file:)``; ``Scenario/builtin`` is compiled in.
public struct Scenario: Sendable, Hashable {
    public var name: String
    public var summary: String = ""
    /// Seeds every random choice, so a run can be repeated.
    public var seed: UInt64 = 1
    /// Start again from the first phase after the last (a demo runs until stopped).
    public var repeats = true
    public var pool = PoolSettings()
    public var backend = BackendSettings()
    public var cache = CacheSettings()
    public var guards = GuardSettings()
    /// A memory-mapped file the requests read from; `nil` for none.
    public var mappedFile: MappedFileSettings? = nil
    public var phases: [Phase]

    public init(name: String, phases: [Phase]) {
        self.name = name
        self.phases = phases
    }

    /// The connection pool in front of the simulated backend.
    public struct PoolSettings: Sendable, Hashable {
        public var name = "db"
        public var minimum = 2
        public var maximum = 8
        public var acquireTimeout: Duration = .seconds(2)
        /// Time to open a connection to the simulated backend.
        public var connectLatency: Duration = .milliseconds(5)
        /// Consecutive create failures that open the circuit breaker; `nil` for no breaker.
        public var circuitBreakerThreshold: Int? = 5
        /// Leases held longer than this are reported as leaks; `nil` for no detection.
        public var leakThreshold: Duration? = nil
        public init() {}
    }

    /// The pretend database behind the pool: how slow it is and how often it fails.
    public struct BackendSettings: Sendable, Hashable {
        /// Median query latency.
        public var latencyMedian: Duration = .milliseconds(2)
        /// 99th percentile query latency (log-normal between the two).
        public var latencyP99: Duration = .milliseconds(8)
        /// Share of queries that fail; half of those also break their connection.
        public var failureRate = 0.0
        /// Share of connection attempts that fail (drives backoff and the breaker).
        public var connectFailureRate = 0.0
        public init() {}
    }

    /// The cache in front of the backend and the keys requests ask for.
    public struct CacheSettings: Sendable, Hashable {
        public var name = "users"
        public var policy: CachePolicy = .lru
        public var maximumCount = 2_000
        /// Entries expire this long after being written; `nil` for never.
        public var timeToLive: Duration? = nil
        /// Keys are drawn from `0..<keySpace`.
        public var keySpace = 10_000
        /// Zipf skew of the keys: 0 is uniform, 1 is very skewed.
        public var zipfAlpha = 0.9
        /// Keep a live sizing curve (``CacheConfiguration/sizingCurve``): memtop's cache detail then says what
        /// other sizes and policies would do.
        public var sizingCurve = false
        public init() {}
    }

    /// Each request holds one guarded scratch resource from this registry.
    public struct GuardSettings: Sendable, Hashable {
        public var registry = "requests"
        /// Share of cleanups that fail (each failure is retried, then reported).
        public var cleanupFailureRate = 0.0
        public init() {}
    }

    /// An anonymous (memfd) mapping the requests read random elements from.
    public struct MappedFileSettings: Sendable, Hashable {
        public var sizeMiB = 16
        public var readsPerRequest = 4
        public init() {}
    }

    /// A stretch of traffic; unset fields keep the scenario's settings.
    public struct Phase: Sendable, Hashable {
        public var name: String
        public var duration: Duration
        /// Requests per second across all workers.
        public var rate: Double
        /// Concurrent request loops (the most requests in flight at once).
        public var concurrency: Int
        public var poolMinimum: Int? = nil
        public var poolMaximum: Int? = nil
        public var latencyMedian: Duration? = nil
        public var latencyP99: Duration? = nil
        public var failureRate: Double? = nil
        public var connectFailureRate: Double? = nil
        public var zipfAlpha: Double? = nil
        /// Every this often a scan of `scanLength` never-seen keys runs through the cache.
        public var scanEvery: Duration? = nil
        public var scanLength = 0

        public init(name: String, duration: Duration, rate: Double, concurrency: Int) {
            self.name = name
            self.duration = duration
            self.rate = rate
            self.concurrency = concurrency
        }
    }

    /// What is in force during phase `index`: the scenario's settings with the phase's overrides.
    public func settings(forPhase index: Int) -> PhaseSettings {
        let phase = phases[index]
        var backend = self.backend
        backend.latencyMedian = phase.latencyMedian ?? backend.latencyMedian
        backend.latencyP99 = phase.latencyP99 ?? backend.latencyP99
        backend.failureRate = phase.failureRate ?? backend.failureRate
        backend.connectFailureRate = phase.connectFailureRate ?? backend.connectFailureRate
        return PhaseSettings(
            phase: phase,
            poolMinimum: phase.poolMinimum ?? pool.minimum,
            poolMaximum: phase.poolMaximum ?? pool.maximum,
            backend: backend,
            zipfAlpha: phase.zipfAlpha ?? cache.zipfAlpha
        )
    }

    /// The total length of one pass through the phases.
    public var cycleDuration: Duration { phases.reduce(.zero) { $0 + $1.duration } }
}

/// The resolved settings of one phase.
public struct PhaseSettings: Sendable, Hashable {
    public var phase: Scenario.Phase
    public var poolMinimum: Int
    public var poolMaximum: Int
    public var backend: Scenario.BackendSettings
    public var zipfAlpha: Double
}
