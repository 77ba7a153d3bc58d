import NIOConcurrencyHelpers

/// What closing a scope did to one of its resources.
public struct CleanupOutcome: Sendable {
    /// The guard's name.
    public var name: String
    /// Why its cleanup failed, if it did.
    public var error: PatinoxError?
    /// Whether the cleanup succeeded.
    public var succeeded: Bool { error == nil }
}

/// Owns many resource guards and closes them together: all at once with bounded concurrency, reporting
/// one outcome per resource. Closing twice returns the first close's outcomes; adding to a closed scope
/// throws.
///
/// ```swift
/// let scope = ResourceScope(name: "request-42")
/// let socket = try scope.guarded(openSocket(), name: "socket") { try await $0.close() }
/// let file = try scope.guarded(openFile(), name: "spool") { try $0.close() }
/// ...
/// let outcomes = await scope.close()
/// ```
public final class ResourceScope: Sendable {
    /// The scope's name (its engine label).
    public let name: String
    /// The registry that counts the scope's guards and runs their cleanups.
    public let registry: CleanupRegistry
    private struct Member: Sendable {
        var name: String
        var cleanup: @Sendable () async throws(PatinoxError) -> Void
    }
    private enum State {
        case open([Member])
        case closing(Task<[CleanupOutcome], Never>)
    }
    private let state = NIOLockedValueBox(State.open([]))

    /// A scope named `name` whose guards report to `registry`.
    public init(name: String, registry: CleanupRegistry = .shared) {
        self.name = name
        self.registry = registry
    }

    /// Adds a guard; the scope will clean it up when it closes.
    public func add<Resource>(_ guarded: ResourceGuard<Resource>) throws(PatinoxError) {
        let member = Member(name: guarded.name) { () async throws(PatinoxError) in try await guarded.cleanup() }
        let added = state.withLockedValue { state -> Bool in
            guard case .open(var members) = state else { return false }
            members.append(member)
            state = .open(members)
            return true
        }
        if !added {
            throw PatinoxError(
                code: .cleanupFailed,
                context: ErrorContext(component: .resourceGuard, name: name, operation: "add"),
                message: "the scope is closed; '\(guarded.name)' was not added (it cleans up when dropped).",
                recovery: .reconfigure(hint: "open a new scope for new resources.")
            )
        }
    }

    /// Guards `resource` in this scope.
    @discardableResult
    public func guarded<Resource: Sendable>(
        _ resource: Resource,
        name: String,
        retry: CleanupRetry = CleanupRetry(),
        cleanup: @escaping @Sendable (Resource) async throws -> Void
    ) throws(PatinoxError) -> ResourceGuard<Resource> {
        let guarded = ResourceGuard(resource, name: name, registry: registry, retry: retry, cleanup: cleanup)
        try add(guarded)
        return guarded
    }

    /// The number of resources added and not yet closed.
    public var count: Int {
        state.withLockedValue { if case .open(let members) = $0 { members.count } else { 0 } }
    }

    /// Whether resources can still be added (`close()` has not been called).
    public var isOpen: Bool {
        state.withLockedValue { if case .open = $0 { true } else { false } }
    }

    /// Cleans up every resource, at most `maximumConcurrentCleanups` at a time, and returns one outcome
    /// per resource in the order they were added.
    @discardableResult
    public func close(maximumConcurrentCleanups: Int = 8) async -> [CleanupOutcome] {
        let task = state.withLockedValue { state -> Task<[CleanupOutcome], Never> in
            switch state {
            case .closing(let task): return task
            case .open(let members):
                let task = Task { await Self.cleanUp(members, concurrency: max(1, maximumConcurrentCleanups)) }
                state = .closing(task)
                return task
            }
        }
        return await task.value
    }

    private static func cleanUp(_ members: [Member], concurrency: Int) async -> [CleanupOutcome] {
        await withTaskGroup(of: (Int, PatinoxError?).self) { group in
            var outcomes = members.map { CleanupOutcome(name: $0.name, error: nil) }
            var next = 0
            func startNext() {
                guard next < members.count else { return }
                let (index, member) = (next, members[next])
                next += 1
                group.addTask {
                    do throws(PatinoxError) {
                        try await member.cleanup()
                        return (index, nil)
                    } catch {
                        return (index, error)
                    }
                }
            }
            for _ in 0..<concurrency { startNext() }
            while let (index, error) = await group.next() {
                outcomes[index].error = error
                startNext()
            }
            return outcomes
        }
    }
}

/// Acquires a resource, runs `body` with it, and always cleans it up: on return, on a thrown error and
/// on cancellation (the cleanup itself is not cancelled). A cleanup failure after a successful body is
/// thrown; after a failed body, the body's error is thrown and the cleanup failure is counted by the
/// registry.
public func withResource<Resource: Sendable, Result>(
    name: String = "resource",
    registry: CleanupRegistry = .shared,
    retry: CleanupRetry = CleanupRetry(),
    isolation: isolated (any Actor)? = #isolation,
    acquire: () async throws -> Resource,
    cleanup: @escaping @Sendable (Resource) async throws -> Void,
    body: (Resource) async throws -> Result
) async throws -> Result {
    let guarded = ResourceGuard(try await acquire(), name: name, registry: registry, retry: retry, cleanup: cleanup)
    let result: Result
    do {
        result = try await body(guarded.resource)
    } catch {
        try? await guarded.cleanup()
        throw error
    }
    try await guarded.cleanup()
    return result
}
