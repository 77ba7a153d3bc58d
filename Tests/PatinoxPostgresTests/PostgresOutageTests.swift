import Foundation
import MemtopTestSupport
import NIOConcurrencyHelpers
import PatinoxMemory
import PatinoxPostgres
import PostgresNIO
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What the pool does when PostgreSQL goes away or has no room (issue #18 §2): stop/start of the server under
/// load, and a server that allows fewer connections than the pool's maximum. Serialized with nothing else
/// touching the server: the outage test stops it.
extension PostgresSuites {
    @Suite(
        "Pool × PostgreSQL outages and limits",
        .serialized,
        .timeLimit(.minutes(3))
    )
    struct PostgresOutageTests {
        let logger = PostgresServer.logger

        /// CPU time of this process (user + system), for "the pool does not spin while the server is down".
        static func cpuTime() -> Duration {
            var usage = rusage()
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
            let micros =
                (Int64(usage.ru_utime.tv_sec) + Int64(usage.ru_stime.tv_sec)) * 1_000_000
                + Int64(usage.ru_utime.tv_usec) + Int64(usage.ru_stime.tv_usec)
            return .microseconds(micros)
        }

        /// Eight tasks querying in a loop as a service would (an error: 10 ms pause, then on), until cancelled.
        static func load(on pool: Pool<PostgresConnectionFactory>, answered: NIOLockedValueBox<Int>) -> Task<
            Void, Never
        > {
            Task {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            while !Task.isCancelled {
                                do {
                                    _ = try await pool.withConnection { connection in
                                        _ = try await connection.query("SELECT 1", logger: PostgresServer.logger)
                                            .collect()
                                    }
                                    answered.withLockedValue { $0 += 1 }
                                } catch {
                                    try? await Task.sleep(for: .milliseconds(10))
                                }
                            }
                        }
                    }
                }
            }
        }

        /// The pool backs off without spinning, the breaker shows in the engine snapshot, and it serves again within
        /// 2 s of the server accepting. The CPU is this process's: `.ci/run` runs these suites in a process of
        /// their own.
        @Test("the server stops for 3 s under load: backoff, no spin, breaker in the snapshot, back within 2 s")
        func serverOutage() async throws {
            var configuration = PoolConfiguration()
            configuration.minimumConnections = 4
            configuration.maximumConnections = 8
            configuration.acquireTimeout = .seconds(1)
            configuration.validateAfterIdle = .milliseconds(50)
            let pool = try Pool(name: "db", configuration: configuration, factory: PostgresServer.factory()).running()
            let engine = Engine(name: "outage")
            engine.register(pool)
            let answered = NIOLockedValueBox(0)
            let load = Self.load(on: pool, answered: answered)
            #expect(await eventually(10) { answered.withLockedValue { $0 } > 200 }, "the load runs before the outage")

            try PostgresServer.control("stop")
            let clock = ContinuousClock()
            let (cpuBefore, outageStart) = (Self.cpuTime(), clock.now)
            let breakerOpened = await eventually(3) { engine.snapshot().pools.first?.circuitOpen == true }
            try await Task.sleep(until: outageStart + .seconds(3))
            let outageCPU = (Self.cpuTime() - cpuBefore) / (clock.now - outageStart)
            let down = engine.snapshot()
            try PostgresServer.control("start")
            let accepting = clock.now
            let before = answered.withLockedValue { $0 }
            let served = await eventually(10, every: .milliseconds(10)) { answered.withLockedValue { $0 } > before }
            let recovery = clock.now - accepting
            load.cancel()
            await load.value
            print(
                "outage: \(String(format: "%.1f", outageCPU * 100)) % of a core for 3 s down; served again "
                    + "\(recovery) after the server accepted; \(pool.status().counters.createFailures) failed connects"
            )

            #expect(breakerOpened, "the breaker opened: \(String(describing: down.pools.first))")
            #expect(down.health.components["pool/db"]?.health == .unhealthy, "\(down.health)")
            #expect(outageCPU < 0.25, "no spin while the server is down: \(outageCPU * 100) % of a core")
            #expect(pool.status().counters.createFailures < 60, "backoff, not a retry storm")
            #expect(served && recovery < .seconds(2), "served again \(recovery) after the server accepted")
            await pool.shutdown(deadline: .seconds(5))
        }

        /// Create failures are reported, the pool runs at 5 and every query is answered, without a retry storm.
        @Test("a server with room for 5 of the pool's 12: failures counted, the pool runs at 5, every query answered")
        func fewerSlotsThanMaximum() async throws {
            let admin = try await PostgresServer.admin()
            _ = try await admin.query("DROP ROLE IF EXISTS memtop_limited", logger: logger).collect()
            _ = try await admin.query("CREATE ROLE memtop_limited LOGIN CONNECTION LIMIT 5", logger: logger).collect()
            var configuration = PoolConfiguration()
            configuration.minimumConnections = 12
            configuration.maximumConnections = 12
            configuration.acquireTimeout = .seconds(20)
            let pool = try Pool(
                name: "limited",
                configuration: configuration,
                factory: PostgresServer.factory(user: "memtop_limited")
            ).running()
            let clock = ContinuousClock()
            let start = clock.now
            let answers = try await withThrowingTaskGroup(of: Int.self) { group in
                for task in 0..<200 {
                    group.addTask {
                        try await pool.withConnection { connection in
                            try await connection.query("SELECT \(task)::int8 FROM pg_sleep(0.005)", logger: logger)
                                .collect().first?.decode(Int.self) ?? -1
                        }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            try await Task.sleep(until: start + .seconds(3))
            let status = pool.status()
            let seconds = (clock.now - start) / .seconds(1)
            print(
                "limited: \(status.total) of 12 open, \(status.counters.createFailures) failed connects in "
                    + "\(String(format: "%.1f", seconds)) s"
            )
            #expect(answers.sorted() == Array(0..<200), "every query answered")
            #expect(status.total == 5, "the pool runs at what the server allows: \(status)")
            #expect(status.counters.createFailures > 0, "the refused connects are counted")
            #expect(Double(status.counters.createFailures) / seconds < 10, "backoff, not a storm: \(status.counters)")
            let engine = Engine(name: "limited")
            engine.register(pool)
            #expect(engine.snapshot().pools.first?.total == 5)
            await pool.shutdown(deadline: .seconds(5))
            _ = try await admin.query("DROP ROLE IF EXISTS memtop_limited", logger: logger).collect()
            try await admin.close()
        }
    }
}
