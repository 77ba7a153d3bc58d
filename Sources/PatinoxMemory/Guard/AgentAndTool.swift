/// A resource an agent uses — a browser session, a connection, a temporary directory — that must be
/// released when the agent stops.
public protocol Tool: Sendable {
    /// The tool's name, used for its guard.
    var name: String { get }
    /// Releases the tool; thrown errors are retried by the scope's guard and then reported.
    func release() async throws
}

/// Something that works with tools and owns them through a ``ResourceScope``: stopping the agent
/// releases every tool it took, even those whose users were cancelled mid-use.
public protocol Agent: Sendable {
    /// The agent's name, used for its scope.
    var name: String { get }
    /// The scope that owns the agent's tools; closing it cleans them all up.
    var scope: ResourceScope { get }
}

extension Agent {
    /// Takes `tool` into the agent's scope (released at ``stop(maximumConcurrentReleases:)``).
    @discardableResult
    public func use<T: Tool>(_ tool: T, retry: CleanupRetry = CleanupRetry()) throws(PatinoxError) -> T {
        try scope.guarded(tool, name: tool.name, retry: retry) { try await $0.release() }
        return tool
    }

    /// Releases every tool, a few at a time; one outcome per tool.
    @discardableResult
    public func stop(maximumConcurrentReleases: Int = 8) async -> [CleanupOutcome] {
        await scope.close(maximumConcurrentCleanups: maximumConcurrentReleases)
    }
}
