import MemtopTestSupport
import NIOConcurrencyHelpers
import Testing

@testable import PatinoxMemory

/// A resource that counts its releases and can be told to fail.
final class FakeResource: Sendable {
    let releases = NIOLockedValueBox(0)
    let failuresLeft: NIOLockedValueBox<Int>
    init(failures: Int = 0) { failuresLeft = NIOLockedValueBox(failures) }
    struct ReleaseFailed: Error {}
    func release() throws {
        try failuresLeft.withLockedValue { left in
            if left > 0 {
                left -= 1
                throw ReleaseFailed()
            }
        }
        releases.withLockedValue { $0 += 1 }
    }
    var released: Int { releases.withLockedValue { $0 } }
}

let quickRetry = CleanupRetry(maximumAttempts: 5, initialDelay: .nanoseconds(1), maximumDelay: .nanoseconds(1))

@Suite("ResourceGuard")
struct ResourceGuardTests {
    @Test("explicit cleanup runs exactly once, also when called concurrently")
    func exactlyOnce() async throws {
        let registry = CleanupRegistry(name: "t")
        let resource = FakeResource()
        let guarded = ResourceGuard(resource, name: "r", registry: registry) { try $0.release() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 { group.addTask { try await guarded.cleanup() } }
            try await group.waitForAll()
        }
        try await guarded.cleanup()
        #expect(resource.released == 1)
        #expect(guarded.isCleanedUp)
        let status = registry.status()
        #expect(status.created == 1 && status.cleaned == 1 && status.active == 0 && status.cleanupLatency.count == 1)
    }

    @Test("a dropped guard cleans up in the background, tracked as pending until done")
    func droppedGuard() async {
        let registry = CleanupRegistry(name: "t")
        let resource = FakeResource()
        do {
            _ = ResourceGuard(resource, name: "r", registry: registry) { resource in
                try await Task.sleep(for: .milliseconds(20))
                try resource.release()
            }
        }
        #expect(registry.status().pending == 1)
        await registry.waitForPendingCleanups()
        #expect(resource.released == 1)
        #expect(registry.status().pending == 0 && registry.status().cleaned == 1)
    }

    @Test("failing cleanups are retried; when every attempt fails the error has the cause")
    func retries() async throws {
        let registry = CleanupRegistry(name: "t")
        let flaky = FakeResource(failures: 2)
        try await ResourceGuard(flaky, name: "flaky", registry: registry, retry: quickRetry) { try $0.release() }
            .cleanup()
        #expect(flaky.released == 1 && registry.status().retried == 2)
        let broken = FakeResource(failures: 100)
        let guarded = ResourceGuard(broken, name: "broken", registry: registry, retry: quickRetry) { try $0.release() }
        await #expect {
            try await guarded.cleanup()
        } throws: { error in
            let error = error as! PatinoxError
            return error.code == .cleanupFailed && error.rootCause is FakeResource.ReleaseFailed
                && error.description.contains("guard 'broken' · cleanup") && error.message.contains("5 time(s)")
        }
        #expect(registry.status().failed == 1)
    }

    @Test("withResource cleans up on return, on a thrown error and on cancellation")
    func withResourceAlwaysCleansUp() async throws {
        let registry = CleanupRegistry(name: "t")
        let returned = FakeResource()
        let value = try await withResource(registry: registry, acquire: { returned }, cleanup: { try $0.release() }) {
            _ in 7
        }
        #expect(value == 7 && returned.released == 1)

        struct BodyFailed: Error {}
        let thrown = FakeResource()
        await #expect(throws: BodyFailed.self) {
            try await withResource(registry: registry, acquire: { thrown }, cleanup: { try $0.release() }) { _ in
                throw BodyFailed()
            }
        }
        #expect(thrown.released == 1)

        let cancelled = FakeResource()
        let started = NIOLockedValueBox(false)
        let task = Task {
            try await withResource(registry: registry, acquire: { cancelled }, cleanup: { try $0.release() }) { _ in
                started.withLockedValue { $0 = true }
                try await Task.sleep(for: .seconds(30))
            }
        }
        #expect(await eventually { started.withLockedValue { $0 } })
        task.cancel()
        _ = await task.result
        #expect(cancelled.released == 1)
        #expect(registry.status().active == 0)
    }
}

