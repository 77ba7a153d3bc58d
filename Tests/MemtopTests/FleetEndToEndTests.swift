import Foundation
import MemtopSource
import MemtopTestSupport
import Testing

/// Issue #17 in a real terminal: three `memtop publish` processes (two checkout replicas on the steady scenario,
/// a search replica on flaky-backend) and `memtop attach` in tmux.
@Suite(
    "the fleet view in a real terminal (tmux × nats-server × three publishers)",
    .requires(.tmux),
    .requires(.natsServer)
)
struct FleetEndToEndTests {
    /// The table's lines (not the header's, which names the worst engines too).
    static func tableLines(_ screen: String) -> [Substring] {
        screen.split(separator: "\n").filter { $0.hasPrefix("│") }
    }

    /// The table line of `engine`.
    static func row(_ engine: String, _ screen: String) -> Substring {
        tableLines(screen).first { $0.contains(" \(engine) ") } ?? ""
    }

    /// The engine rows of a fleet screen, top to bottom: their names.
    static func engineRows(_ screen: String) -> [String] {
        tableLines(screen).compactMap { line -> String? in
            let words = line.split(whereSeparator: { $0 == " " || $0 == "│" || $0 == "▶" })
            return words.first { $0.hasPrefix("checkout-") || $0.hasPrefix("search-") }.map(String.init)
        }
    }

