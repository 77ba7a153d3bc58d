import PostgresNIO

/// What PostgreSQL said when it refused a query or a login, read from postgres-nio's `PSQLError`: its SQLSTATE,
/// severity, message, detail and hint. It sits in a ``PatinoxMemory/PatinoxError``'s cause chain, so a log line
/// shows the server's words (`PSQLError`'s own description hides them on purpose), and callers can match on
/// ``sqlState`` (`23505`: a unique key taken, `40001`: retry the transaction).
public struct PostgresServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The five-character SQLSTATE code (appendix A of the PostgreSQL manual).
    public var sqlState: String
    /// `ERROR`, `FATAL` or `PANIC`.
    public var severity: String
    /// The server's primary message.
    public var message: String
    /// The server's detail line, if it sent one.
    public var detail: String?
    /// The server's hint, if it sent one.
    public var hint: String?

    /// The server's part of `error`, when the server sent one (its code is `.server`).
    public init?(_ error: PSQLError) {
        guard let info = error.serverInfo, let sqlState = info[.sqlState] else { return nil }
        self.init(
            sqlState: sqlState,
            severity: info[.severity] ?? "ERROR",
            message: info[.message] ?? "(no message)",
            detail: info[.detail],
            hint: info[.hint]
        )
    }

    /// A server error from its fields.
    public init(sqlState: String, severity: String, message: String, detail: String? = nil, hint: String? = nil) {
        self.sqlState = sqlState
        self.severity = severity
        self.message = message
        self.detail = detail
        self.hint = hint
    }

    /// The SQLSTATE's class: its first two characters (`08` connection exception, `53` insufficient resources,
    /// `57` operator intervention…).
    public var sqlStateClass: Substring { sqlState.prefix(2) }

    public var description: String {
        var text = "SQLSTATE \(sqlState) \(severity): \(message)"
        if let detail { text += " (detail: \(detail))" }
        if let hint { text += " (hint: \(hint))" }
        return text
    }
}
