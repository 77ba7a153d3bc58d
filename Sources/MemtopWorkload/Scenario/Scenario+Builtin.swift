import PatinoxMemory

extension Scenario {
    /// The default scenario, compiled into the binary so `memtop` shows something live with no files
    /// around. The text is demo/steady.toml's (a test keeps the two equal).
    public static let builtinText = #"""
        # memtop demo scenario: steady traffic (the default, compiled into memtop).
        # A small service: a cache in front of a database pool, a guarded scratch resource per request and reads
        # from a memory-mapped table. Traffic rises and falls gently; nothing fails, but the pool works: its
        # occupancy follows the traffic and noon's bursts make the odd request wait. The cache warms from empty.
        name = "steady"
        description = "Steady traffic through a healthy pool and a warm cache"
        seed = 1
        repeat = true

        [pool]
        name = "db"
        minimum = 2
        maximum = 6
        acquire_timeout_ms = 2000
        connect_ms = 5
        # A lease held 5 s is a leak here (requests take milliseconds): try the hold-leases fault.
        leak_threshold_ms = 5000

        [backend]
        latency_median_ms = 8
        latency_p99_ms = 40
        failure_rate = 0.0

        [cache]
        name = "users"
        policy = "lru"
        maximum_count = 2000
        key_space = 20000
        zipf_alpha = 0.9
        # What-if sizing: the cache detail (Enter) shows the hit ratio at other sizes and policies.
        sizing_curve = true

        [guards]
        registry = "requests"

        [mapped_file]
        size_mib = 16
        reads_per_request = 4

        [[phase]]
        name = "morning"
        duration_seconds = 20
        rate = 300
        concurrency = 8

        [[phase]]
        name = "noon"
        duration_seconds = 20
        rate = 900
        concurrency = 16

        [[phase]]
        name = "evening"
        duration_seconds = 20
        rate = 400
        concurrency = 10
        """#

    /// ``builtinText`` parsed: what `memtop` runs when no scenario is named.
    public static let builtin: Scenario = {
        do {
            return try Scenario.parse(builtinText, file: "<built-in steady.toml>")
        } catch {
            preconditionFailure("the built-in scenario does not parse: \(error)")
        }
    }()
}
