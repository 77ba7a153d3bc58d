// PatinoxMemory's Pool<PostgresConnectionFactory> against postgres-nio's own PostgresClient, on the same server
// in the same process, alternating: `SELECT 1` and a primary-key read on a 100,000-row table, both pools at 10
// connections, at 1, 16 and 256 concurrent tasks. One `key=value` line per measurement; Benchmarks/postgres/
// compare.py runs it several times and reports the ratios (docs/BENCHMARKS.md).
//
//     swift run -c release PostgresCompare --port 55432 [--seconds 3] [--rounds 1] [--tasks 1,16,256]
import Foundation
import Logging
import NIOPosix
import PatinoxMemory
import PatinoxPostgres
import PostgresNIO

#if canImport(Glibc)
    import Glibc
#endif

let logger = Logger(label: "memtop.bench.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
let tableRows = 100_000

struct Options {
    var port = 55432
    var seconds = 3.0
    var rounds = 1
    var tasks = [1, 16, 256]

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw Failure("\(flag) needs a value") }
            switch flag {
            case "--port": port = try Self.number(value, flag, 1...65_535)
            case "--rounds": rounds = try Self.number(value, flag, 1...100)
            case "--seconds":
                guard let number = Double(value), (0.1...600).contains(number) else {
                    throw Failure("--seconds \(value): give 0.1 to 600")
                }
                seconds = number
            case "--tasks":
                tasks = try value.split(separator: ",").map { try Self.number(String($0), flag, 1...10_000) }
            default: throw Failure("unknown option \(flag) (--port, --seconds, --rounds, --tasks)")
            }
        }
    }

    static func number(_ text: String, _ flag: String, _ range: ClosedRange<Int>) throws -> Int {
        guard let number = Int(text), range.contains(number) else {
            throw Failure("\(flag) \(text): give a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }
}

struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// What one design measured at one concurrency.
struct Cell {
    var queries: Int
    var seconds: Double
    var latencies: [UInt64]
    var cpuSeconds: Double

    func line(_ fields: String) -> String {
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double {
            sorted.isEmpty ? 0 : Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1_000
        }
        let qps = Double(queries) / seconds
        let cpu = queries == 0 ? 0 : cpuSeconds / Double(queries) * 1e6
        return "\(fields) qps=\(Int(qps)) p50_us=\(fmt(percentile(0.5))) p99_us=\(fmt(percentile(0.99))) "
            + "cpu_us_per_query=\(fmt(cpu))"
    }
}

func fmt(_ value: Double) -> String { String(format: "%.1f", value) }

/// User plus system CPU of this process so far.
func cpuTime() -> Double {
    var usage = rusage()
    #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
        getrusage(RUSAGE_SELF, &usage)
    #endif
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// `tasks` tasks each running `query` (given the task's index) in a loop for `seconds`; every query's latency.
func drive(tasks: Int, seconds: Double, _ query: @escaping @Sendable (Int) async throws -> Void) async throws -> Cell {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1_000))
    let cpuBefore = cpuTime()
    let start = ContinuousClock.now
    let latencies = try await withThrowingTaskGroup(of: [UInt64].self) { group in
        for index in 0..<tasks {
            group.addTask {
                var local: [UInt64] = []
                local.reserveCapacity(50_000)
                while ContinuousClock.now < deadline {
                    let began = ContinuousClock.now
                    try await query(index)
                    let took = (ContinuousClock.now - began).components
                    local.append(UInt64(took.seconds) * 1_000_000_000 + UInt64(took.attoseconds / 1_000_000_000))
                }
                return local
            }
        }
        var all: [UInt64] = []
        for try await part in group { all += part }
        return all
    }
    let elapsed = ContinuousClock.now - start
    let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return Cell(queries: latencies.count, seconds: wall, latencies: latencies, cpuSeconds: cpuTime() - cpuBefore)
}

enum Query: String, CaseIterable {
    case select1 = "select1"
    case primaryKey = "pk-read"

    func run(on connection: PostgresConnection) async throws {
        switch self {
        case .select1:
            _ = try await connection.query("SELECT 1", logger: logger).collect()
        case .primaryKey:
            let id = Int.random(in: 1...tableRows)
            let rows = try await connection.query(
                "SELECT id, name, stock FROM bench_items WHERE id = \(id)",
                logger: logger
            )
            for try await (_, _, _) in rows.decode((Int, String, Int).self) {}
        }
    }
}

/// Creates and fills `bench_items` when it is missing.
func prepareTable(_ configuration: PostgresConnection.Configuration) async throws {
    let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
    _ = try await connection.query(
        "CREATE TABLE IF NOT EXISTS bench_items (id int8 PRIMARY KEY, name text NOT NULL, stock int8 NOT NULL)",
        logger: logger
    ).collect()
    _ = try await connection.query(
        """
        INSERT INTO bench_items (id, name, stock) SELECT n, 'item ' || n, 100
        FROM generate_series(1, \(tableRows)::int8) AS n WHERE NOT EXISTS (SELECT 1 FROM bench_items)
        """,
        logger: logger
    ).collect()
    try await connection.close()
}

/// The pool's own share of a query's time at one task: acquire and release timed around the query.
func poolShare(_ pool: Pool<PostgresConnectionFactory>, query: Query, seconds: Double) async throws -> String {
    var inPool = Duration.zero
    var total = Duration.zero
    var count = 0
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1_000))
    while ContinuousClock.now < deadline {
        let t0 = ContinuousClock.now
        let lease = try await pool.acquire()
        let t1 = ContinuousClock.now
        try await query.run(on: lease.connection)
        let t2 = ContinuousClock.now
        pool.release(lease)
        let t3 = ContinuousClock.now
        inPool += (t1 - t0) + (t3 - t2)
        total += t3 - t0
        count += 1
    }
    let share = total == .zero ? 0 : inPool / total * 100
    let perQuery = Double(inPool.components.attoseconds / 1_000_000_000 + inPool.components.seconds * 1_000_000_000)
    return "kind=share query=\(query.rawValue) queries=\(count) pool_share_pct=\(String(format: "%.2f", share)) "
        + "pool_ns_per_query=\(Int(perQuery / Double(max(count, 1))))"
}

