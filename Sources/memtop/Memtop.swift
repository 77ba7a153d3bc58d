import ArgumentParser
import PatinoxMemory

/// `memtop`: see and steer a Swift app's pools and caches.
@main
struct Memtop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memtop",
        abstract: "An htop for pools and caches: watch and steer PatinoxMemory components.",
        discussion: """
            With no subcommand memtop prints a status of a demo pool. Later releases grow the live
            terminal UI (demo mode, `memtop attach nats://host:4222`).
            """,
        version: PatinoxMemory.version,
        subcommands: [PoolDemoCommand.self, CacheReplayCommand.self, SnapshotCommand.self],
        defaultSubcommand: PoolDemoCommand.self
    )
}
