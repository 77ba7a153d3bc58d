import PatinoxMemory

extension Pool {
    /// Starts ``Pool/run()`` in a task of its own, as a service group would, and returns the pool: a pool
    /// opens, checks and closes connections only while it runs. The task ends when the test shuts the pool
    /// down (`shutdown(deadline:)` returns once it has).
    @discardableResult
    public func running() -> Pool<Factory> {
        Task { try await self.run() }
        return self
    }
}
