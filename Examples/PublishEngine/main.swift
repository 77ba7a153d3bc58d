// A service's side of the feed, as small as it gets: an engine with one cache, published to a NATS broker
// for memtop to attach to. It links PatinoxMemory and MemtopFeed only — no terminal UI, no ncurses — and
// CI checks that its binary stays that way (Scripts/check_module_graph.py).
//
//     swift run memtop-publish-example nats://127.0.0.1:4222 [SECONDS]
//     memtop attach nats://127.0.0.1:4222 --engine example
import Foundation
import MemtopFeed
import MemtopSource
import PatinoxMemory

let arguments = CommandLine.arguments.dropFirst()
let broker = arguments.first ?? "nats://127.0.0.1:4222"
// A finite number of seconds up to a day; anything else (inf, nan, 1e300) runs until SIGTERM.
let seconds = arguments.dropFirst().first.flatMap(Double.init).flatMap { (0...86_400).contains($0) ? $0 : nil }

do {
    let engine = Engine(name: "example")
    var configuration = CacheConfiguration<Int, String>()
    configuration.maximumCount = 1_000
    let cache = try Cache(name: "greetings", configuration: configuration)
    engine.register(cache)
    for key in 0..<500 { cache.put(key, "hello \(key)") }

    let client = try await NATSClient.connect(try NATSOptions(url: broker))
    let publisher = try FeedPublisher(engine: engine, client: client, name: "example", allowControl: false)
    let publishing = Task { await publisher.run() }
    print("publishing engine 'example' to \(broker); attach with: memtop attach \(broker) --engine example")
    if let seconds {
        try await Task.sleep(for: .milliseconds(Int64(seconds * 1_000)))
    } else {
        await TerminationSignals.wait()
    }
    publishing.cancel()
    await publishing.value
    await client.close()
} catch {
    print("memtop-publish-example: \(error)")
    exit(1)
}
