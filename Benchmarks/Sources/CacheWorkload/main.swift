import Foundation
import Histogram
import PatinoxMemory

// The mixed cache workload of issue #3, for PatinoxMemory's Cache (each policy) and Foundation's NSCache:
// 2 tasks, 90 % reads / 10 % writes, Zipf(0.99) keys over ten times the capacity so evictions never stop.
// Prints one line per cache: ops/s, p99 latency (every 16th operation timed), bytes per entry, and the
// largest count seen above the bound. `swift run -c release CacheWorkload` (see docs/BENCHMARKS.md).

let capacity = 100_000
let keySpace = 1_000_000
let operationsPerTask = 2_000_000
let tasks = 2

/// Zipf-distributed keys by inverse transform over a precomputed CDF.
func zipfKeys(count: Int, seed: UInt64) -> [Int] {
    var cdf = [Double](repeating: 0, count: keySpace)
    var total = 0.0
    for rank in 0..<keySpace {
        total += 1 / pow(Double(rank + 1), 0.99)
        cdf[rank] = total
    }
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in
        let target = rng.nextUnit() * total
        var low = 0
        var high = keySpace - 1
        while low < high {
            let middle = (low + high) / 2
            if cdf[middle] < target { low = middle + 1 } else { high = middle }
        }
        return (low &* 2_654_435_761) % keySpace  // scatter ranks over the key space
    }
}

func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
}

struct Result {
    var name: String
    var opsPerSecond: Double
    var p99: UInt64
    var bytesPerEntry: Double
    var overshoot: Int
    var hitRatio: Double

    var line: String {
        "cache=\(name) ops_per_s=\(Int(opsPerSecond)) p99_ns=\(p99) bytes_per_entry=\(Int(bytesPerEntry)) "
            + "overshoot=\(overshoot) hit_ratio=\((hitRatio * 1000).rounded() / 1000)"
    }
}

/// Runs the workload on `get`/`put`, sampling `count` from a watcher thread.
func run(
    name: String,
    keys: [[Int]],
    get: @escaping @Sendable (Int) -> Int?,
    put: @escaping @Sendable (Int, Int) -> Void,
    count: @escaping @Sendable () -> Int
) async -> Result {
    let before = residentBytes()
    for key in keys[0].prefix(capacity * 3) { put(key, key) }
    let held = count()
    let bytesPerEntry = held > 0 ? Double(residentBytes() - before) / Double(held) : 0
    let stop = ManagedFlag()
    let watcher = Thread {
        var worst = 0
        while !stop.isSet {
            worst = max(worst, count() - capacity)
            usleep(1_000)
        }
        stop.result = worst
    }
    watcher.start()
    let start = DispatchTime.now().uptimeNanoseconds
    let outcomes = await withTaskGroup(of: (Histogram<UInt64>, Int, Int).self) { group in
        for task in 0..<tasks {
            group.addTask {
                var histogram = Histogram<UInt64>(
                    highestTrackableValue: 10_000_000_000,
                    numberOfSignificantValueDigits: .three
                )
                var hits = 0
                var reads = 0
                for (index, key) in keys[task].enumerated() {
                    let timed = index & 15 == 0
                    let t0 = timed ? DispatchTime.now().uptimeNanoseconds : 0
                    if index % 10 == 0 {
                        put(key, key)
                    } else {
                        reads += 1
                        if get(key) != nil { hits += 1 }
                    }
                    if timed { histogram.record(DispatchTime.now().uptimeNanoseconds - t0) }
                }
                return (histogram, hits, reads)
            }
        }
        return await group.reduce(into: []) { $0.append($1) }
    }
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    stop.set()
    while stop.result == nil { usleep(100) }
    var merged = outcomes[0].0
    for outcome in outcomes.dropFirst() { merged.add(outcome.0) }
    let hits = outcomes.map(\.1).reduce(0, +)
    let reads = outcomes.map(\.2).reduce(0, +)
    return Result(
        name: name,
        opsPerSecond: Double(tasks * operationsPerTask) / elapsed,
        p99: merged.valueAtPercentile(99),
        bytesPerEntry: bytesPerEntry,
        overshoot: max(stop.result ?? 0, 0),
        hitRatio: Double(hits) / Double(reads)
    )
}

final class ManagedFlag: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var stopped = false
    private var worst: Int?
    var isSet: Bool { lock.withLock { stopped } }
    func set() { lock.withLock { stopped = true } }
    var result: Int? {
        get { lock.withLock { worst } }
        set { lock.withLock { worst = newValue } }
    }
}

/// Fills a cache of `entries`, then times random-key hits: get-hit latency and resident bytes per entry.
func scale(entries: Int) throws {
    let before = residentBytes()
    var configuration = CacheConfiguration<Int, Int>()
    configuration.maximumCount = entries
    let cache = try Cache<Int, Int>(name: "scale", configuration: configuration)
    for key in 0..<entries { cache.put(key, key) }
    let bytes = Double(residentBytes() - before) / Double(entries)
    var rng = SplitMix64(seed: 9)
    let probes = (0..<4096).map { _ in Int(rng.next() % UInt64(entries)) }
    var best = Double.infinity
    var sink = 0
    for _ in 0..<5 {
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<2_000_000 { sink &+= cache.get(probes[index & 4095]) ?? 0 }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 2_000_000)
    }
    print(
        "cache=patinox-lru scenario=scale entries=\(entries) get_hit_ns=\((best * 10).rounded() / 10) "
            + "bytes_per_entry=\(Int(bytes)) sink=\(sink & 1)"
    )
}

// `CacheWorkload [lru|sieve|wtinylfu|nscache|scale N]`: one measurement per process, so resident memory
// is not muddled by an earlier cache.
let arguments = CommandLine.arguments.dropFirst()
if arguments.first == "scale" {
    try scale(entries: Int(arguments.dropFirst().first ?? "") ?? 1_000)
    exit(0)
}
let only = arguments.first
let keys = (0..<tasks).map { zipfKeys(count: operationsPerTask, seed: UInt64($0 + 1)) }
for policy in CachePolicy.allCases where only == nil || only == policy.rawValue {
    var configuration = CacheConfiguration<Int, Int>()
    configuration.maximumCount = capacity
    configuration.policy = policy
    configuration.shards = ProcessInfo.processInfo.environment["SHARDS"].flatMap(Int.init)
    let cache = try Cache<Int, Int>(name: "workload", configuration: configuration)
    let result = await run(
        name: "patinox-\(policy)",
        keys: keys,
        get: { cache.get($0) },
        put: { cache.put($0, $1) },
        count: { cache.status().count }
    )
    print(result.line)
}
guard only == nil || only == "nscache" else { exit(0) }
let nsCache = NSCache<NSNumber, NSNumber>()
nsCache.countLimit = capacity
nonisolated(unsafe) let foundationCache = nsCache  // NSCache is thread-safe
let result = await run(
    name: "nscache",
    keys: keys,
    get: { foundationCache.object(forKey: NSNumber(value: $0))?.intValue },
    put: { foundationCache.setObject(NSNumber(value: $1), forKey: NSNumber(value: $0)) },
    count: { -1 }  // NSCache cannot report how many entries it holds
)
print(
    result.line.replacingOccurrences(of: "overshoot=0", with: "overshoot=n/a").replacingOccurrences(
        of: "bytes_per_entry=\(Int(result.bytesPerEntry))",
        with: "bytes_per_entry=n/a"
    )
)
