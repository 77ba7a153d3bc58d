import Hummingbird
import PatinoxMemory
import PatinoxPostgres

/// The HTTP API:
///
/// - `GET /items/{id}`: one item (through the cache), 404 when there is none;
/// - `POST /items/{id}/stock?delta=N`: adds N (may be negative) to its stock in a transaction; 409 when the
///   stock would go below zero;
/// - `GET /report`: the number of items and their total stock (an uncached aggregate);
/// - `GET /slow?ms=N`: holds a pooled connection in `pg_sleep` for N ms (up to 10,000);
/// - `GET /health`: `ok`.
///
/// A pool that cannot lend a connection in time answers 503 with the pool's message; other failures 500.
func makeRouter(store: Store) -> Router<BasicRequestContext> {
    let router = Router()
    router.get("health") { _, _ in "ok" }
    router.get("items/:id") { _, context -> Item in
        let id = try context.parameters.require("id", as: Int.self)
        guard let item = try await answering({ try await store.item(id) }) else {
            throw HTTPError(.notFound, message: "no item \(id)")
        }
        return item
    }
    router.post("items/:id/stock") { request, context -> Item in
        let id = try context.parameters.require("id", as: Int.self)
        let delta = try request.uri.queryParameters.require("delta", as: Int.self)
        guard (-1_000_000...1_000_000).contains(delta) else {
            throw HTTPError(.badRequest, message: "delta must be within ±1000000")
        }
        guard let stock = try await answering({ try await store.adjustStock(of: id, by: delta) }) else {
            throw HTTPError(.notFound, message: "no item \(id)")
        }
        return Item(id: id, name: "item \(id)", stock: stock)
    }
    router.get("report") { _, _ -> Report in try await answering { try await store.report() } }
    router.get("slow") { request, _ -> String in
        let milliseconds = try request.uri.queryParameters.require("ms", as: Int.self)
        guard (0...10_000).contains(milliseconds) else { throw HTTPError(.badRequest, message: "ms: 0...10000") }
        try await answering { try await store.slowQuery(milliseconds: milliseconds) }
        return "slept \(milliseconds) ms"
    }
    return router
}

/// Runs `work`, turning the pool's and the database's errors into HTTP answers that say what happened (a
/// cache load wraps them: the whole cause chain is looked at).
func answering<Result>(_ work: () async throws -> Result) async throws -> Result {
    do {
        return try await work()
    } catch let error as PatinoxError {
        let chain = [error] + error.causeChain
        let unavailable: Set<PatinoxError.Code> = [.acquireTimeout, .poolClosed, .circuitOpen, .connectionFailed]
        if let pool = chain.lazy.compactMap({ $0 as? PatinoxError }).first(where: { unavailable.contains($0.code) }) {
            throw HTTPError(.serviceUnavailable, message: pool.message)
        }
        let server = chain.lazy.compactMap { $0 as? PostgresServerError }.first
        if server?.sqlState == "23514" { throw HTTPError(.conflict, message: "the stock would go below zero") }
        throw HTTPError(.internalServerError, message: server?.description ?? error.message)
    }
}
