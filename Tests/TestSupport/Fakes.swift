import NIOConcurrencyHelpers
import PatinoxMemory

/// A connection factory for tests: connections are numbers; it counts what the pool does with them and
/// can be told to fail.
public final class TestFactory: ConnectionFactory {
    public struct State: Sendable {
        public var nextConnection = 1
        public var created = 0
        public var closed: [Int] = []
        public var validations = 0
        public var failCreates = false
        public var healthy = true
    }
    public let state = NIOLockedValueBox(State())

    public struct Refused: Error {}

    public init() {}

    public func makeConnection() async throws -> Int {
        try state.withLockedValue { state in
            if state.failCreates { throw Refused() }
            state.created += 1
            defer { state.nextConnection += 1 }
            return state.nextConnection
        }
    }

    public func validate(_ connection: Int) async -> Bool {
        state.withLockedValue { state in
            state.validations += 1
            return state.healthy
        }
    }

    public func close(_ connection: Int) async {
        state.withLockedValue { $0.closed.append(connection) }
    }

    public var created: Int { state.withLockedValue { $0.created } }
    public var closed: [Int] { state.withLockedValue { $0.closed } }
}

/// A monitor that keeps everything it is told.
public final class RecordingMonitor: Monitor {
    public let events = NIOLockedValueBox<[MonitorEvent]>([])
    public let samples = NIOLockedValueBox<[MonitorSample]>([])
    public init() {}
    public func record(_ event: MonitorEvent) { events.withLockedValue { $0.append(event) } }
    public func sample(_ sample: MonitorSample) { samples.withLockedValue { $0.append(sample) } }
    public func operations() -> [String] { events.withLockedValue { $0.map(\.operation) } }
}
