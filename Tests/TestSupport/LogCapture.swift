import Logging
import NIOConcurrencyHelpers

/// A logger whose records a test can read: what a component told its operator, level, message and metadata.
public final class LogCapture: Sendable {
    /// One log call.
    public struct Record: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: [String: String]
    }

    private let box = NIOLockedValueBox<[Record]>([])

    public init() {}

    /// A logger (at `trace`, so nothing is filtered) that appends to ``records``.
    public var logger: Logger {
        let box = box
        var logger = Logger(label: "test") { _ in Handler(box: box) }
        logger.logLevel = .trace
        return logger
    }

    public var records: [Record] { box.withLockedValue { $0 } }

    /// The records whose message contains `text`.
    public func records(containing text: String) -> [Record] { records.filter { $0.message.contains(text) } }

    struct Handler: LogHandler {
        let box: NIOLockedValueBox<[Record]>
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let record = Record(
                level: event.level,
                message: "\(event.message)",
                metadata: merged.mapValues { "\($0)" }
            )
            box.withLockedValue { $0.append(record) }
        }
    }
}
