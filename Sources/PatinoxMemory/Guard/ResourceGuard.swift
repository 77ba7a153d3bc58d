import NIOConcurrencyHelpers

/// Owns a resource and its cleanup, and guarantees the cleanup runs exactly once.
///
/// Clean up explicitly with ``cleanup()``; a guard dropped without it cleans up in the background,
/// tracked by its ``CleanupRegistry`` (Swift has no asynchronous `deinit`). Failing cleanups are retried
/// by ``CleanupRetry``; when every attempt fails the error is a ``PatinoxError`` with
/// ``PatinoxError/Code/cleanupFailed`` and the cause.
///
/// ```swift
/// let file = ResourceGuard(try FileHandle(forWritingTo: url), name: "export") { try $0.close() }
/// try file.resource.write(contentsOf: data)
/// try await file.cleanup()     // or let it go: the registry closes it
/// ```
///
/// Swift traps (a failed precondition, a force-unwrapped nil) end the process without unwinding: no
/// cleanup runs then, as with any other Swift code. Guards clean up on returns, thrown errors and
/// task cancellation — the failures a server survives.
public final class ResourceGuard<Resource: Sendable>: Sendable {
    /// The guarded resource; do not use it after cleanup.
    public let resource: Resource
    /// A name for errors, events and metrics.
    public let name: String
    let action: @Sendable (Resource) async throws -> Void
    let retry: CleanupRetry
    let registry: CleanupRegistry
    private let phase = NIOLockedValueBox(Phase.active)

    private enum Phase {
        case active
        case cleaning(waiters: [CheckedContinuation<Result<Int, PatinoxError>, Never>])
        case done(Result<Int, PatinoxError>)
    }

    /// Guards `resource`; `cleanup` releases it.
    public init(
        _ resource: Resource,
        name: String,
        registry: CleanupRegistry = .shared,
        retry: CleanupRetry = CleanupRetry(),
        cleanup: @escaping @Sendable (Resource) async throws -> Void
    ) {
        self.resource = resource
        self.name = name
        self.action = cleanup
        self.retry = retry
        self.registry = registry
        registry.guardCreated()
    }

    /// Whether the cleanup has finished (successfully or not).
    public var isCleanedUp: Bool {
        phase.withLockedValue { if case .done = $0 { true } else { false } }
    }

    /// Runs the cleanup now (once: later and concurrent calls get the same outcome). Throws when every
    /// attempt failed.
    public func cleanup() async throws(PatinoxError) {
        let result = await cleanupResult()
        if case .failure(let error) = result { throw error }
    }

    private func cleanupResult() async -> Result<Int, PatinoxError> {
        let next = phase.withLockedValue { phase -> CleanupStep in
            switch phase {
            case .active:
                phase = .cleaning(waiters: [])
                return .run
            case .cleaning: return .wait
            case .done(let result): return .finished(result)
            }
        }
        switch next {
        case .finished(let result):
            return result
        case .wait:
            return await withCheckedContinuation { continuation in
                let done = phase.withLockedValue { phase -> Result<Int, PatinoxError>? in
                    switch phase {
                    case .cleaning(let waiters):
                        phase = .cleaning(waiters: waiters + [continuation])
                        return nil
                    case .done(let result): return result
                    case .active: preconditionFailure("a guard cannot become active again")
                    }
                }
                if let done { continuation.resume(returning: done) }
            }
        case .run:
            registry.cleanupStarted(inBackground: false)
            let (resource, name, action, retry, registry) = (resource, name, action, retry, registry)
            // A task of its own: a cancelled caller must still release what it holds.
            let result = await Task {
                await Self.perform(resource, name, action, retry, registry, inBackground: false)
            }.value
            let waiters = phase.withLockedValue { phase -> [CheckedContinuation<Result<Int, PatinoxError>, Never>] in
                defer { phase = .done(result) }
                if case .cleaning(let waiters) = phase { return waiters }
                return []
            }
            for waiter in waiters { waiter.resume(returning: result) }
            return result
        }
    }

    /// Runs the cleanup with retries and reports the outcome to the registry (which already counted
    /// it as started).
    static func perform(
        _ resource: Resource,
        _ name: String,
        _ action: @escaping @Sendable (Resource) async throws -> Void,
        _ retry: CleanupRetry,
        _ registry: CleanupRegistry,
        inBackground: Bool
    ) async -> Result<Int, PatinoxError> {
        let start = registry.clock.now()
        let attempt: @Sendable () async throws -> Void = {
            if registry.failsCleanups { throw InjectedCleanupFailure() }
            try await action(resource)
        }
        let result = await retry.run(attempt, clock: registry.clock) {
            ErrorContext(
                component: .resourceGuard,
                name: name,
                operation: inBackground ? "cleanup (dropped guard)" : "cleanup"
            )
        }
        registry.cleanupFinished(result, inBackground: inBackground, since: start)
        return result
    }

    deinit {
        let active = phase.withLockedValue { if case .active = $0 { true } else { false } }
        guard active else { return }
        let (resource, name, action, retry, registry) = (resource, name, action, retry, registry)
        registry.cleanupStarted(inBackground: true)
        Task { _ = await Self.perform(resource, name, action, retry, registry, inBackground: true) }
    }
}

private enum CleanupStep {
    case run
    case wait
    case finished(Result<Int, PatinoxError>)
}

/// The error of a cleanup attempt failed on purpose by ``CleanupRegistry/failsCleanups``.
public struct InjectedCleanupFailure: Error, CustomStringConvertible {
    public var description: String { "fault injected: cleanups of this registry are set to fail." }
}
