/// A monitor that writes the notable events of components into an engine's event ring and forwards
/// everything to another monitor (for example ``MetricsMonitor``).
public struct EngineMonitor: Monitor {
    let engine: Engine
    let next: any Monitor

    public func record(_ event: MonitorEvent) {
        if let kind = Self.notable(event) {
            engine.record(
                component: event.source,
                kind: kind,
                message: Self.message(event)
            )
        }
        next.record(event)
    }

    public func sample(_ sample: MonitorSample) { next.sample(sample) }

    /// `acquire failed (acquire-timeout) after 150 ms`, `close: validation-failed`.
    static func message(_ event: MonitorEvent) -> String {
        var message = event.operation
        if case .failure(let code) = event.outcome { message += " failed (\(code))" }
        if let duration = event.duration { message += " after \(duration.humanReadable)" }
        if let detail = event.detail { message += ": \(detail)" }
        return message
    }

    /// The event kind shown in snapshots, or nil for routine operations.
    static func notable(_ event: MonitorEvent) -> EngineEventKind? {
        switch (event.operation, event.outcome) {
        case ("create", .failure): .connectionFailed
        case ("close", _) where ["validation-failed", "discarded", "killed"].contains(event.detail ?? ""):
            .connectionReplaced
        case ("leak", _): .leakDetected
        case ("circuit-open", _): .circuitOpened
        case ("circuit-close", _): .circuitClosed
        case ("resize", _): .resized
        case ("kill", _): .connectionsKilled
        case ("flush", _): .cacheFlushed
        case ("squeeze", _), ("force-misses", _): .faultInjected
        case ("cleanup", .failure): .cleanupFailed
        case ("load", .failure): .loadFailed
        case ("acquire", .failure): .acquireFailed
        default: nil
        }
    }
}

extension Engine {
    /// A monitor for components of this engine: notable events go to the engine's event ring, and
    /// everything to `next`.
    public func monitor(forwardingTo next: any Monitor = NoopMonitor()) -> EngineMonitor {
        EngineMonitor(engine: self, next: next)
    }
}
