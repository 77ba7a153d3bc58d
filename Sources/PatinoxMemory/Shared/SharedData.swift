import NIOConcurrencyHelpers

/// One published version of a ``SharedData`` value. While a snapshot is alive, updates leave its
/// version untouched (they copy instead).
public struct SharedSnapshot<Value: Sendable>: Sendable {
    let box: SharedData<Value>.Box
    /// Counts from 1 (the initial value) up by one per update.
    public let version: UInt64
    /// The value of this version.
    public var value: Value { box.value }
}

/// Data shared by many readers and updated by writers with copy-on-write.
///
/// Readers take the current value cheaply (a lock held for a pointer copy). ``update(_:)`` mutates
/// in place when no reader still holds the current version, and otherwise copies it, mutates the copy
/// and swaps the new version in atomically: readers see either the old or the new version, never a
/// half-done one. Large values share structure when their type does (``ChunkedArray`` copies only the
/// chunk an update touches).
///
/// ```swift
/// let routes = SharedData(name: "routes", RoutingTable())
/// let table = routes.value                       // cheap, never blocked by a copy in progress
/// routes.update { $0.add(route) }                // copy only if a reader still holds the old table
/// for await snapshot in routes.changes() { print(snapshot.version) }
/// ```
public final class SharedData<Value: Sendable>: Sendable {
    /// The name the shared data was created with (its engine and metrics label).
    public let name: String
    @usableFromInline let current: NIOLockedValueBox<Box>
    private let writers = NIOLock()
    private let bookkeeping = NIOLockedValueBox(Bookkeeping())

    /// Holds one version. `@unchecked Sendable`: `value` is changed only by `update`, under the lock and
    /// only while no snapshot references the box, so no reader can see it change.
    @usableFromInline
    final class Box: @unchecked Sendable {
        @usableFromInline var value: Value
        @usableFromInline var version: UInt64
        init(value: Value, version: UInt64) {
            self.value = value
            self.version = version
        }
    }

    private struct Bookkeeping {
        var status = SharedDataStatus()
        var subscribers: [UInt64: AsyncStream<SharedSnapshot<Value>>.Continuation] = [:]
        var nextSubscriber: UInt64 = 0
    }

    /// Shared data named `name` starting with `value` (version 1).
    public init(name: String, _ value: Value) {
        self.name = name
        current = NIOLockedValueBox(Box(value: value, version: 1))
    }

    /// The current value.
    @inlinable
    public var value: Value { current.withLockedValue { $0.value } }

    /// The current value with its version.
    public func snapshot() -> SharedSnapshot<Value> {
        current.withLockedValue { SharedSnapshot(box: $0, version: $0.version) }
    }

    /// Publishes a new version made by `body`. Writers are serialised; readers are not blocked while a
    /// copy is made. Returns the new version number.
    @discardableResult
    public func update(_ body: (inout Value) throws -> Void) rethrows -> UInt64 {
        try writers.withLock {
            // When only `current` references the box, no snapshot holds this version: change it in place.
            // (Values read through `value` are copies; a copy-on-write value copies itself if one is held.)
            let inPlace = try current.withLockedValue { box -> UInt64? in
                guard isKnownUniquelyReferenced(&box) else { return nil }
                try body(&box.value)
                box.version += 1
                return box.version
            }
            let version: UInt64
            if let inPlace {
                version = inPlace
            } else {
                let old = current.withLockedValue { $0 }
                var copy = old.value
                try body(&copy)
                let replacement = Box(value: copy, version: old.version + 1)
                current.withLockedValue { $0 = replacement }
                version = replacement.version
            }
            publish(version: version, copied: inPlace == nil)
            return version
        }
    }

    /// Every version published from now on, in order. The stream ends when the subscriber stops
    /// iterating; a slow subscriber sees the newest versions (older ones are dropped beyond `buffer`).
    public func changes(buffer: Int = 16) -> AsyncStream<SharedSnapshot<Value>> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: SharedSnapshot<Value>.self,
            bufferingPolicy: .bufferingNewest(max(1, buffer))
        )
        let id = bookkeeping.withLockedValue { state in
            state.nextSubscriber += 1
            state.subscribers[state.nextSubscriber] = continuation
            state.status.subscribers = state.subscribers.count
            return state.nextSubscriber
        }
        continuation.onTermination = { [weak self] _ in
            self?.bookkeeping.withLockedValue { state in
                state.subscribers[id] = nil
                state.status.subscribers = state.subscribers.count
            }
        }
        return stream
    }

    /// Versions, copies made and copies avoided, subscribers.
    public func status() -> SharedDataStatus {
        var status = bookkeeping.withLockedValue { $0.status }
        status.version = current.withLockedValue { $0.version }
        return status
    }

    private func publish(version: UInt64, copied: Bool) {
        let subscribers = bookkeeping.withLockedValue { state in
            if copied { state.status.copiesMade += 1 } else { state.status.copiesAvoided += 1 }
            return Array(state.subscribers.values)
        }
        guard !subscribers.isEmpty else { return }
        let snapshot = snapshot()
        for subscriber in subscribers where snapshot.version == version { subscriber.yield(snapshot) }
    }
}

/// Counts of a ``SharedData``.
public struct SharedDataStatus: Sendable, Hashable {
    /// The current version (1 at creation, +1 per update).
    public var version: UInt64 = 1
    /// Updates that had to copy because a reader still held the current version.
    public var copiesMade = 0
    /// Updates that changed the value in place.
    public var copiesAvoided = 0
    /// Active ``SharedData/changes(buffer:)`` streams.
    public var subscribers = 0
    public init() {}
}