@Suite("ResourceScope, agents and tools", .timeLimit(.minutes(2)))
struct ResourceScopeTests {
    @Test("closing a scope cleans every resource with bounded concurrency and reports each outcome")
    func closeScope() async throws {
        let registry = CleanupRegistry(name: "t")
        let scope = ResourceScope(name: "s", registry: registry)
        let running = NIOLockedValueBox((now: 0, most: 0))
        for index in 0..<20 {
            try scope.guarded(FakeResource(failures: index == 7 ? 100 : 0), name: "r\(index)", retry: quickRetry) {
                resource in
                running.withLockedValue {
                    $0.now += 1
                    $0.most = max($0.most, $0.now)
                }
                try await Task.sleep(for: .milliseconds(5))
                running.withLockedValue { $0.now -= 1 }
                try resource.release()
            }
        }
        #expect(scope.count == 20)
        let outcomes = await scope.close(maximumConcurrentCleanups: 4)
        #expect(outcomes.count == 20)
        let succeeded = outcomes.filter { $0.succeeded }.count
        #expect(succeeded == 19)
        #expect(outcomes[7].name == "r7" && outcomes[7].error?.code == .cleanupFailed)
        #expect(running.withLockedValue { $0.most } <= 4)
        #expect(await scope.close().count == 20, "closing again returns the same outcomes")
        #expect(throws: PatinoxError.self) { try scope.guarded(FakeResource(), name: "late") { try $0.release() } }
        await registry.waitForPendingCleanups()
    }

    struct Browser: Tool {
        let name: String
        let resource = FakeResource()
        func release() async throws { try resource.release() }
    }

    struct Crawler: Agent {
        let name: String
        let scope: ResourceScope
    }

    @Test("agents running concurrently release every tool when they stop, even after cancellation")
    func agents() async throws {
        let registry = CleanupRegistry(name: "agents")
        let agents = (0..<8).map {
            Crawler(name: "agent\($0)", scope: ResourceScope(name: "agent\($0)", registry: registry))
        }
        let tools = NIOLockedValueBox<[Browser]>([])
        await withTaskGroup(of: Void.self) { group in
            for agent in agents {
                group.addTask {
                    let work = Task {
                        for index in 0..<25 {
                            let tool = try agent.use(Browser(name: "\(agent.name)-tab\(index)"))
                            tools.withLockedValue { $0.append(tool) }
                            try await Task.sleep(for: .milliseconds(1))
                        }
                    }
                    if agent.name.hasSuffix("3") { work.cancel() }  // this one is cancelled mid-use
                    _ = await work.result
                    let outcomes = await agent.stop()
                    let allReleased = outcomes.allSatisfy { $0.succeeded }
                    #expect(allReleased)
                }
            }
        }
        let all = tools.withLockedValue { $0 }
        #expect(all.count >= 7 * 25)
        #expect(all.allSatisfy { $0.resource.released == 1 })
        #expect(registry.status().active == 0)
    }

    @Test("reliability: 100,000 guards with injected cleanup failures — ≥ 99.9 % cleaned, none pending")
    func reliability() async throws {
        let registry = CleanupRegistry(name: "reliability")
        var rng = SplitMix64(seed: 2026)
        let total = 100_000
        let scopes = (0..<10).map { ResourceScope(name: "scope\($0)", registry: registry) }
        var explicit: [ResourceGuard<FakeResource>] = []
        for index in 0..<total {
            // One attempt in five fails; five attempts in all.
            let failures = rng.nextUnit() < 0.2 ? (rng.nextUnit() < 0.2 ? 2 : 1) : 0
            let resource = FakeResource(failures: failures)
            switch index % 4 {
            case 0:
                explicit.append(
                    ResourceGuard(resource, name: "e\(index)", registry: registry, retry: quickRetry) {
                        try $0.release()
                    }
                )
            case 1:
                _ = ResourceGuard(resource, name: "d\(index)", registry: registry, retry: quickRetry) {
                    try $0.release()
                }
            case 2:
                try scopes[index % 10].guarded(resource, name: "s\(index)", retry: quickRetry) { try $0.release() }
            default:
                let task = Task {
                    try await withResource(name: "c\(index)", registry: registry, retry: quickRetry) {
                        resource
                    } cleanup: {
                        try $0.release()
                    } body: { _ in
                        try await Task.sleep(for: .seconds(10))
                    }
                }
                task.cancel()  // cancelled mid-use
                _ = await task.result
            }
            // Keep at most a thousand background cleanups in flight, so the flood does not starve the
            // tests running beside this one.
            if index % 1_000 == 999 { await registry.waitForPendingCleanups() }
        }
        // At most two injected failures against five attempts: every explicit cleanup must succeed.
        for guarded in explicit { try await guarded.cleanup() }
        explicit = []
        for scope in scopes { await scope.close() }
        await registry.waitForPendingCleanups()
        let status = registry.status()
        #expect(status.created == total)
        #expect(status.pending == 0 && status.active == 0)
        #expect(Double(status.cleaned) / Double(total) >= 0.999, "\(status.cleaned) of \(total) cleaned")
        #expect(status.retried > 10_000, "failures were injected and retried (\(status.retried))")
    }
}