do {
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    let connection = PostgresConnection.Configuration(
        host: "127.0.0.1",
        port: options.port,
        username: "memtop",
        password: nil,
        database: "memtop",
        tls: .disable
    )
    try await prepareTable(connection)

    var clientConfiguration = PostgresClient.Configuration(
        host: "127.0.0.1",
        port: options.port,
        username: "memtop",
        password: nil,
        database: "memtop",
        tls: .disable
    )
    clientConfiguration.options.minimumConnections = 10
    clientConfiguration.options.maximumConnections = 10
    let client = PostgresClient(configuration: clientConfiguration, backgroundLogger: logger)
    let clientRun = Task { await client.run() }

    var poolConfiguration = PoolConfiguration()
    poolConfiguration.minimumConnections = 10
    poolConfiguration.maximumConnections = 10
    poolConfiguration.initialConnections = 10
    poolConfiguration.acquireTimeout = .seconds(60)
    let pool = try Pool(
        name: "bench",
        configuration: poolConfiguration,
        factory: PostgresConnectionFactory(configuration: connection, logger: logger)
    )
    let poolRun = Task { try await pool.run() }

    var opened: [PostgresConnection] = []
    for id in 1...10 {
        opened.append(try await PostgresConnection.connect(configuration: connection, id: 1_000 + id, logger: logger))
    }
    let bare = opened
    let designs: [(String, @Sendable (Query) async throws -> Void)] = [
        ("postgres-client", { query in try await client.withConnection { try await query.run(on: $0) } }),
        ("pool", { query in try await pool.withConnection { try await query.run(on: $0) } }),
    ]
    // Warm both: connections open, statements parsed, caches of the server filled.
    for (_, run) in designs {
        _ = try await drive(tasks: 16, seconds: 1) { _ in try await run(.primaryKey) }
    }
    for round in 1...options.rounds {
        for query in Query.allCases {
            for tasks in options.tasks {
                // Alternate who goes first, round by round and cell by cell.
                let order = (round + tasks) % 2 == 0 ? designs : designs.reversed()
                for (name, run) in order {
                    let cell = try await drive(tasks: tasks, seconds: options.seconds) { _ in try await run(query) }
                    print(cell.line("design=\(name) query=\(query.rawValue) tasks=\(tasks) round=\(round)"))
                }
            }
            print(try await poolShare(pool, query: query, seconds: options.seconds))
            // The floor: no pool at all, each of 10 tasks running its queries on a connection of its own.
            let floor = try await drive(tasks: 10, seconds: options.seconds) { try await query.run(on: bare[$0]) }
            print(floor.line("design=bare query=\(query.rawValue) tasks=10 round=\(round)"))
        }
    }
    await pool.shutdown(deadline: .seconds(5))
    _ = await poolRun.result
    for connection in bare { try? await connection.close().get() }
    clientRun.cancel()
    _ = await clientRun.value
} catch {
    FileHandle.standardError.write(Data("PostgresCompare: \(error)\n".utf8))
    exit(1)
}
