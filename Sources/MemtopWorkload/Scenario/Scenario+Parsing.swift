import Foundation
import MemtopTOML
import PatinoxMemory

extension Scenario {
    /// Reads a scenario file. Every problem — bad TOML, an unknown key, a wrong type, a value out of range,
    /// inconsistent settings — is a ``PatinoxError`` naming the file, the line and the field.
    public static func load(path: String) throws(PatinoxError) -> Scenario {
        let text = try TOMLDocument.readText(
            path: path,
            what: "scenario",
            hint: "check the path (scenarios ship in demo/*.toml)."
        )
        return try parse(text, file: path)
    }

    /// Parses scenario TOML (the format is documented in demo/README.md).
    public static func parse(_ text: String, file: String) throws(PatinoxError) -> Scenario {
        let root = try TOMLDocument(text: text, file: file, component: .configuration).root
        try root.rejectUnknownKeys([
            "name", "description", "seed", "repeat", "pool", "backend", "cache", "guards",
            "mapped_file", "phase",
        ])
        guard let name = try root.string("name"), !name.isEmpty else {
            throw root.error("name", "a scenario needs a non-empty name.")
        }
        var scenario = Scenario(name: name, phases: [])
        scenario.summary = try root.string("description") ?? ""
        scenario.seed = UInt64(try root.int("seed", in: 0...Int.max) ?? 1)
        scenario.repeats = try root.bool("repeat") ?? true
        if let section = try root.section("pool") { scenario.pool = try PoolSettings(section) }
        if let section = try root.section("backend") { scenario.backend = try BackendSettings(section) }
        if let section = try root.section("cache") { scenario.cache = try CacheSettings(section) }
        if let section = try root.section("guards") { scenario.guards = try GuardSettings(section) }
        if let section = try root.section("mapped_file") { scenario.mappedFile = try MappedFileSettings(section) }
        let phaseSections = try root.sections("phase")
        guard !phaseSections.isEmpty else {
            throw root.error("phase", "a scenario needs at least one [[phase]].", hint: "add a [[phase]] table.")
        }
        for section in phaseSections {
            let phase = try Phase(section)
            let minimum = phase.poolMinimum ?? scenario.pool.minimum
            let maximum = phase.poolMaximum ?? scenario.pool.maximum
            guard minimum <= maximum else {
                throw section.error(
                    phase.poolMaximum == nil ? "pool_minimum" : "pool_maximum",
                    "pool minimum \(minimum) is above its maximum \(maximum) in this phase."
                )
            }
            scenario.phases.append(phase)
        }
        return scenario
    }
}

extension Scenario.PoolSettings {
    init(_ section: TOMLSection) throws(PatinoxError) {
        try section.rejectUnknownKeys([
            "name", "minimum", "maximum", "acquire_timeout_ms", "connect_ms",
            "breaker_threshold", "leak_threshold_ms",
        ])
        name = try section.string("name") ?? name
        minimum = try section.int("minimum", in: 0...10_000) ?? minimum
        maximum = try section.int("maximum", in: 1...10_000) ?? maximum
        acquireTimeout = try section.milliseconds("acquire_timeout_ms", in: 1...600_000) ?? acquireTimeout
        connectLatency = try section.milliseconds("connect_ms", in: 0...60_000) ?? connectLatency
        if let threshold = try section.int("breaker_threshold", in: 0...1_000) {
            circuitBreakerThreshold = threshold == 0 ? nil : threshold
        }
        leakThreshold = try section.milliseconds("leak_threshold_ms", in: 1...3_600_000) ?? leakThreshold
        guard minimum <= maximum else {
            throw section.error("minimum", "minimum \(minimum) is above maximum \(maximum).")
        }
    }
}

extension Scenario.BackendSettings {
    init(_ section: TOMLSection) throws(PatinoxError) {
        try section.rejectUnknownKeys(["latency_median_ms", "latency_p99_ms", "failure_rate", "connect_failure_rate"])
        latencyMedian = try section.milliseconds("latency_median_ms", in: 0...60_000) ?? latencyMedian
        latencyP99 = try section.milliseconds("latency_p99_ms", in: 0...60_000) ?? latencyP99
        failureRate = try section.double("failure_rate", in: 0...1) ?? failureRate
        connectFailureRate = try section.double("connect_failure_rate", in: 0...1) ?? connectFailureRate
        guard latencyP99 >= latencyMedian else {
            throw section.error("latency_p99_ms", "the p99 latency is below the median.")
        }
    }
}

