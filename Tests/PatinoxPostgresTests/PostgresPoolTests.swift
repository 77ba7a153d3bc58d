import Foundation
import MemtopTestSupport
import NIOConcurrencyHelpers
import PatinoxMemory
import PatinoxPostgres
import PostgresNIO
import Testing

/// `Pool<PostgresConnectionFactory>` against a real PostgreSQL (issue #18 §2). Serialized: the tests terminate
/// backends and stop the server, which would hit each other's connections.
extension PostgresSuites {
    @Suite(
        "Pool × real PostgreSQL",
        .serialized,
        .timeLimit(.minutes(3))
    )
    struct PostgresPoolTests {
        let logger = PostgresServer.logger

        func pool(
            _ name: String,
            user: String = "memtop",
            configure: (inout PoolConfiguration) -> Void = { _ in }
        ) throws -> Pool<PostgresConnectionFactory> {
            var configuration = PoolConfiguration()
            configuration.acquireTimeout = .seconds(20)
            configure(&configuration)
            return try Pool(name: name, configuration: configuration, factory: PostgresServer.factory(user: user))
                .running()
        }

        @Test("1,000 tasks over 20 connections: every query answered, no connection leased to two tasks at once")
        func thousandTasks() async throws {
            let pool = try pool("db") { $0.maximumConnections = 20 }
            let inUse = NIOLockedValueBox<Set<Int32>>([])
            let overlaps = NIOLockedValueBox(0)
            let answers = try await withThrowingTaskGroup(of: Bool.self) { group in
                for task in 0..<1_000 {
                    group.addTask {
                        try await pool.withConnection { connection in
                            let rows = try await connection.query(
                                "SELECT pg_backend_pid(), \(task)::int8, pg_sleep(0.002)::text",
                                logger: logger
                            )
                            var answered = false
                            for try await (backend, echo, _) in rows.decode((Int32, Int, String).self) {
                                let fresh = inUse.withLockedValue { $0.insert(backend).inserted }
                                if !fresh { overlaps.withLockedValue { $0 += 1 } }
                                // A second query on the same lease: the backend is still this task's alone.
                                _ = try await connection.query("SELECT pg_sleep(0.001)", logger: logger).collect()
                                inUse.withLockedValue { _ = $0.remove(backend) }
                                answered = echo == task
                            }
                            return answered
                        }
                    }
                }
                return try await group.reduce(into: 0) { count, answered in count += answered ? 1 : 0 }
            }
            #expect(answers == 1_000, "every task got its own number back")
            #expect(overlaps.withLockedValue { $0 } == 0, "no backend served two leases at once")
            let status = pool.status()
            #expect(status.counters.acquired >= 1_000)
            #expect(status.total <= 20 && status.counters.created <= 20, "\(status.counters)")
            await pool.shutdown(deadline: .seconds(5))
        }

        @Test(
            "pg_terminate_backend: only the queries in flight fail, with the server's message; the pool replaces them"
        )
        func terminatedBackends() async throws {
            let pool = try pool("db") {
                $0.minimumConnections = 8
                $0.maximumConnections = 8
                $0.initialConnections = 8
            }
            #expect(await eventually(10) { pool.status().idle == 8 }, "\(pool.status())")
            let admin = try await PostgresServer.admin()
            let sleepers = (0..<4).map { _ in
                Task {
                    try await pool.withConnection { connection in
                        _ = try await connection.query("SELECT pg_sleep(30) /* terminated */", logger: logger).collect()
                    }
                }
            }
            let sessions =
                "SELECT count(*) FROM pg_stat_activity "
                + "WHERE query LIKE '%/* terminated */%' AND pid <> pg_backend_pid()"
            #expect(
                await eventually(10) {
                    ((try? await admin.query(PostgresQuery(unsafeSQL: sessions), logger: logger).collect().first?
                        .decode(Int.self)) ?? 0) == 4
                }
            )
            _ = try await admin.query(
                PostgresQuery(
                    unsafeSQL: "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        + "WHERE query LIKE '%/* terminated */%' AND pid <> pg_backend_pid()"
                ),
                logger: logger
            ).collect()
            for sleeper in sleepers {
                let result = await sleeper.result
                guard case .failure(let error as PatinoxError) = result else {
                    Issue.record("a terminated query should fail with a PatinoxError, got \(result)")
                    continue
                }
                #expect(error.code == .databaseFailed)
                let server = error.causeChain.compactMap { $0 as? PostgresServerError }.first
                #expect(server?.sqlState == "57P01", "\(error)")
                #expect("\(error)".contains("terminating connection due to administrator command"), "\(error)")
            }
            // The other four were idle: untouched. Every query after this is answered, on 8 connections again.
            for round in 0..<200 {
                let echo = try await pool.withConnection { connection in
                    try await connection.query("SELECT \(round)::int8", logger: logger).collect().first?.decode(
                        Int.self
                    )
                }
                #expect(echo == round)
            }
            #expect(await eventually(10) { pool.status().total == 8 }, "\(pool.status())")
            #expect(pool.status().counters.created >= 12, "the four terminated connections were replaced")
            try await admin.close()
            await pool.shutdown(deadline: .seconds(5))
        }

        @Test("a query's own error keeps the connection and says SQLSTATE and message; the pool's errors stay its own")
        func queryErrors() async throws {
            let pool = try pool("db") { $0.maximumConnections = 2 }
            let error = await #expect(throws: PatinoxError.self) {
                try await pool.withConnection { connection in
                    _ = try await connection.query("SELECT * FROM no_such_table", logger: logger).collect()
                }
            }
            let server = error?.causeChain.compactMap { $0 as? PostgresServerError }.first
            #expect(
                error?.code == .databaseFailed && error?.context.name == "db" && error?.context.operation == "query"
            )
            #expect(server?.sqlState == "42P01", "\(String(describing: error))")
            #expect("\(String(describing: error))".contains("relation \"no_such_table\" does not exist"))
            #expect(error?.recovery.isRetryable == false)
            let before = pool.status().counters
            _ = try await pool.withConnection { connection in
                _ = try await connection.query("SELECT 1", logger: logger).collect()
            }
            let after = pool.status().counters
            #expect(after.created == before.created && after.closed == before.closed, "the connection was kept")
            await pool.shutdown(deadline: .seconds(5))
        }

        @Test("a login the server refuses is a PatinoxError with its SQLSTATE, address and advice")
        func refusedLogin() async throws {
            let factory = try PostgresServer.factory(user: "nobody_here")
            let error = await #expect(throws: PatinoxError.self) { _ = try await factory.makeConnection() }
            let server = error?.causeChain.compactMap { $0 as? PostgresServerError }.first
            #expect(server?.sqlState == "28000", "\(String(describing: error))")
            #expect(error?.context.operation == "connect")
            #expect(error?.context.name.hasPrefix("postgresql://nobody_here@127.0.0.1:") == true)
            #expect("\(String(describing: error))".contains("role \"nobody_here\" does not exist"))
        }
    }
}
