import Logging

/// The loads running in the current task and its ancestors, to refuse a loader that asks for its own key.
enum CacheLoadContext {
    struct LoadKey: Hashable, @unchecked Sendable {  // the key is Sendable; AnyHashable only erases its type
        var cache: ObjectIdentifier
        var key: AnyHashable
    }
    @TaskLocal static var active: Set<LoadKey> = []
}

extension Cache {
    /// The value for `key`; on a miss, runs `loader` once however many callers miss the same key at the
    /// same time (single flight), stores its result and gives it to all of them.
    ///
    /// A loader that (directly or through other loads) asks this cache for its own key gets
    /// ``PatinoxError/Code/cacheLoadFailed`` instead of waiting for itself forever. A failing loader's
    /// error reaches every waiting caller, wrapped with the cache and key; nothing is stored.
    public func get(_ key: Key, loader: @escaping @Sendable (Key) async throws -> Value) async throws -> Value {
        if let value = get(key) { return value }
        let loadKey = CacheLoadContext.LoadKey(cache: ObjectIdentifier(self), key: AnyHashable(key))
        if CacheLoadContext.active.contains(loadKey) {
            throw PatinoxError.recursiveLoad(cache: name, key: "\(key)")
        }
        let task = loads.withLockedValue { loads -> Task<Value, any Error>? in
            if let running = loads[key] { return running }
            let hash = key.hashValue
            if shard(forHash: hash).withLockedValue({ $0.peek(key, hash: hash, now: currentTime()) }) != nil {
                return nil
            }
            let active = CacheLoadContext.active.union([loadKey])
            // Named after the caller's task, so that what the load leases (a pool connection) says on whose behalf.
            let started = Task(name: LeaseSite.taskNameFromTheStandardLibrary() ?? "load in cache '\(name)'") {
                try await self.load(key, loader: loader, context: active)
            }
            loads[key] = started
            return started
        }
        guard let task else { return try await get(key, loader: loader) }
        return try await task.value
    }

    private func load(
        _ key: Key,
        loader: @Sendable (Key) async throws -> Value,
        context: Set<CacheLoadContext.LoadKey>
    ) async throws -> Value {
        let start = clock.now()
        do {
            let value = try await CacheLoadContext.$active.withValue(context) { try await loader(key) }
            put(key, value)
            finishLoad(key, failed: false, since: start)
            return value
        } catch {
            finishLoad(key, failed: true, since: start)
            if let error = error as? PatinoxError, error.code == .cacheLoadFailed { throw error }
            // The key is left out of the log: it may be personal data. The error the caller gets names it.
            logger.warning("cache load failed", metadata: ["cache": "\(name)", "error": "\(error)"])
            throw PatinoxError.loadFailed(cache: name, key: "\(key)", cause: error)
        }
    }

    private func finishLoad(_ key: Key, failed: Bool, since start: MonotonicInstant) {
        _ = loads.withLockedValue { $0.removeValue(forKey: key) }
        loadStats.withLockedValue { stats in
            stats.loads += 1
            if failed { stats.loadFailures += 1 }
        }
        monitor.record(
            MonitorEvent(
                source: component,
                operation: "load",
                outcome: failed ? .failure(.cacheLoadFailed) : .success,
                duration: clock.now() - start
            )
        )
    }
}

extension PatinoxError {
    static func loadFailed(cache: String, key: String, cause: any Error) -> PatinoxError {
        PatinoxError(
            code: .cacheLoadFailed,
            context: ErrorContext(component: .cache, name: cache, operation: "load"),
            message: "the loader for key \(key) failed; nothing was stored.",
            recovery: .retry(after: .milliseconds(100)),
            underlying: cause
        )
    }

    static func recursiveLoad(cache: String, key: String) -> PatinoxError {
        PatinoxError(
            code: .cacheLoadFailed,
            context: ErrorContext(component: .cache, name: cache, operation: "load"),
            message: "the loader for key \(key) asked the cache for \(key) again; it would wait for itself forever.",
            recovery: .reconfigure(
                hint: "compute the value inside the loader instead of reading it from the same cache."
            )
        )
    }
}
