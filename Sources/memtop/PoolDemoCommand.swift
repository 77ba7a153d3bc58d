import ArgumentParser
import PatinoxMemory

/// Runs a short synthetic load against an in-process pool and prints its status.
struct PoolDemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool-demo",
        abstract: "Drive a demo pool with synthetic load and print its status."
    )

    @Option(help: "Maximum connections of the demo pool.")
    var maximum = 8

    @Option(help: "Concurrent tasks borrowing connections.")
    var tasks = 32

    @Option(help: "Leases per task.")
    var leases = 200

    func run() async throws {
        var configuration = PoolConfiguration()
        configuration.maximumConnections = maximum
        configuration.minimumConnections = min(2, maximum)
        configuration.acquireTimeout = .seconds(5)
        // An invalid size throws a PatinoxError, which memtop prints with what to do.
        let pool = try Pool(name: "demo", configuration: configuration, factory: DemoConnectionFactory())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    for _ in 0..<leases {
                        try await pool.withConnection { _ in await Task.yield() }
                    }
                }
            }
            try await group.waitForAll()
        }
        print(pool.status())
        await pool.shutdown(deadline: .seconds(1))
    }
}

/// A connection that does nothing, for the demo.
struct DemoConnectionFactory: ConnectionFactory {
    func makeConnection() async throws -> Int { Int.random(in: 0..<1_000_000) }
    func validate(_ connection: Int) async -> Bool { true }
    func close(_ connection: Int) async {}
}
