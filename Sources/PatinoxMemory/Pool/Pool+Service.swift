import ServiceLifecycle

// A pool as a service of swift-service-lifecycle: put it in a `ServiceGroup` with the services that use it,
// and SIGTERM (or any graceful shutdown of the group) drains it instead of cutting its leases off.
extension Pool: Service {
    /// Runs until the service group shuts down gracefully, then drains the pool: new acquires fail, leases
    /// may finish for ``PoolConfiguration/shutdownDeadline``, the rest are closed by force. When the task is
    /// cancelled instead (the group cancels when a service fails), leases are closed at once. Returns once
    /// every connection is closed.
    ///
    /// Order the group so that the services using the pool come after it: a group shuts its services down
    /// in reverse order, so they stop taking new work before the pool stops leasing.
    public func run() async throws {
        let cancelled: Bool
        do {
            try await gracefulShutdown()
            cancelled = false
        } catch {
            cancelled = true  // gracefulShutdown() throws only when the task is cancelled
        }
        let deadline = cancelled ? .zero : state.withLockedValue { $0.machine.configuration.shutdownDeadline }
        logger.info(
            cancelled ? "cancelled: closing the pool now" : "graceful shutdown: draining the pool",
            metadata: ["pool": "\(name)", "leased": "\(status().leased)"]
        )
        await shutdown(deadline: deadline)
    }
}
