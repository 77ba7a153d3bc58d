import Logging

extension Logger {
    /// A logger that discards everything: what a component logs to unless its user passes a logger, so a
    /// library says nothing by itself (as PostgresNIO and SwiftNIO do).
    public static let disabled = Logger(label: "patinox.disabled", factory: { _ in SwiftLogNoOpLogHandler() })
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
