import Logging

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

extension PoolEvent {
    /// Writes what an operator needs to know of this event to `logger`: failures and the breaker loudly,
    /// routine changes at `info`, the per-acquire ones at `debug` (the metrics count those).
    func log(to logger: Logger, pool: String) {
        var metadata: Logger.Metadata = ["pool": "\(pool)"]
        switch self {
        case .connectionCreated:
            logger.debug("connection opened", metadata: metadata)
        case .createFailed(let error):
            metadata["error"] = "\(error.message)"
            metadata["code"] = "\(error.code)"
            logger.warning("connection attempt failed", metadata: metadata)
        case .connectionClosed(let reason):
            metadata["reason"] = "\(reason)"
            logger.debug("connection closed", metadata: metadata)
        case .validationFailed:
            logger.info("health check rejected a connection; it is replaced", metadata: metadata)
        case .acquireTimedOut:
            logger.debug("acquire timed out", metadata: metadata)
        case .leakDetected(let id, let heldFor):
            metadata["connection"] = "\(id)"
            metadata["held_for"] = "\(heldFor.humanReadable)"
            logger.warning("lease held past the leak threshold: is it released on every path?", metadata: metadata)
        case .circuitOpened(let failures):
            metadata["failures"] = "\(failures)"
            logger.error("circuit opened: acquires fail fast until a connection attempt succeeds", metadata: metadata)
        case .circuitClosed:
            logger.notice("circuit closed: connection attempts succeed again", metadata: metadata)
        case .resized(let minimum, let maximum):
            metadata["minimum"] = "\(minimum)"
            metadata["maximum"] = "\(maximum)"
            logger.info("pool resized", metadata: metadata)
        case .shutdownStarted:
            logger.info("pool shutting down", metadata: metadata)
        case .shutdownFinished(let forceClosed):
            metadata["force_closed"] = "\(forceClosed)"
            if forceClosed > 0 {
                logger.warning("pool shut down; leases still held at the deadline were closed", metadata: metadata)
            } else {
                logger.info("pool shut down", metadata: metadata)
            }
        case .killed(let count):
            metadata["count"] = "\(count)"
            logger.notice("connections killed on request", metadata: metadata)
        }
    }
}
