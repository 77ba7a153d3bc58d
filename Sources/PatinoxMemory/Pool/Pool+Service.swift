import ServiceLifecycle

// A pool as a service of swift-service-lifecycle: put it in a `ServiceGroup` with the services that use it,
// and SIGTERM (or any graceful shutdown of the group) drains it instead of cutting its leases off.
extension Pool: Service {
    /// Runs until the service group shuts down gracefully (or this task is cancelled), then shuts the pool
    /// down: new acquires fail, leases may finish for ``PoolConfiguration/shutdownDeadline``, the rest are
    /// closed by force. Returns once every connection is closed.
    ///
    /// Order the group so that the services using the pool come after it: a group shuts its services down
    /// in reverse order, so they stop taking new work before the pool stops leasing.
    public func run() async throws {
        try? await gracefulShutdown()  // returns at graceful shutdown, throws at cancellation: either way, drain
        logger.info(
            "graceful shutdown: draining the pool",
            metadata: ["pool": "\(name)", "leased": "\(status().leased)"]
        )
        await shutdown(deadline: state.withLockedValue { $0.machine.configuration.shutdownDeadline })
    }
}
