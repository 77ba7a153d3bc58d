// The code of docs/GUIDE.md and of the DocC articles, compiled and run by GuideTests: every ```swift block
// of those documents appears here verbatim (GuideDocumentTests checks it). Edit both together.
import Configuration
import Foundation
import Logging
import MemtopFeed
import PatinoxConfiguration
import PatinoxMemory
import ServiceLifecycle
import SystemPackage

// MARK: - A stand-in for a database driver (the guide's "your driver")

/// A connection of the guide's pretend database driver.
final class DatabaseConnection: Sendable {
    let url: String
    init(url: String) { self.url = url }
    static func connect(to url: String) async throws -> DatabaseConnection { DatabaseConnection(url: url) }
    func query(_ sql: String) async throws -> String { "result of \(sql)" }
    func ping() async -> Bool { true }
    func close() async {}
}

// MARK: - 2. A pool

struct DatabaseFactory: ConnectionFactory {
    let url: String

    func makeConnection() async throws -> DatabaseConnection { try await DatabaseConnection.connect(to: url) }
    func validate(_ connection: DatabaseConnection) async -> Bool { await connection.ping() }
    func close(_ connection: DatabaseConnection) async { await connection.close() }
}

func makePool(engine: Engine) throws -> Pool<DatabaseFactory> {
    var configuration = PoolConfiguration()
    configuration.minimumConnections = 2
    configuration.maximumConnections = 20
    configuration.acquireTimeout = .seconds(2)
    configuration.leakThreshold = .seconds(30)
    let pool = try Pool(
        name: "db",
        configuration: configuration,
        factory: DatabaseFactory(url: "postgres://db.internal/shop"),
        monitor: engine.monitor(forwardingTo: MetricsMonitor())
    )
    engine.register(pool)
    return pool
}

func serve(pool: Pool<DatabaseFactory>, app: some Service) async throws {
    let logger = Logger(label: "shop")
    let group = ServiceGroup(services: [pool, app], gracefulShutdownSignals: [.sigterm], logger: logger)
    try await group.run()  // until SIGTERM: the app stops taking work, then the pool drains
}

func order(_ id: Int, pool: Pool<DatabaseFactory>) async throws -> String {
    try await pool.withConnection { connection in
        try await connection.query("SELECT * FROM orders WHERE id = \(id)")
    }
}

// MARK: - 3. A cache

func makeUserCache(engine: Engine) throws -> Cache<Int, String> {
    var configuration = CacheConfiguration<Int, String>()
    configuration.policy = .wTinyLFU
    configuration.maximumCount = 50_000
    configuration.defaultTimeToLive = .seconds(300)
    let users = try Cache(name: "users", configuration: configuration, monitor: engine.monitor())
    engine.register(users)
    return users
}

func userName(_ id: Int, users: Cache<Int, String>, pool: Pool<DatabaseFactory>) async throws -> String {
    try await users.get(id) { id in
        try await pool.withConnection { try await $0.query("SELECT name FROM users WHERE id = \(id)") }
    }
}

// MARK: - 4. Guards and scopes

func export(_ rows: [String], to url: URL) async throws {
    try await withResource(name: "export") {
        try Data().write(to: url)
        return try FileHandle(forWritingTo: url)
    } cleanup: { handle in
        try handle.close()
    } body: { handle in
        for row in rows { try handle.write(contentsOf: Data((row + "\n").utf8)) }
    }
}

func handleRequest(_ id: Int, engine: Engine) async throws -> [CleanupOutcome] {
    let scope = ResourceScope(name: "request-\(id)")
    engine.register(scope)
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("scratch-\(id)")
    try Data("work".utf8).write(to: scratch)
    try scope.guarded(scratch, name: "scratch file") { url in
        try FileManager.default.removeItem(at: url)
    }
    // … the request's work: every resource it guards is cleaned up by close(), even after an error.
    return await scope.close()
}

// MARK: - 5. Mapped files

func firstPrices(path: String, engine: Engine) throws -> [UInt64] {
    let prices = try MappedFile<UInt64>(path: path, mode: .readOnly, safety: .checkSize)
    defer { prices.close() }
    engine.register(prices)
    return try prices.elements(0..<min(4, prices.count))
}

// MARK: - 6. Configuration from a file and the environment

