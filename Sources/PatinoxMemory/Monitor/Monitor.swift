/// Where components report what they do.
///
/// Components call ``record(_:)`` for each notable operation or event (a connection opened, a health
/// check failed, a lease leaked …) and ``sample(_:)`` with their gauges and counters on each
/// housekeeping round. The hottest operations (an acquire served from an idle connection, a release)
/// are counted inside the component and arrive through samples, so monitoring never slows them down.
///
/// Implementations must be cheap and must not block: they run on the component's tasks.
/// ``MetricsMonitor`` bridges to swift-metrics; ``NoopMonitor`` discards everything.
public protocol Monitor: Sendable {
    /// One operation or event.
    func record(_ event: MonitorEvent)
    /// The component's current gauges and running totals.
    func sample(_ sample: MonitorSample)
}

/// Identifies a component instance: its family and the name its owner gave it.
public struct ComponentID: Sendable, Hashable, CustomStringConvertible {
    /// The component's kind.
    public var kind: ComponentKind
    /// The component's name.
    public var name: String
    /// Names a component.
    public init(kind: ComponentKind, name: String) {
        self.kind = kind
        self.name = name
    }
    public var description: String { "\(kind.rawValue) '\(name)'" }
}

/// One operation or event of a component.
public struct MonitorEvent: Sendable {
    /// Whether the operation succeeded.
    public enum Outcome: Sendable, Equatable {
        /// The operation succeeded.
        case success
        /// The operation failed with this error.
        case failure(PatinoxError.Code)
    }

    /// The component the event comes from.
    public var source: ComponentID
    /// A low-cardinality name, e.g. `"create"`, `"close"`, `"leak"`, `"acquire-wait"`.
    public var operation: String
    /// How the operation ended.
    public var outcome: Outcome
    /// How long it took, when that is meaningful.
    public var duration: Duration?
    /// A short detail for logs (never used as a metric dimension).
    public var detail: String?

    /// An event of `source`'s `operation`, with how it ended, how long it took and details.
    public init(
        source: ComponentID,
        operation: String,
        outcome: Outcome = .success,
        duration: Duration? = nil,
        detail: String? = nil
    ) {
        self.source = source
        self.operation = operation
        self.outcome = outcome
        self.duration = duration
        self.detail = detail
    }
}

/// A component's gauges (current values) and counters (running totals) at one moment.
public struct MonitorSample: Sendable {
    /// The component the sample describes.
    public var source: ComponentID
    /// Current values, e.g. `"idle": 3`.
    public var gauges: [(name: String, value: Double)]
    /// Running totals since the component started, e.g. `"acquired": 1200`; monitors turn them into deltas.
    public var totals: [(name: String, value: Int)]

    /// A sample of `source`: current values (`gauges`) and running totals (`totals`).
    public init(source: ComponentID, gauges: [(name: String, value: Double)], totals: [(name: String, value: Int)]) {
        self.source = source
        self.gauges = gauges
        self.totals = totals
    }
}

/// A monitor that discards everything.
public struct NoopMonitor: Monitor {
    public init() {}
    public func record(_ event: MonitorEvent) {}
    public func sample(_ sample: MonitorSample) {}
}