    @Test(
        "opens on the fleet; the flaky engine sorts first once degraded; / s Enter Esc; a killed publisher turns STALE",
        .timeLimit(.minutes(2))
    )
    func fleetInTmux() async throws {
        let server = try await NATSServerProcess()
        let url = server.url
        let binary = memtopBinary.path
        let log = try await onThread { () throws -> [String] in
            var publishers: [pid_t] = []
            defer {
                for pid in publishers {
                    kill(pid, SIGTERM)
                    _ = waitForExit(pid)
                }
            }
            for (service, instance, scenario) in [
                ("checkout", "1", "demo/steady.toml"), ("checkout", "2", "demo/steady.toml"),
                ("search", "1", "demo/flaky-backend.toml"),
            ] {
                let path = repositoryRoot.appendingPathComponent(scenario).path
                publishers.append(
                    try spawn(
                        [
                            binary, "publish", "--broker", url, "--service", service, "--instance", instance,
                            "--scenario", path,
                        ],
                        quiet: true
                    )
                )
            }
            let tmux = Tmux()
            defer { _ = try? tmux.run(["kill-server"]) }
            let command =
                "LANG=C.UTF-8 TERM=xterm-256color \(binary) attach \(url) --refresh 250; echo EXIT=$?; sleep 30"
            try tmux.run(["new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", command])
            var log: [String] = []
            func check(_ ok: Bool, _ what: String, _ screen: String) {
                log.append(ok ? "ok: \(what)" : "FAILED: \(what)\n\(screen)")
            }
            var screen = try tmux.waitFor { $0.contains("Fleet: 3 engines in 2 services") }
            check(screen.contains("Fleet: 3 engines in 2 services"), "opens on the fleet of three", screen)
            check(screen.contains("3 engines") && screen.contains("LIVE"), "the header counts the fleet", screen)
            check(screen.contains("#1 checkout-1") && screen.contains("#2 checkout-2"), "replicas grouped", screen)
            check(screen.contains("/12"), "the checkout aggregate sums the steady pools' maxima, 6 + 6", screen)
            // flaky-backend turns degraded after its 15 s healthy phase: its row goes to the top.
            screen = try tmux.waitFor(45) { screen in
                let line = Self.row("search-1", screen)
                return (line.contains("degraded") || line.contains("UNHEALTHY"))
                    && Self.engineRows(screen).first == "search-1"
            }
            check(Self.engineRows(screen).first == "search-1", "the degraded engine sorts first", screen)
            check(screen.contains("⚠ worst: search-1"), "the warning line names it", screen)
            // s: by name, checkout first; s s: back to worst first.
            try tmux.keys("s")
            screen = try tmux.waitFor { $0.contains("sorted by name") }
            check(Self.engineRows(screen).first == "checkout-1", "s sorts by name", screen)
            try tmux.keys("s", "s")
            screen = try tmux.waitFor { $0.contains("sorted by worst") }
            // /: only the checkout replicas; Esc clears.
            try tmux.keys("/", "c", "h", "e", "c", "k", "Enter")
            screen = try tmux.waitFor { $0.contains("matching 'check'") }
            check(Set(Self.engineRows(screen)) == ["checkout-1", "checkout-2"], "/ filters the fleet", screen)
            try tmux.keys("Escape")
            screen = try tmux.waitFor { $0.contains("Fleet: 3 engines in 2 services ·") }
            check(!screen.contains("matching"), "Esc clears the filter", screen)
            // Enter opens the highlighted engine's panels (filtered to one: flaky-backend recovers in time, and the
            // worst-first order would then be the pools' saturation); Esc returns to the fleet, Esc clears.
            try tmux.keys("/", "s", "e", "a", "r", "c", "h", "Enter")
            screen = try tmux.waitFor { $0.contains("matching 'search'") }
            try tmux.keys("Enter")
            screen = try tmux.waitFor { $0.contains("engine search-1") && $0.contains("inventory-db") }
            check(screen.contains("Pools (1)") && screen.contains("inventory-db"), "Enter draws search-1", screen)
            try tmux.keys("Escape")
            screen = try tmux.waitFor { $0.contains("Fleet: 1 engine in 1 service matching 'search'") }
            check(screen.contains("Fleet: 1 engine"), "Esc returns to the fleet", screen)
            try tmux.keys("Escape")
            screen = try tmux.waitFor { $0.contains("Fleet: 3 engines in 2 services ·") }
            // A replica dies: STALE within the stale time (5 s) and a refresh.
            kill(publishers[1], SIGKILL)
            _ = waitForExit(publishers[1])
            publishers.remove(at: 1)
            screen = try tmux.waitFor(12) { Self.row("checkout-2", $0).contains("STALE") }
            check(
                Self.row("checkout-2", screen).contains("STALE"),
                "a killed publisher turns STALE",
                screen
            )
            check(screen.contains("1 stale"), "the header counts it", screen)
            try tmux.keys("q")
            screen = try tmux.waitFor { $0.contains("EXIT=") }
            check(screen.contains("EXIT=0"), "q exits with status 0", screen)
            return log
        }
        for line in log { #expect(!line.hasPrefix("FAILED"), "\(line)") }
        print(log.joined(separator: "\n"))
        #expect(log.count >= 14)
        _ = server
    }

    @Test("memtop record --fleet keeps every engine's summaries; memtop replay opens them on the fleet view")
    func recordAndReplayAFleet() async throws {
        let server = try await NATSServerProcess()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = "\(folder.path)/fleet.ndjson"
        var publishers: [pid_t] = []
        defer {
            for pid in publishers {
                kill(pid, SIGTERM)
                _ = waitForExit(pid)
            }
        }
        for instance in ["1", "2", "3"] {
            publishers.append(
                try spawn(
                    [
                        memtopBinary.path, "publish", "--broker", server.url, "--service", "shop", "--instance",
                        instance,
                    ],
                    quiet: true
                )
            )
        }
        let record = try await MemtopRun.run(["record", server.url, "--fleet", "--seconds", "4", "--out", path])
        #expect(record.status == 0, "\(record.stderr)")
        let recording = try Recording.read(path: path)
        #expect(Set(recording.summaries.map(\.summary.engine)) == ["shop-1", "shop-2", "shop-3"])
        #expect(recording.summaries.count >= 6 && recording.frames.isEmpty, "\(recording.summaries.count) summaries")
        #expect(recording.problems.isEmpty, "\(recording.problems)")
        let listed = try #require(recording.fleet(at: recording.duration))
        #expect(
            listed.map(\.name) == ["shop-1", "shop-2", "shop-3"] && listed.allSatisfy { $0.silentFor < .seconds(2) }
        )
        let screen = try await onThread { () throws -> String in
            let tmux = Tmux()
            defer { _ = try? tmux.run(["kill-server"]) }
            let command = "LANG=C.UTF-8 TERM=xterm-256color \(memtopBinary.path) replay \(path); echo EXIT=$?; sleep 30"
            try tmux.run(["new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", command])
            let screen = try tmux.waitFor { $0.contains("Fleet: 3 engines in 1 service") && $0.contains("shop-3") }
            try tmux.keys("q")
            _ = try tmux.waitFor { $0.contains("EXIT=") }
            return screen
        }
        #expect(screen.contains("Fleet: 3 engines in 1 service"), "\(screen)")
        #expect(screen.contains("READ-ONLY") && screen.contains("#2 shop-2"), "\(screen)")
        _ = server
    }
}
