import Foundation

/// "How many connections would end the waiting?": a pool as an M/M/c queue (Erlang C). Callers arrive at
/// `acquireRate` a second and hold a connection `meanHold` on average; with `c` connections the model gives the
/// share of acquires that wait and how long. It assumes arrivals independent of each other and holds that do not
/// depend on the pool's size — a backend that slows down as more connections work it breaks the second, and the
/// view says so when the observed waiting departs from the prediction.
public struct PoolSizingModel: Sendable, Hashable {
    /// Acquires a second.
    public var acquireRate: Double
    /// The mean time a lease is held.
    public var meanHold: Duration

    /// A model of `acquireRate` acquires a second, each holding a connection `meanHold`.
    public init(acquireRate: Double, meanHold: Duration) {
        self.acquireRate = acquireRate
        self.meanHold = meanHold
    }

    /// From what a pool shows: Little's law gives the mean hold as the mean leased count over the rate of acquires
    /// served; the model's rate is every acquire that arrived (served, timed out or cancelled), so a pool that turns
    /// callers away shows saturated. Nil when there is nothing to go by (nothing served, or a number that is not
    /// one).
    public init?(arrivalRate: Double, servedRate: Double, meanLeased: Double) {
        guard arrivalRate.isFinite, servedRate.isFinite, meanLeased.isFinite, servedRate > 0, meanLeased >= 0,
            arrivalRate >= servedRate
        else { return nil }
        self.init(acquireRate: arrivalRate, meanHold: .seconds(clamping: meanLeased / servedRate))
    }

    /// As ``init(arrivalRate:servedRate:meanLeased:)`` when every acquire that arrived was served.
    public init?(acquireRate: Double, meanLeased: Double) {
        self.init(arrivalRate: acquireRate, servedRate: acquireRate, meanLeased: meanLeased)
    }

    /// The largest pool the model sizes: its recursion runs once per connection.
    public static let maximumConnections = 10_000

    /// The offered load in Erlangs: connections busy on average, whatever the pool's size.
    public var offeredLoad: Double { acquireRate * meanHold.inSeconds }

    /// The prediction for a pool of `connections`; nil outside 1…``maximumConnections``.
    public func predict(connections: Int) -> PoolSizingPrediction? {
        guard (1...Self.maximumConnections).contains(connections) else { return nil }
        let servers = connections
        let load = offeredLoad
        let utilization = load / Double(servers)
        guard load.isFinite, load < Double(servers), meanHold > .zero else {
            return PoolSizingPrediction(
                connections: servers,
                utilization: utilization,
                waitProbability: 1,
                meanWait: nil,
                p99Wait: nil
            )
        }
        let waiting = Self.erlangC(servers: servers, load: load)
        // Waits are exponential with rate (c − a) / hold among those that wait: P(W > t) = C · e^(−(c − a) t / hold).
        let hold = meanHold.inSeconds
        let drain = (Double(servers) - load) / hold
        let p99 = waiting <= 0.01 ? 0 : log(waiting / 0.01) / drain
        return PoolSizingPrediction(
            connections: servers,
            utilization: utilization,
            waitProbability: waiting,
            meanWait: .seconds(clamping: waiting / drain),
            p99Wait: .seconds(clamping: p99)
        )
    }

    /// Erlang C: the probability that an arrival waits, with `servers` and `load` Erlangs (load < servers), through
    /// the Erlang B recursion, which stays in range for thousands of servers.
    static func erlangC(servers: Int, load: Double) -> Double {
        var blocking = 1.0
        for server in 1...servers { blocking = load * blocking / (Double(server) + load * blocking) }
        let busy = load / Double(servers)
        return blocking / (1 - busy * (1 - blocking))
    }
}

/// What ``PoolSizingModel`` predicts for one pool size.
public struct PoolSizingPrediction: Sendable, Hashable {
    /// The pool size.
    public var connections: Int
    /// Offered load per connection; at 1 or more the queue grows without bound.
    public var utilization: Double
    /// The share of acquires that wait (1 when saturated).
    public var waitProbability: Double
    /// The mean wait over all acquires; nil when saturated.
    public var meanWait: Duration?
    /// The 99th percentile of the wait over all acquires (zero when fewer than 1 % wait); nil when saturated.
    public var p99Wait: Duration?

    /// Whether the pool cannot keep up at this size.
    public var saturated: Bool { meanWait == nil }
}
