import Hummingbird
import Logging
import PatinoxMemory
import PatinoxPostgres
import PostgresNIO
import Synchronization

/// A row of the `items` table, as the API returns it.
struct Item: ResponseCodable, Sendable, Equatable {
    var id: Int
    var name: String
    var stock: Int
}

/// The service's data: reads go through a cache (single flight on a miss), writes run in a transaction on a
/// pooled connection that a per-request `ResourceScope` rolls back on every way out that did not commit.
struct Store: Sendable {
    let pool: Pool<PostgresConnectionFactory>
    /// Items by id; `nil` is cached too (an id with no row), so a flood of unknown ids does not reach the
    /// database either.
    let items: Cache<Int, Item?>
    /// Counts the guards of every request's scope (memtop's Guards panel).
    let requests: CleanupRegistry
    let logger: Logger

    /// The item `id`, from the cache or (once, however many requests miss it together) from PostgreSQL.
    func item(_ id: Int) async throws -> Item? {
        try await items.get(id) { [pool, logger] id in
            try await pool.withConnection { connection in
                let rows = try await connection.query(
                    "SELECT id, name, stock FROM items WHERE id = \(id)",
                    logger: logger
                )
                for try await (id, name, stock) in rows.decode((Int, String, Int).self) {
                    return Item(id: id, name: name, stock: stock)
                }
                return nil
            }
        }
    }

    /// Adds `delta` to the stock of item `id` and records the move, in one transaction; returns the new
    /// stock, or `nil` when there is no such item. A stock that would go below zero fails (the table's
    /// CHECK) and the transaction is rolled back by the request's scope.
    func adjustStock(of id: Int, by delta: Int) async throws -> Int? {
        let stock = try await pool.withConnection { connection in
            let scope = ResourceScope(name: "stock-\(id)", registry: requests)
            let transaction = try await Transaction.begin(on: connection, logger: logger)
            try scope.guarded(transaction, name: "transaction") { try await $0.rollbackUnlessFinished() }
            do {
                let stock = try await transaction.adjust(id: id, by: delta)
                if stock != nil { try await transaction.commit() }
                await scope.close()
                return stock
            } catch {
                await scope.close()
                throw error
            }
        }
        _ = items.remove(id)
        return stock
    }

    /// A count and the total stock over the whole table: a query the cache does not serve.
    func report() async throws -> Report {
        try await pool.withConnection { connection in
            let rows = try await connection.query(
                "SELECT count(*)::int8, coalesce(sum(stock), 0)::int8 FROM items",
                logger: logger
            )
            for try await (count, stock) in rows.decode((Int, Int).self) { return Report(items: count, stock: stock) }
            return Report(items: 0, stock: 0)
        }
    }

    /// Holds a connection for `milliseconds` in the server (`pg_sleep`): a slow query, to see leases in
    /// memtop and to test that SIGTERM lets leased connections finish.
    func slowQuery(milliseconds: Int) async throws {
        try await pool.withConnection { connection in
            let seconds = Double(milliseconds) / 1_000
            _ = try await connection.query("SELECT pg_sleep(\(seconds))", logger: logger).collect()
        }
    }
}

/// What `GET /report` returns.
struct Report: ResponseCodable, Sendable {
    var items: Int
    var stock: Int
}

/// An open transaction on a leased connection; the request's scope calls ``rollbackUnlessFinished()``.
final class Transaction: Sendable {
    private let connection: PostgresConnection
    private let logger: Logger
    private let finished = Atomic<Bool>(false)

    private init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    static func begin(on connection: PostgresConnection, logger: Logger) async throws -> Transaction {
        _ = try await connection.query("BEGIN", logger: logger).collect()
        return Transaction(connection: connection, logger: logger)
    }

    /// The new stock of item `id` after adding `delta`, with the move recorded; `nil` when there is no row.
    func adjust(id: Int, by delta: Int) async throws -> Int? {
        let rows = try await connection.query(
            "UPDATE items SET stock = stock + \(delta) WHERE id = \(id) RETURNING stock",
            logger: logger
        )
        var stock: Int?
        for try await value in rows.decode(Int.self) { stock = value }
        guard let stock else { return nil }
        _ = try await connection.query(
            "INSERT INTO stock_moves (item_id, delta) VALUES (\(id), \(delta))",
            logger: logger
        ).collect()
        return stock
    }

    func commit() async throws {
        _ = try await connection.query("COMMIT", logger: logger).collect()
        finished.store(true, ordering: .releasing)
    }

    /// Rolls back unless ``commit()`` ran; a connection already closed has nothing left to roll back.
    func rollbackUnlessFinished() async throws {
        guard !finished.exchange(true, ordering: .acquiringAndReleasing), !connection.isClosed else { return }
        _ = try await connection.query("ROLLBACK", logger: logger).collect()
    }
}
