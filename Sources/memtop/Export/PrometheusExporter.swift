import PatinoxMemory
import Prometheus

/// Renders engine snapshots as Prometheus text exposition (swift-prometheus). Totals are counters set
/// to the snapshot's value, so a `reset stats` command reads as a counter reset, as Prometheus expects;
/// levels are gauges. Labels: `pool`, `cache`, `registry`, `path`, `component`.
final class PrometheusExporter {
    private let registry = PrometheusCollectorRegistry()

    func render(_ snapshot: EngineSnapshot) -> String {
        for pool in snapshot.pools { record(pool) }
        for cache in snapshot.caches { record(cache) }
        for guards in snapshot.guards { record(guards) }
        for mapping in snapshot.mappings {
            let labels = [("path", mapping.path)]
            gauge("memtop_mapping_bytes", labels, "Size of the mapping in bytes", Double(mapping.bytes))
            gauge(
                "memtop_mapping_resident_pages",
                labels,
                "Pages of the mapping in memory",
                Double(mapping.residentPages)
            )
        }
        for (component, health) in snapshot.health.components {
            gauge(
                "memtop_health",
                [("component", component)],
                "0 healthy, 1 degraded, 2 unhealthy",
                Double(health.health.severity)
            )
        }
        gauge(
            "memtop_engine_health",
            [],
            "Overall: 0 healthy, 1 degraded, 2 unhealthy",
            Double(snapshot.health.overall.severity)
        )
        gauge("memtop_faults_active", [], "Faults injected and still in force", Double(snapshot.faults.count))
        return registry.emitToString()
    }

    private func record(_ pool: PoolStatus) {
        let labels = [("pool", pool.name)]
        for (state, value) in [("leased", pool.leased), ("idle", pool.idle), ("creating", pool.creating)] {
            gauge("memtop_pool_connections", labels + [("state", state)], "Connections by state", Double(value))
        }
        gauge("memtop_pool_maximum_connections", labels, "The pool's maximum size", Double(pool.maximum))
        gauge("memtop_pool_minimum_connections", labels, "The pool's minimum size", Double(pool.minimum))
        gauge("memtop_pool_waiters", labels, "Callers waiting for a connection", Double(pool.waiters))
        gauge("memtop_pool_circuit_open", labels, "1 while the circuit breaker is open", pool.circuitOpen ? 1 : 0)
        let latency = pool.acquireLatency
        for (quantile, value) in [("0.5", latency.p50), ("0.9", latency.p90), ("0.99", latency.p99)] {
            gauge("memtop_pool_acquire_seconds", labels + [("quantile", quantile)], "Acquire latency", value.inSeconds)
        }
        let counters = pool.counters
        counter("memtop_pool_acquired_total", labels, "Leases handed out", counters.acquired)
        counter("memtop_pool_timed_out_total", labels, "Acquires that timed out", counters.timedOut)
        counter("memtop_pool_created_total", labels, "Connections opened", counters.created)
        counter("memtop_pool_create_failures_total", labels, "Failed connection attempts", counters.createFailures)
        counter("memtop_pool_validation_failures_total", labels, "Failed health checks", counters.validationFailures)
        counter("memtop_pool_replaced_total", labels, "Broken connections replaced", counters.replaced)
        counter("memtop_pool_leaks_total", labels, "Leases held past the leak threshold", counters.leaks)
    }

    private func record(_ cache: CacheStatus) {
        let labels = [("cache", cache.name)]
        gauge("memtop_cache_entries", labels, "Entries in the cache", Double(cache.count))
        gauge("memtop_cache_weight", labels, "Total weight of the entries", Double(cache.weight))
        if let maximum = cache.maximumCount {
            gauge("memtop_cache_maximum_entries", labels, "The entry bound", Double(maximum))
        }
        gauge("memtop_cache_hit_ratio", labels, "Hits over lookups since the last reset", cache.stats.hitRatio)
        counter("memtop_cache_hits_total", labels, "Lookups that found an entry", cache.stats.hits)
        counter("memtop_cache_misses_total", labels, "Lookups that found none", cache.stats.misses)
        counter("memtop_cache_evictions_total", labels, "Entries evicted by the policy", cache.stats.evictions)
        counter("memtop_cache_expirations_total", labels, "Entries expired by TTL or idleness", cache.stats.expirations)
    }

    private func record(_ guards: GuardRegistrySnapshot) {
        let labels = [("registry", guards.name)]
        gauge("memtop_guards_active", labels, "Guards not yet cleaned up", Double(guards.status.active))
        gauge("memtop_guards_pending", labels, "Background cleanups still running", Double(guards.status.pending))
        counter("memtop_guards_cleaned_total", labels, "Cleanups that succeeded", guards.status.cleaned)
        counter("memtop_guards_failed_total", labels, "Cleanups that failed after every retry", guards.status.failed)
    }

    private func gauge(_ name: String, _ labels: [(String, String)], _ help: String, _ value: Double) {
        registry.makeGauge(descriptor: Self.descriptor(name, help), labels: labels).set(value)
    }

    private func counter(_ name: String, _ labels: [(String, String)], _ help: String, _ value: Int) {
        let counter = registry.makeCounter(descriptor: Self.descriptor(name, help), labels: labels)
        counter.reset()
        counter.increment(by: Int64(value))
    }

    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}
