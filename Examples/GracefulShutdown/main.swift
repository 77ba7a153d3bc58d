// A service under swift-service-lifecycle: a pool and a workload that keeps three connections leased, in one
// ServiceGroup. SIGTERM shuts the group down gracefully: the workload finishes the work in hand and stops
// leasing, the pool waits for its leases (up to its shutdownDeadline), closes every connection and the process
// exits 0. A test sends the SIGTERM (ExampleServiceTests).
//
//     swift run memtop-graceful-example [SECONDS_PER_LEASE]    # then: kill -TERM <pid>
import Foundation
import Logging
import PatinoxMemory
import ServiceLifecycle
import Synchronization

/// Connections that are only numbers: what matters here is the pool's lifecycle, not a database.
final class CountingFactory: ConnectionFactory {
    let opened = Atomic<Int>(0)
    let closed = Atomic<Int>(0)
    func makeConnection() async throws -> Int { opened.add(1, ordering: .relaxed).newValue }
    func validate(_ connection: Int) async -> Bool { true }
    func close(_ connection: Int) async { closed.add(1, ordering: .relaxed) }
}

/// Keeps `leases` connections busy, `hold` at a time each, until the group shuts down gracefully; the work in
/// hand then finishes (its lease returns to the pool) and no new lease is taken.
struct Workload: Service {
    let pool: Pool<CountingFactory>
    let leases: Int
    let hold: Duration

    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<leases {
                group.addTask {
                    while !Task.isShuttingDownGracefully && !Task.isCancelled {
                        try await pool.withConnection { _ in try? await Task.sleep(for: hold) }
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}

/// Writes a line at once (unbuffered), so whoever reads the output sees it when it happens.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

// Seconds each lease is held: a finite number up to a minute, else 1.
let hold =
    CommandLine.arguments.dropFirst().first.flatMap(Double.init).flatMap { (0...60).contains($0) ? $0 : nil } ?? 1
do {
    let factory = CountingFactory()
    var configuration = PoolConfiguration()
    configuration.maximumConnections = 3
    configuration.shutdownDeadline = .seconds(10)
    let pool = try Pool(name: "db", configuration: configuration, factory: factory)
    let workload = Workload(pool: pool, leases: 3, hold: .milliseconds(Int64(hold * 1_000)))
    // The group shuts services down in reverse order: the workload stops first, then the pool drains.
    let group = ServiceGroup(
        services: [pool, workload],
        gracefulShutdownSignals: [.sigterm, .sigint],
        logger: Logger(label: "memtop-graceful-example")
    )
    let started = ContinuousClock.now
    let ready = Task {
        while pool.status().leased < 3 { try await Task.sleep(for: .milliseconds(10)) }
        say("ready: 3 leases held, pid \(ProcessInfo.processInfo.processIdentifier)")
    }
    try await group.run()
    ready.cancel()
    let status = pool.status()
    say(
        "shut down gracefully in \(Int((ContinuousClock.now - started).inSeconds * 1_000)) ms: "
            + "\(factory.opened.load(ordering: .relaxed)) opened, \(factory.closed.load(ordering: .relaxed)) closed, "
            + "\(status.leased) leased, \(status.counters.closed) closed by the pool, phase \(status.phase.rawValue)"
    )
} catch {
    say("memtop-graceful-example: \(error)")
    exit(1)
}
