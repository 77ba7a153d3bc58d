import MemtopTestSupport
import NIOPosix
import Testing

@testable import PatinoxMemory

/// The pool against a real redis-server (started by .ci/run; `REDIS_PORT` says where).
/// Serialized: `CLIENT KILL` would otherwise hit the other tests' connections.
@Suite(
    "Pool × real redis-server",
    .serialized,
    .timeLimit(.minutes(2)),
    .enabled(if: RedisServer.mustRun, "set REDIS_PORT (bash .ci/run does)")
)
struct RedisPoolTests {
    let group = MultiThreadedEventLoopGroup.singleton

    func factory() throws -> RedisFactory {
        let port = try #require(RedisServer.port, "REDIS_PORT is not set: start redis-server (bash .ci/run does)")
        return RedisFactory(host: RedisServer.host, port: port, group: group)
    }

    func admin() async throws -> RedisConnection {
        let factory = try factory()
        return try await RedisConnection.connect(host: factory.host, port: factory.port, group: group)
    }

    func connectedClients(_ admin: RedisConnection) async throws -> Int {
        try await clientsInfo(admin, "connected_clients")
    }

    /// A number from `INFO clients`, e.g. `connected_clients` or `blocked_clients`; -1 when absent.
    func clientsInfo(_ admin: RedisConnection, _ field: String) async throws -> Int {
        guard case .bulk(let info?) = try await admin.send("INFO", "clients") else { return -1 }
        let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("\(field):") }
        return line.flatMap { Int($0.dropFirst(field.count + 1)) } ?? -1
    }

    @Test("connections answer PING with PONG and carry commands")
    func pingAndCommands() async throws {
        var configuration = PoolConfiguration()
        configuration.maximumConnections = 4
        configuration.validateAfterIdle = .zero
        let pool = try Pool(name: "redis", configuration: configuration, factory: factory()).running()
        let reply = try await pool.withConnection { connection in
            _ = try await connection.send("SET", "memtop:greeting", "hello")
            return try await connection.send("GET", "memtop:greeting")
        }
        #expect(reply == .bulk("hello"))
        #expect(pool.status().counters.created == 1)
        await pool.shutdown(deadline: .seconds(2))
    }

    @Test("CLIENT KILL: only the operations in flight fail; the pool replaces every dead connection")
    func serverKillsConnections() async throws {
        var configuration = PoolConfiguration()
        configuration.minimumConnections = 4
        configuration.maximumConnections = 10
        configuration.validateAfterIdle = .milliseconds(20)
        configuration.housekeepingInterval = .milliseconds(10)
        let pool = try Pool(name: "redis", configuration: configuration, factory: factory()).running()
        #expect(await eventually { pool.status().idle == 4 })

        let inFlight = (0..<3).map { index in
            Task {
                try await pool.withConnection { try await $0.send("BLPOP", "memtop:never-\(index)", "60") }
            }
        }
        #expect(await eventually { pool.status().leased == 3 })
        let admin = try await admin()
        // The BLPOPs wait in the server (60 s, far beyond any stall), so the kill finds them in flight.
        #expect(await eventually { (try? await clientsInfo(admin, "blocked_clients")) == 3 })
        let killed = try await admin.send("CLIENT", "KILL", "TYPE", "normal")
        guard case .integer(let count) = killed else {
            Issue.record("CLIENT KILL answered \(killed)")
            return
        }
        #expect(count >= 4, "every pooled connection was killed (\(count))")

        var failed = 0
        for task in inFlight {
            do { _ = try await task.value } catch { failed += 1 }
        }
        #expect(failed == 3, "exactly the operations in flight failed")

        // Past validateAfterIdle in the pool's own time, which housekeeping advances (late on a busy machine).
        let killedAt = pool.state.withLockedValue { $0.machine.now.nanoseconds }
        #expect(await eventually { pool.state.withLockedValue { $0.machine.now.nanoseconds } > killedAt + 25_000_000 })
        let results = try await withThrowingTaskGroup(of: RESPValue.self) { group in
            for index in 0..<200 {
                group.addTask {
                    try await pool.withConnection { try await $0.send("SET", "memtop:k\(index % 7)", "v\(index)") }
                }
            }
            return try await group.reduce(into: [RESPValue]()) { $0.append($1) }
        }
        #expect(results.count == 200)
        #expect(results.allSatisfy { $0 == .simple("OK") }, "every operation after the kill succeeded")
        let status = pool.status()
        #expect(status.counters.replaced >= 4, "\(status)")
        #expect(status.total <= 10)
        await pool.shutdown(deadline: .seconds(2))
        await admin.close()
    }

    @Test("DEBUG SLEEP stalls the server: a third acquire on a pool of two times out, then works again")
    func acquireTimeoutWhileServerSleeps() async throws {
        var configuration = PoolConfiguration()
        configuration.maximumConnections = 2
        configuration.minimumConnections = 2
        configuration.acquireTimeout = .milliseconds(300)
        let pool = try Pool(name: "redis", configuration: configuration, factory: factory()).running()
        // Both connections opened first: on a loaded machine a connect alone can take longer than 300 ms.
        #expect(await eventually { pool.status().idle == 2 }, "\(pool.status())")
        let first = try await pool.acquire()
        let second = try await pool.acquire()
        let sleeper = Task { try await first.connection.send("DEBUG", "SLEEP", "1") }
        let blocked = Task { try await second.connection.send("PING") }
        let start = ContinuousClock.now
        await #expect {
            try await pool.acquire()
        } throws: { error in
            let error = error as! PatinoxError
            return error.code == .acquireTimeout && error.description.contains("2 of 2 leased")
        }
        let waited = ContinuousClock.now - start
        #expect(waited >= .milliseconds(250) && waited < .seconds(2), "timed out after \(waited)")
        #expect(try await sleeper.value == .simple("OK"))
        #expect(try await blocked.value == .simple("PONG"))
        pool.release(first)
        pool.release(second)
        let pong = try await pool.withConnection { try await $0.send("PING") }
        #expect(pong == .simple("PONG"))
        #expect(pool.status().counters.timedOut == 1)
        await pool.shutdown(deadline: .seconds(2))
    }

    @Test("one pool holds 1000 real connections at once")
    func thousandConnections() async throws {
        var configuration = PoolConfiguration()
        configuration.maximumConnections = 1000
        configuration.maxConcurrentCreates = 64
        configuration.acquireTimeout = .seconds(60)
        // Capacity is the point here: a few connects timing out on a busy machine must be retried, not
        // open the breaker.
        configuration.circuitBreakerThreshold = nil
        let pool = try Pool(name: "redis-1000", configuration: configuration, factory: factory()).running()
        let leases = try await withThrowingTaskGroup(of: PoolLease<RedisConnection>.self) { group in
            for _ in 0..<1000 { group.addTask { try await pool.acquire() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(leases.count == 1000)
        #expect(Set(leases.map(\.id)).count == 1000)
        let status = pool.status()
        #expect(status.leased == 1000 && status.total == 1000 && status.waiters == 0)

        let admin = try await admin()
        #expect(try await connectedClients(admin) >= 1001)
        let pongs = try await withThrowingTaskGroup(of: Bool.self) { group in
            for lease in leases { group.addTask { try await lease.connection.send("PING") == .simple("PONG") } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(pongs == 1000)
        for lease in leases { pool.release(lease) }
        #expect(pool.status().idle == 1000)
        await pool.shutdown(deadline: .seconds(5))
        #expect(await eventually { (try? await connectedClients(admin)) ?? 0 < 50 })
        await admin.close()
    }
}
