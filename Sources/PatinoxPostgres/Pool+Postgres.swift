import PatinoxMemory
import PostgresNIO

extension Pool where Factory == PostgresConnectionFactory {
    /// Leases a connection for `body`, as ``PatinoxMemory/Pool/withConnection(isolation:file:line:_:)`` does, and
    /// turns what postgres-nio throws into a ``PatinoxMemory/PatinoxError`` (code `database-failed`, operation
    /// `query`, the server's SQLSTATE and message in the cause chain: ``PostgresServerError``). A connection the
    /// error shows broken is replaced; the pool's own errors (an acquire timeout, an open breaker) and the body's other
    /// errors come out as they are.
    ///
    /// A leased connection the server has already closed (it went down, or ended the session while the
    /// connection sat idle) is replaced before `body` sees it: postgres-nio 1.33.2 can leave a query on a
    /// connection closing under it waiting for ever.
    public func withConnection<Result>(
        isolation: isolated (any Actor)? = #isolation,
        file: StaticString = #fileID,
        line: UInt = #line,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        var lease = try await acquire(file: file, line: line)
        while lease.connection.isClosed {
            release(lease, discard: true)
            lease = try await acquire(file: file, line: line)
        }
        do {
            let result = try await body(lease.connection)
            release(lease)
            return result
        } catch {
            release(lease, discard: PostgresConnectionFactory.meansBrokenConnection(error) || lease.connection.isClosed)
            throw error is PSQLError ? PatinoxError.postgres(error, name: name, operation: "query") : error
        }
    }
}
