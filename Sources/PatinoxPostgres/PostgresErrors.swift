import PatinoxMemory
import PostgresNIO

extension PatinoxError.Code {
    /// PostgreSQL (or the connection to it) failed a query or a login; the cause chain holds a
    /// ``PostgresServerError`` with the server's SQLSTATE when the server said why.
    public static let databaseFailed = PatinoxError.Code(rawValue: "database-failed")
}

extension PatinoxError {
    /// `error` — what postgres-nio threw while `operation` ran against `name` (a pool's name or an address) — as
    /// a ``PatinoxError`` that says what happened in the server's words and what to do. A `PatinoxError` comes
    /// back as it is; any other error is wrapped.
    public static func postgres(
        _ error: any Error,
        component: ComponentKind = .pool,
        name: String,
        operation: String
    ) -> PatinoxError {
        if let error = error as? PatinoxError { return error }
        return wrapping(error, component: component, name: name, operation: operation)
    }

    private static func wrapping(
        _ error: any Error,
        component: ComponentKind,
        name: String,
        operation: String
    ) -> PatinoxError {
        let context = ErrorContext(component: component, name: name, operation: operation)
        guard let error = error as? PSQLError else {
            return PatinoxError(
                code: .databaseFailed,
                context: context,
                message: "\(operation) failed: \(error)",
                recovery: .failFast,
                underlying: error
            )
        }
        if let server = PostgresServerError(error) {
            return PatinoxError(
                code: .databaseFailed,
                context: context,
                message: "the server refused it: \(server)",
                recovery: recovery(for: server),
                underlying: server
            )
        }
        return PatinoxError(
            code: .databaseFailed,
            context: context,
            message: clientSide(error),
            recovery: error.code == .queryCancelled || error.code == .tooManyParameters
                ? .failFast : .retry(after: .milliseconds(100)),
            underlying: error
        )
    }

    /// What to do about what the server said, by its SQLSTATE class.
    static func recovery(for server: PostgresServerError) -> RecoveryStrategy {
        switch server.sqlStateClass {
        case "08",
            "57" where server.sqlState != "57014":  // the connection or the server went away
            .retry(after: .milliseconds(100))
        case "40":  // serialization failure, deadlock
            .retry(after: .milliseconds(10))
        case "53" where server.sqlState == "53300":
            .reconfigure(
                hint: "the server has no connection slot left: lower the pool's maximumConnections or raise "
                    + "max_connections (or the role's CONNECTION LIMIT)"
            )
        case "53":
            .backOff(initial: .milliseconds(100), maximum: .seconds(5))
        case "28":
            .reconfigure(hint: "check the user name and password the pool connects with")
        case "3D":
            .reconfigure(hint: "check the database name the pool connects to (does it exist?)")
        default:  // a wrong query, a violated constraint, a cancelled statement: the same again fails again
            .failFast
        }
    }

    /// A failure without a server error: the connection closed, broke, or the client refused the query.
    static func clientSide(_ error: PSQLError) -> String {
        let cause = error.underlying.map { ": \($0)" } ?? ""
        switch error.code {
        case .serverClosedConnection: return "the server closed the connection\(cause)"
        case .clientClosedConnection: return "the connection was closed on this side\(cause)"
        case .connectionError: return "could not talk to the server\(cause)"
        case .uncleanShutdown: return "the connection ended without a proper goodbye\(cause)"
        case .queryCancelled: return "the query was cancelled"
        case .tooManyParameters: return "the query binds more than 65,535 parameters"
        case .sslUnsupported: return "the server does not take TLS, and the configuration requires it"
        default: return "postgres-nio reported \(error.code)\(cause)"
        }
    }
}
