extension PoolStatus: CustomStringConvertible {
    /// A few human-readable lines: sizes, counters and latency.
    public var description: String {
        let counts = counters
        return """
            pool '\(name)' \(phase.rawValue)\(circuitOpen ? " · CIRCUIT OPEN" : "")
              connections \(total)/\(maximum) (min \(minimum)): \(leased) leased, \(idle) idle, \
            \(creating) creating, \(checking) checking; \(waiters) waiting
              acquired \(counts.acquired), timed out \(counts.timedOut), cancelled \(counts.cancelled), \
            created \(counts.created), create failures \(counts.createFailures), \
            validation failures \(counts.validationFailures), replaced \(counts.replaced), leaks \(counts.leaks)
              acquire latency p50 \(acquireLatency.p50.humanReadable), p99 \(acquireLatency.p99.humanReadable), \
            max \(acquireLatency.max.humanReadable) over \(acquireLatency.count)
            """
    }

    /// The status as a monitor sample (gauges and running totals).
    var monitorSample: MonitorSample {
        MonitorSample(
            source: ComponentID(kind: .pool, name: name),
            gauges: [
                ("pool_total", Double(total)), ("pool_idle", Double(idle)), ("pool_leased", Double(leased)),
                ("pool_creating", Double(creating)), ("pool_waiters", Double(waiters)),
                ("pool_maximum", Double(maximum)), ("pool_circuit_open", circuitOpen ? 1 : 0),
            ],
            totals: [
                ("pool_acquired", counters.acquired), ("pool_timed_out", counters.timedOut),
                ("pool_created", counters.created), ("pool_create_failures", counters.createFailures),
                ("pool_validation_failures", counters.validationFailures), ("pool_replaced", counters.replaced),
                ("pool_leaks", counters.leaks),
            ]
        )
    }
}

extension PoolEvent {
    /// The event as a monitor event of `source`.
    func monitorEvent(source: ComponentID) -> MonitorEvent {
        switch self {
        case .connectionCreated: return MonitorEvent(source: source, operation: "create")
        case .createFailed(let error):
            return MonitorEvent(
                source: source,
                operation: "create",
                outcome: .failure(error.code),
                detail: error.message
            )
        case .connectionClosed(let reason):
            return MonitorEvent(source: source, operation: "close", detail: reason.rawValue)
        case .validationFailed:
            return MonitorEvent(source: source, operation: "validate", outcome: .failure(.validationFailed))
        case .acquireTimedOut:
            return MonitorEvent(source: source, operation: "acquire", outcome: .failure(.acquireTimeout))
        case .leakDetected(let id, let heldFor):
            return MonitorEvent(source: source, operation: "leak", duration: heldFor, detail: "lease \(id)")
        case .circuitOpened(let failures):
            return MonitorEvent(
                source: source,
                operation: "circuit-open",
                outcome: .failure(.circuitOpen),
                detail: "\(failures) failures"
            )
        case .circuitClosed: return MonitorEvent(source: source, operation: "circuit-close")
        case .resized(let minimum, let maximum):
            return MonitorEvent(source: source, operation: "resize", detail: "min \(minimum) max \(maximum)")
        case .shutdownStarted: return MonitorEvent(source: source, operation: "shutdown-start")
        case .shutdownFinished(let forced):
            return MonitorEvent(source: source, operation: "shutdown", detail: "\(forced) force-closed")
        case .killed(let count): return MonitorEvent(source: source, operation: "kill", detail: "\(count) connections")
        }
    }
}
