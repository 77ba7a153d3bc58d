import Logging
import PostgresNIO

/// Creates the service's tables when they are missing and fills `items` when it is empty, on a connection of
/// its own before the pool starts (a fresh database works without a migration step).
enum Schema {
    static func prepare(_ configuration: PostgresConnection.Configuration, items: Int, logger: Logger) async throws {
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        defer { Task { try? await connection.close() } }
        _ = try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS items (
                id int8 PRIMARY KEY, name text NOT NULL, stock int8 NOT NULL CHECK (stock >= 0))
            """,
            logger: logger
        ).collect()
        _ = try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS stock_moves (
                id int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY, item_id int8 NOT NULL REFERENCES items (id),
                delta int8 NOT NULL, at timestamptz NOT NULL DEFAULT now())
            """,
            logger: logger
        ).collect()
        _ = try await connection.query(
            """
            INSERT INTO items (id, name, stock)
            SELECT n, 'item ' || n, 100 FROM generate_series(1, \(items)::int8) AS n
            WHERE NOT EXISTS (SELECT 1 FROM items)
            """,
            logger: logger
        ).collect()
    }
}
