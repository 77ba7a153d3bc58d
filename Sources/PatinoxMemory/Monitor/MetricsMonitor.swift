import CoreMetrics
import NIOConcurrencyHelpers

/// A ``Monitor`` that reports to swift-metrics, so any metrics backend (Prometheus, StatsD, OTel) sees
/// every component.
///
/// Metric names and dimensions are fixed and low-cardinality:
/// - `patinox_operations_total{kind, name, operation, outcome}`: a counter per recorded event;
/// - `patinox_operation_duration{kind, name, operation}`: a timer for events that carry a duration;
/// - `patinox_<total>_total{kind, name}`: counters fed from the sampled running totals (as deltas);
/// - `patinox_<gauge>{kind, name}`: gauges from samples.
///
/// ```swift
/// let pool = try Pool(name: "db", configuration: configuration, factory: factory,
///                 monitor: MetricsMonitor())   // uses MetricsSystem.factory
/// ```
public final class MetricsMonitor: Monitor {
    private let factory: any MetricsFactory
    private let prefix: String
    private struct State {
        var lastTotals: [String: Int] = [:]
    }
    private let state = NIOLockedValueBox(State())

    /// - Parameters:
    ///   - prefix: the start of every metric name.
    ///   - factory: where metrics go; the process-wide bootstrapped factory by default.
    public init(prefix: String = "patinox", factory: any MetricsFactory = MetricsSystem.factory) {
        self.prefix = prefix
        self.factory = factory
    }

    public func record(_ event: MonitorEvent) {
        let outcome: String
        switch event.outcome {
        case .success: outcome = "success"
        case .failure(let code): outcome = code.rawValue
        }
        let dimensions = Self.dimensions(event.source) + [("operation", event.operation)]
        Counter(label: "\(prefix)_operations_total", dimensions: dimensions + [("outcome", outcome)], factory: factory)
            .increment()
        if let duration = event.duration {
            Timer(label: "\(prefix)_operation_duration", dimensions: dimensions, factory: factory)
                .recordNanoseconds(Int64(clamping: duration.nanosecondsClamped))
        }
    }

    public func sample(_ sample: MonitorSample) {
        let dimensions = Self.dimensions(sample.source)
        for gauge in sample.gauges {
            Gauge(label: "\(prefix)_\(gauge.name)", dimensions: dimensions, factory: factory).record(gauge.value)
        }
        let deltas: [(String, Int)] = state.withLockedValue { state in
            sample.totals.compactMap { total in
                let key = "\(sample.source.kind.rawValue)/\(sample.source.name)/\(total.name)"
                let delta = total.value - state.lastTotals[key, default: 0]
                state.lastTotals[key] = total.value
                return delta > 0 ? (total.name, delta) : nil
            }
        }
        for (name, delta) in deltas {
            Counter(label: "\(prefix)_\(name)_total", dimensions: dimensions, factory: factory)
                .increment(by: Int64(delta))
        }
    }

    private static func dimensions(_ source: ComponentID) -> [(String, String)] {
        [("kind", source.kind.rawValue), ("name", source.name)]
    }
}
