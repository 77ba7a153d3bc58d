// libFuzzer entry for control requests (issue #15): any bytes arrive as a request on `memtop.v1.<engine>.control`
// and get the answer a publisher gives (`FeedPublisher.reply(toControl:…)`: JSON → ControlCommand →
// Engine.apply) from an engine holding a pool, a cache, a guard registry and a mapped file — a result or a
// refusal that says why, never a trap. After each request the manual clock moves on by a time taken from the
// input, and the engine's snapshot must hold what a command may not break: no pool above the command ceiling,
// at most one fault of a kind per target, every fault ending within the hour commands allow, and a snapshot the
// viewer's own limits accept. Built and run by Fuzz/run.sh.
import FuzzDriver
import MemtopFeed
import MemtopSource
import PatinoxMemory

/// Connections that are numbers: the pool never runs here, so none is ever opened.
struct NumberFactory: ConnectionFactory {
    func makeConnection() async throws -> Int { 0 }
    func validate(_ connection: Int) async -> Bool { true }
    func close(_ connection: Int) async {}
}

let ceiling = 64
let clock = ManualClock()
let engine = Engine(name: "fuzz", clock: clock, eventCapacity: 32, commandPoolCeiling: ceiling)
let registry = CleanupRegistry(name: "files", clock: clock)
// The components live as long as the process: the engine holds them weakly.
let pool: Pool<NumberFactory>
let cache: Cache<Int, Int>
let mapping: MappedFile<UInt8>
do throws(PatinoxError) {
    pool = try Pool(name: "db", factory: NumberFactory(), clock: clock, seed: 1)
    var configuration = CacheConfiguration<Int, Int>()
    configuration.maximumCount = 64
    cache = try Cache(name: "sessions", configuration: configuration, clock: clock, seed: 1)
    mapping = try MappedFile<UInt8>.anonymous(name: "regions", count: 4 * 4096, registry: registry)
} catch {
    fatalError("the fuzz engine's components: \(error)")
}
engine.register(pool)
engine.register(cache)
engine.register(registry)
engine.register(mapping)
/// The longest fault a command may ask for (Engine.apply refuses more than an hour).
let longestFault: UInt64 = 3_600 * 1_000_000_000

runFuzzer { bytes in
    for key in 0..<8 { cache.put(key, key) }
    let reply = FeedPublisher.reply(toControl: bytes, engine: engine, allowControl: true, sender: "fuzz")
    precondition(reply.ok == (reply.result != nil) && reply.ok != (reply.error != nil), "\(reply)")
    precondition(reply.error.map { !$0.isEmpty } ?? true, "a refusal that says nothing")
    // Time passes between requests (up to 4,000 s: beyond every fault's end), ending faults on the way.
    clock.advance(by: .milliseconds(Int64(fingerprint(bytes) % 4_000_000)))
    let now = clock.now().nanoseconds
    let snapshot = engine.snapshot()
    for status in snapshot.pools { precondition(status.maximum <= ceiling, "pool \(status.name) at \(status.maximum)") }
    var kinds = Set<String>()
    for fault in snapshot.faults {
        precondition(kinds.insert("\(fault.target)/\(fault.kind.rawValue)").inserted, "two \(fault) faults")
        precondition(fault.until > now && fault.until - now <= longestFault, "fault \(fault) at \(now)")
    }
    if let problem = snapshot.limitProblem(expectedEngine: engine.name) {
        preconditionFailure("the engine's own snapshot breaks the viewer's limits: \(problem)")
    }
    _ = try? StreamingJSONEncoder().encode(reply)
}
