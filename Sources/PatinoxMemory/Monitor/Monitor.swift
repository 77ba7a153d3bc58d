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

    /// `kind/name`, as snapshots, events and health reports write it: `pool/db`, `cache/users`.
    public var path: String { kind == .other ? name : "\(kind.rawValue)/\(name)" }

    /// Reads `kind/name`. A kind this version does not know (a newer peer's) becomes ``ComponentKind/other``
    /// with the whole text as its name, so it is still shown as it was sent.
    public init(path: String) {
        if let slash = path.firstIndex(of: "/"), let kind = ComponentKind(rawValue: String(path[..<slash])),
            kind != .other
        {
            self.init(kind: kind, name: String(path[path.index(after: slash)...]))
        } else {
            self.init(kind: .other, name: path)
        }
    }
}

extension ComponentID: Codable {
    /// Reads the `kind/name` text (see ``init(path:)``).
    public init(from decoder: any Decoder) throws {
        self.init(path: try decoder.singleValueContainer().decode(String.self))
    }

    /// Writes ``path``.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(path)
    }
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
