import NIOConcurrencyHelpers
import PatinoxMemory

/// The pretend database behind a scenario's pool: connecting and querying take time drawn from the
/// scenario's latency distribution, and fail as often as the current phase says. Only this is simulated;
/// the pool, cache, guards and mapping in front of it are the real components.
public struct SimulatedBackend: ConnectionFactory {
    /// Why a simulated operation failed.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case connectRefused
        case queryFailed
        /// The query failed and took its connection with it (the pool replaces it).
        case connectionLost

        public var description: String {
            switch self {
            case .connectRefused: "simulated backend refused the connection"
            case .queryFailed: "simulated query failed"
            case .connectionLost: "simulated connection lost"
            }
        }
    }

    /// One open simulated connection.
    public struct Connection: Sendable {
        public let id: Int
        let backend: SimulatedBackend

        /// Runs a query for `key`: waits a sampled latency, then fails at the phase's failure rate.
        public func query(_ key: Int) async throws -> String {
            let settings = backend.settings
            try await backend.clock.sleep(for: settings.latency.sample(backend.random.unit(), backend.random.unit()))
            if backend.random.chance(settings.failureRate) {
                throw backend.random.chance(0.5) ? Failure.connectionLost : Failure.queryFailed
            }
            return "value-\(key)"
        }
    }

    /// What the current phase asks of the backend.
    struct Settings: Sendable {
        var latency: LatencyDistribution
        var failureRate: Double
        var connectFailureRate: Double
        var connectLatency: Duration
    }

    private let state: NIOLockedValueBox<Settings>
    private let nextID = NIOLockedValueBox(0)
    let random: SharedRandom
    /// Whose time latencies pass in (the service's clock).
    let clock: any MonotonicClock

    init(settings: Settings, random: SharedRandom, clock: any MonotonicClock) {
        state = NIOLockedValueBox(settings)
        self.random = random
        self.clock = clock
    }

    var settings: Settings { state.withLockedValue { $0 } }

    func update(_ backend: Scenario.BackendSettings) {
        state.withLockedValue { settings in
            settings.latency = LatencyDistribution(median: backend.latencyMedian, p99: backend.latencyP99)
            settings.failureRate = backend.failureRate
            settings.connectFailureRate = backend.connectFailureRate
        }
    }

    public func makeConnection() async throws -> Connection {
        let settings = self.settings
        try await clock.sleep(for: settings.connectLatency)
        if random.chance(settings.connectFailureRate) { throw Failure.connectRefused }
        return Connection(
            id: nextID.withLockedValue {
                $0 += 1; return $0
            },
            backend: self
        )
    }

    /// A health check fails as often as queries do.
    public func validate(_ connection: Connection) async -> Bool { !random.chance(settings.failureRate) }

    public func close(_ connection: Connection) async {}

    public func shouldDiscard(_ connection: Connection, after error: any Error) -> Bool {
        (error as? Failure) == .connectionLost
    }
}
