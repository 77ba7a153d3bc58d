import ArgumentParser
import PatinoxMemory

/// `memtop`: see and steer a Swift app's pools and caches.
@main
struct Memtop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memtop",
        abstract: "An htop for pools and caches: watch and steer PatinoxMemory components.",
        discussion: """
            With no subcommand memtop opens the terminal UI on an in-process engine running the built-in demo \
            scenario (`memtop demo --scenario demo/flash-sale.toml` for another one), or attaches to the broker \
            the config names (source = "nats://HOST:PORT"). Recordings: `memtop record`, `memtop replay`.
            """,
        version: PatinoxMemory.version,
        subcommands: [
            DemoCommand.self, AttachCommand.self, PublishCommand.self, RecordCommand.self, ReplayCommand.self,
            SnapshotCommand.self, CacheReplayCommand.self,
        ],
        defaultSubcommand: DemoCommand.self
    )
}
