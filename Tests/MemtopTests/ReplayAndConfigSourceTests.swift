import Foundation
import MemtopSource
import MemtopTestSupport
import MemtopUI
import MemtopWorkload
import PatinoxMemory
import Testing

@testable import memtop

@Suite("memtop replay in tmux; memtop with a broker as the config's source")
struct ReplayAndConfigSourceTests {
    /// A 60-second recording of the built-in scenario: one real snapshot a second, maximum = second + 1.
    func writeRecording() async throws -> String {
        let service = try SyntheticService(scenario: .builtin, engine: Engine(name: "shop"))
        defer { Task { await service.shutdown() } }
        var lines = [
            String(decoding: try JSONEncoder().encode(RecordingHeader(engine: "shop", source: "test")), as: UTF8.self)
        ]
        for second in 0..<60 {
            var snapshot = service.engine.snapshot()
            snapshot.takenAt = UInt64(second) * 1_000_000_000
            snapshot.pools[0].maximum = second + 1
            let frame = Recording.Frame(at: Double(second), snapshot: snapshot)
            lines.append(String(decoding: try JSONEncoder().encode(frame), as: UTF8.self))
        }
        let path = temporaryPath("replay.ndjson")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(
        "a recording plays; Space pauses, → seeks 10 s, > doubles the speed; control keys are refused",
        .timeLimit(.minutes(1)),
        .requires(.tmux)
    )
    func replayInTerminal() async throws {
        let path = try await writeRecording()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let log = try await onThread { () throws -> [String] in
            let tmux = Tmux()
            defer { _ = try? tmux.run(["kill-server"]) }
            let command =
                "LANG=C.UTF-8 TERM=xterm-256color \(memtopBinary.path) replay \(path) --refresh 100; "
                + "echo EXIT=$?; sleep 30"
            try tmux.run(["new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", command])
            var log: [String] = []
            func check(_ ok: Bool, _ what: String, _ screen: String) { if !ok { log.append("\(what):\n\(screen)") } }
            var screen = try tmux.waitFor {
                $0.contains("PLAY ×1") && $0.contains("of 00:00:59") && (poolMaximum($0) ?? 0) >= 2
            }
            check(screen.contains("PLAY ×1") && screen.contains("of 00:00:59"), "plays from the start", screen)
            try tmux.keys("Space")
            screen = try tmux.waitFor { $0.contains("PAUSED") && poolMaximum($0) != nil }
            let paused = poolMaximum(screen) ?? -1
            check(screen.contains("PAUSED") && paused >= 1, "Space pauses", screen)
            try tmux.keys("Right")
            screen = try tmux.waitFor { poolMaximum($0) == paused + 10 }
            check(poolMaximum(screen) == paused + 10, "→ seeks 10 s (pool maximum \(paused) → \(paused + 10))", screen)
            try tmux.keys("+")
            screen = try tmux.waitFor { $0.contains("cannot be steered") }
            check(screen.contains("a recording cannot be steered"), "control keys are refused", screen)
            try tmux.keys(">", "Space")
            screen = try tmux.waitFor { $0.contains("PLAY ×2") }
            check(screen.contains("PLAY ×2"), "> doubles the speed", screen)
            try tmux.keys("q")
            screen = try tmux.waitFor { $0.contains("EXIT=") }
            check(screen.contains("EXIT=0"), "q exits cleanly", screen)
            return log
        }
        #expect(log.isEmpty, "\(log.joined(separator: "\n\n"))")
    }

    @Test("a config whose source is a broker makes memtop attach to it (an unreachable one is a clear error)")
    func configSourceAttaches() async throws {
        let folder = temporaryURL("config-source")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("config.toml").path
        try "source = \"nats://127.0.0.1:1\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let run = try await MemtopRun.run(["--config", config])
        #expect(run.status == 1)
        #expect(run.stderr.contains("nats://127.0.0.1:1") && run.stderr.contains("What to do"), "\(run.stderr)")
    }

    @Test("replay and record refuse what they cannot use, with the reason")
    func refusals() async throws {
        #expect(throws: (any Error).self) { try ReplayCommand.parse(["r.ndjson", "--speed", "3"]) }
        #expect((try? ReplayCommand.parse(["r.ndjson", "--speed", "0.25"]))?.speed == 0.25)
        #expect(throws: (any Error).self) { try RecordCommand.parse(["nats://h:1", "--engine", "e"]) }
        #expect(throws: (any Error).self) { try AttachCommand.parse(["nats://h:1", "--password", "p"]) }
        let run = try await MemtopRun.run(["replay", "/nonexistent/r.ndjson"])
        #expect(run.status == 1 && run.stderr.contains("cannot read the recording"), "\(run.stderr)")
        let zero = try await MemtopRun.run(["replay", "/dev/zero"])
        #expect(zero.status == 1 && zero.stderr.contains("not a regular file"), "\(zero.stderr)")
    }

    @Test("record and publish against a port that never speaks stop with the handshake's reason, not a hang")
    func silentPort() async throws {
        let listener = try SilentListener()
        let started = ContinuousClock.now
        let record = try await MemtopRun.run([
            "record", listener.url, "--engine", "x", "--seconds", "2", "--out", "/dev/null",
        ])
        #expect(record.status != 0 && record.stderr.contains("did not finish the NATS handshake"), "\(record.stderr)")
        let publish = try await MemtopRun.run(["publish", "--broker", listener.url, "--name", "x", "--seconds", "2"])
        #expect(
            publish.status != 0 && publish.stderr.contains("did not finish the NATS handshake"),
            "\(publish.stderr)"
        )
        let took = ContinuousClock.now - started
        // Two 5 s deadlines, two debug processes starting on a loaded machine; a hang would run into the time limit.
        #expect(took < .seconds(25), "two 5 s handshake deadlines, not a hang: \(took)")
    }
}