func liveConfiguration(file: String) async throws -> (LiveConfiguration, [Task<Void, any Error>]) {
    let settingsFile = try await ReloadingFileProvider<JSONSnapshot>(
        filePath: FilePath(file),
        pollInterval: .seconds(2)  // how often the file is checked for changes (default 15 s)
    )
    let reader = ConfigReader(providers: [EnvironmentVariablesProvider(), settingsFile])  // environment wins
    let live = try LiveConfiguration(
        reader: reader,
        defaults: MemorySettings(pools: ["db": PoolLimits(minimum: 2, maximum: 20)])
    )
    let polling = Task { try await settingsFile.run() }
    let watching = Task { try await live.watch() }
    return (live, [polling, watching])
}

// MARK: - 7. Publishing to NATS

func publish(engine: Engine, broker: String) async throws -> Task<Void, Never> {
    let client = try await NATSClient.connect(try NATSOptions(url: broker))
    // Replica 7 of the shop service: engine "shop-7" in fleet views, grouped with the other shop replicas.
    let publisher = try FeedPublisher(
        engine: engine,
        client: client,
        name: "shop-7",
        service: "shop",
        instance: "7",
        labels: ["version": "1.4.2"],
        allowControl: false
    )
    return Task { await publisher.run() }
}

func publishSecurely(engine: Engine, brokers: String, caFile: String, seedFile: String) async throws
    -> Task<Void, Never>
{
    var options = try NATSOptions(url: brokers)  // "tls://nats-1:4222,tls://nats-2:4222": a cluster, over TLS
    options.tls?.caFile = caFile  // the CA that signed the servers' certificates
    options.nkey = try NATSCredentials.nkey(file: seedFile)  // the engine's NKEY user seed (SU…)
    let client = try await NATSClient.connect(options)
    let publisher = try FeedPublisher(engine: engine, client: client, name: "shop", allowControl: true)
    return Task { await publisher.run() }
}

// MARK: - 8. Fault injection in staging

func chaosDrill(engine: Engine) throws {
    try engine.apply(
        .injectFault(target: "db", kind: .failCreates, amount: nil, durationSeconds: 30),
        sender: "chaos drill"
    )
    try engine.apply(
        .injectFault(target: "users", kind: .missStorm, amount: 0.5, durationSeconds: 30),
        sender: "chaos drill"
    )
}

// MARK: - The DocC catalog's essentials (one example per main type)

func enableCheckoutV2() -> (before: Bool, after: Bool, copies: Int) {
    let flags = SharedData(name: "flags", ["checkout-v2": false])
    let reader = flags.snapshot()  // a reader keeps the version it took
    flags.update { $0["checkout-v2"] = true }  // copies, because `reader` still holds the old version
    return (reader.value["checkout-v2"]!, flags.value["checkout-v2"]!, flags.status().copiesMade)
}

func explain(_ error: any Error) -> String {
    guard let error = error as? PatinoxError else { return "\(error)" }
    switch error.code {
    case .acquireTimeout: return "pool '\(error.context.name)' is exhausted — \(error.recovery.advice)"
    case .circuitOpen: return "the database is down; failing fast — \(error.recovery.advice)"
    default: return error.description  // what went wrong, where, what to do, and the causes
    }
}

struct FailureLog: Monitor {
    let lines = SharedData(name: "failure-log", [String]())

    func record(_ event: MonitorEvent) {
        if case .failure(let code) = event.outcome {
            lines.update { $0.append("\(event.source) \(event.operation) failed (\(code)): \(event.detail ?? "")") }
        }
    }

    func sample(_ sample: MonitorSample) {}
}

// MARK: - README.md's tour

func readmeTour(broker: String) async throws -> (String, Task<Void, Never>) {
    let engine = Engine(name: "shop")
    let pool = try makePool(engine: engine)  // your driver's ConnectionFactory, sized (docs/GUIDE.md §2)
    let running = Task { try await pool.run() }  // or in your ServiceGroup, where SIGTERM drains it (§2)
    let users = try makeUserCache(engine: engine)  // W-TinyLFU, 50,000 entries, 5-minute TTL (§3)
    let name = try await users.get(42) { id in
        try await pool.withConnection { try await $0.query("SELECT name FROM users WHERE id = \(id)") }
    }
    let publishing = try await publish(engine: engine, broker: broker)  // then: memtop attach (§7)
    await pool.shutdown(deadline: .seconds(1))
    try await running.value
    return (name, publishing)
}