extension Scenario.CacheSettings {
    init(_ section: TOMLSection) throws(PatinoxError) {
        try section.rejectUnknownKeys([
            "name", "policy", "maximum_count", "ttl_seconds", "key_space", "zipf_alpha", "sizing_curve",
        ])
        name = try section.string("name") ?? name
        if let policy = try section.choice("policy", CachePolicy.allCases.map(\.rawValue)) {
            self.policy = CachePolicy(rawValue: policy) ?? self.policy
        }
        maximumCount = try section.int("maximum_count", in: 1...10_000_000) ?? maximumCount
        if let seconds = try section.double("ttl_seconds", in: 0...86_400) {
            timeToLive = seconds == 0 ? nil : .milliseconds(Int64(seconds * 1_000))
        }
        keySpace = try section.int("key_space", in: 1...100_000_000) ?? keySpace
        zipfAlpha = try section.double("zipf_alpha", in: 0...3) ?? zipfAlpha
        sizingCurve = try section.bool("sizing_curve") ?? sizingCurve
    }
}

extension Scenario.GuardSettings {
    init(_ section: TOMLSection) throws(PatinoxError) {
        try section.rejectUnknownKeys(["registry", "cleanup_failure_rate"])
        registry = try section.string("registry") ?? registry
        cleanupFailureRate = try section.double("cleanup_failure_rate", in: 0...1) ?? cleanupFailureRate
    }
}

extension Scenario.MappedFileSettings {
    init(_ section: TOMLSection) throws(PatinoxError) {
        try section.rejectUnknownKeys(["size_mib", "reads_per_request"])
        sizeMiB = try section.int("size_mib", in: 1...4_096) ?? sizeMiB
        readsPerRequest = try section.int("reads_per_request", in: 0...1_000) ?? readsPerRequest
    }
}

extension Scenario.Phase {
    init(_ section: TOMLSection) throws(PatinoxError) {
        try section.rejectUnknownKeys([
            "name", "duration_seconds", "rate", "concurrency", "pool_minimum",
            "pool_maximum", "latency_median_ms", "latency_p99_ms", "failure_rate",
            "connect_failure_rate", "zipf_alpha", "scan_every_seconds", "scan_length",
        ])
        func required<T>(_ key: String, _ value: T?) throws(PatinoxError) -> T {
            guard let value else { throw section.error(key, "missing; every phase needs it.") }
            return value
        }
        let seconds = try required("duration_seconds", try section.double("duration_seconds", in: 0.1...86_400))
        self.init(
            name: try section.string("name") ?? section.path,
            duration: .milliseconds(Int64(seconds * 1_000)),
            rate: try required("rate", try section.double("rate", in: 0.1...1_000_000)),
            concurrency: try required("concurrency", try section.int("concurrency", in: 1...10_000))
        )
        poolMinimum = try section.int("pool_minimum", in: 0...10_000)
        poolMaximum = try section.int("pool_maximum", in: 1...10_000)
        latencyMedian = try section.milliseconds("latency_median_ms", in: 0...60_000)
        latencyP99 = try section.milliseconds("latency_p99_ms", in: 0...60_000)
        failureRate = try section.double("failure_rate", in: 0...1)
        connectFailureRate = try section.double("connect_failure_rate", in: 0...1)
        zipfAlpha = try section.double("zipf_alpha", in: 0...3)
        if let every = try section.double("scan_every_seconds", in: 0.1...86_400) {
            scanEvery = .milliseconds(Int64(every * 1_000))
            scanLength = try required("scan_length", try section.int("scan_length", in: 1...10_000_000))
        } else if section.keys.contains("scan_length") {
            throw section.error("scan_length", "needs scan_every_seconds to say how often the scan runs.")
        }
        if let median = latencyMedian, let p99 = latencyP99, p99 < median {
            throw section.error("latency_p99_ms", "the p99 latency is below the median.")
        }
    }
}

extension TOMLSection {
    /// A number of milliseconds (fractions allowed), as a `Duration`.
    func milliseconds(_ key: String, in range: ClosedRange<Double>) throws(PatinoxError) -> Duration? {
        try double(key, in: range).map { .microseconds(Int64($0 * 1_000)) }
    }
}
