// A small HTTP service on PostgreSQL, built the way this repository's guide says (docs/GUIDE.md, "A real
// service"): Hummingbird 2 for HTTP, PatinoxMemory's Pool<PostgresConnection> for the database, a W-TinyLFU
// Cache in front of the hot read, a ResourceScope per write request, all registered with one Engine that
// FeedPublisher sends to NATS. Everything runs as swift-service-lifecycle services: SIGTERM stops the HTTP
// server (requests in flight finish), then the publisher, then the pool drains its leases and closes.
//
//     bash run.sh                      # PostgreSQL, nats-server, this service and wrk, then memtop attach
//     HTTP_PORT=8080 POSTGRES_PORT=5432 NATS_URL=nats://127.0.0.1:4222 swift run PostgresService
import Foundation
import Hummingbird
import Logging
import MemtopFeed
import PatinoxMemory
import PatinoxPostgres
import PostgresNIO
import ServiceLifecycle

/// Writes a line at once (unbuffered), so a script reading the output sees it when it happens.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

var logger = Logger(label: "shop")
logger.logLevel = .info
do {
    let settings = try Settings(environment: ProcessInfo.processInfo.environment)
    let postgres = PostgresConnection.Configuration(
        host: settings.postgresHost,
        port: settings.postgresPort,
        username: settings.postgresUser,
        password: settings.postgresPassword,
        database: settings.postgresDatabase,
        tls: .disable
    )
    try await Schema.prepare(postgres, items: settings.items, logger: logger)

    let engine = Engine(name: "shop-\(settings.instance)")
    var poolConfiguration = PoolConfiguration()
    poolConfiguration.minimumConnections = 2
    poolConfiguration.maximumConnections = settings.poolMaximum
    poolConfiguration.acquireTimeout = .seconds(2)
    poolConfiguration.leakThreshold = .seconds(30)
    poolConfiguration.shutdownDeadline = .milliseconds(Int64(settings.shutdownDeadline * 1_000))
    let pool = try Pool(
        name: "db",
        configuration: poolConfiguration,
        factory: PostgresConnectionFactory(configuration: postgres),
        monitor: engine.monitor()
    )
    engine.register(pool)

    var cacheConfiguration = CacheConfiguration<Int, Item?>()
    cacheConfiguration.policy = .wTinyLFU
    cacheConfiguration.maximumCount = 10_000
    cacheConfiguration.defaultTimeToLive = .seconds(60)
    let items = try Cache(name: "items", configuration: cacheConfiguration, monitor: engine.monitor())
    engine.register(items)
    let requests = CleanupRegistry(name: "requests", monitor: engine.monitor())
    engine.register(requests)

    let store = Store(pool: pool, items: items, requests: requests, logger: logger)
    let app = Application(
        router: makeRouter(store: store),
        configuration: .init(address: .hostname("127.0.0.1", port: settings.httpPort), serverName: "shop"),
        logger: logger
    )
    var services: [any Service] = [pool, engine]
    var client: NATSClient?
    if let url = settings.natsURL {
        let connected = try await NATSClient.connect(try NATSOptions(url: url))
        client = connected
        let publisher = try FeedPublisher(
            engine: engine,
            client: connected,
            name: engine.name,
            service: "shop",
            instance: settings.instance,
            allowControl: true
        )
        services.append(publisher)
        say("publishing engine '\(engine.name)' to \(url); watch it with: memtop attach \(url) --engine \(engine.name)")
    }
    services.append(app)
    say(
        "shop \(engine.name) on http://127.0.0.1:\(settings.httpPort), pid \(ProcessInfo.processInfo.processIdentifier)"
    )

    // SIGTERM: the group stops its services in reverse order, the HTTP server first (requests in flight finish)
    // and the pool last (it closes every connection). Whatever still runs after the deadline is cancelled: the
    // pool then closes its leased connections at once, and the process exits.
    var group = ServiceGroupConfiguration(
        services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
        gracefulShutdownSignals: [.sigterm, .sigint],
        logger: logger
    )
    group.maximumGracefulShutdownDuration = poolConfiguration.shutdownDeadline
    try await ServiceGroup(configuration: group).run()
    let stopped = ContinuousClock.now
    await client?.close()
    let status = pool.status()
    say(
        "shop: shut down: pool \(status.phase.rawValue), \(status.leased) leased, "
            + "\(status.counters.created) opened, \(status.counters.closed) closed, "
            + "\(status.counters.acquired) leases served"
            + " (NATS closed in \(Int((ContinuousClock.now - stopped).inSeconds * 1_000)) ms)"
    )
} catch {
    say("shop: \(error)")
    exit(1)
}
