import Logging

extension Logger {
    /// A logger that discards everything: what a component logs to unless its user passes a logger, so a
    /// library says nothing by itself (as PostgresNIO and SwiftNIO do).
    public static let disabled = Logger(label: "patinox.disabled", factory: { _ in SwiftLogNoOpLogHandler() })
}
