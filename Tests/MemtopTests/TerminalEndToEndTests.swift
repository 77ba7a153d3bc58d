import Foundation
import MemtopTestSupport
import Testing

/// A private tmux server with one pane running memtop.
struct Tmux {
    let socket = "memtop-test-\(UUID().uuidString.prefix(8))"

    /// Runs a tmux command and returns its output. Output goes to a file, not a pipe: the first command
    /// starts the tmux server, which keeps the descriptors it inherited, so a pipe would never reach EOF.
    /// posix_spawn and waitpid directly, because the tmux client's exit is easier to await that way.
    @discardableResult
    /// Throws ``TestRequirement/Missing`` where tmux is not installed (only in CI: tests that use it carry
    /// `.requires(.tmux)`).
    func run(_ arguments: [String]) throws -> String {
        try TestRequirement.tmux.require()
        let outputPath = temporaryPath("tmux.out")
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let quoted = (["/usr/bin/tmux", "-L", socket] + arguments).map {
            "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        let shell = quoted.joined(separator: " ") + " > '\(outputPath)' 2>&1 < /dev/null"
        var pid: pid_t = 0
        let words: [String] = ["/bin/sh", "-c", shell]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { word in word.withCString { strdup($0) } } + [nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    func capture() throws -> String { try run(["capture-pane", "-p", "-t", "e2e"]) }

    /// Polls the pane until `condition` holds (up to `seconds`); returns the last capture.
    func waitFor(_ seconds: Double = 30, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var screen = try capture()
        while !condition(screen), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            screen = try capture()
        }
        return screen
    }

    func keys(_ keys: String...) throws { try run(["send-keys", "-t", "e2e"] + keys) }
}

/// The pool row's numbers: "leased/idle/max".
func poolMaximum(_ screen: String) -> Int? {
    guard let row = screen.split(separator: "\n").first(where: { $0.contains("▶ db") || $0.contains("  db ") }) else {
        return nil
    }
    let field = row.split(separator: " ").first { $0.split(separator: "/").count == 3 }
    return field.flatMap { Int($0.split(separator: "/")[2]) }
}

@Suite("memtop in a real terminal (tmux)", .requires(.tmux))
struct TerminalEndToEndTests {
    @Test(
        "panels, live numbers, + resizes, a fault from the menu, resize to 80×24 and below, q restores the terminal",
        .timeLimit(.minutes(2))
    )
    func endToEnd() async throws {
        let log = try await onThread { () throws -> [String] in
            let tmux = Tmux()
            defer { _ = try? tmux.run(["kill-server"]) }
            let command =
                "LANG=C.UTF-8 TERM=xterm-256color \(memtopBinary.path) demo --refresh 200; echo EXIT=$?; sleep 30"
            try tmux.run([
                "new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", "-c", repositoryRoot.path, command,
            ])
            var log: [String] = []
            func check(_ ok: Bool, _ what: String, _ screen: String) {
                log.append(ok ? "ok: \(what)" : "FAILED: \(what)\n\(screen)")
            }
            // Every panel, and numbers that change.
            var screen = try tmux.waitFor { $0.contains("Mapped files") && $0.contains("requests") }
            for panel in ["Pools (1)", "Caches (1)", "Guards", "Mapped files", "Events", "LIVE", "engine steady"] {
                check(screen.contains(panel), "panel \(panel) shown", screen)
            }
            let first = screen.split(separator: "\n").first { $0.contains("requests") }.map(String.init) ?? ""
            screen = try tmux.waitFor { screen in
                !(screen.split(separator: "\n").first { $0.contains("requests") }.map(String.init) ?? "").isEmpty
                    && screen.split(separator: "\n").first { $0.contains("requests") }.map(String.init) != first
            }
            check(
                screen.split(separator: "\n").first { $0.contains("requests") }.map(String.init) != first,
                "the guard counts change",
                screen
            )
            // + raises the selected pool's maximum.
            let maximum = poolMaximum(screen) ?? 0
            try tmux.keys("+")
            screen = try tmux.waitFor { poolMaximum($0) == maximum + 1 }
            check(poolMaximum(screen) == maximum + 1, "+ raised the maximum from \(maximum)", screen)
            // The fault menu: fail health checks on the pool, confirmed; replacements follow.
            try tmux.keys("f")
            // Poll for the menu's content, not its title: ncurses may be caught mid-draw.
            screen = try tmux.waitFor { $0.contains("Inject a fault") && $0.contains("fail-health-checks") }
            check(screen.contains("fail-health-checks"), "the fault menu lists the pool's faults", screen)
            try tmux.keys("Enter")
            screen = try tmux.waitFor { $0.contains("Confirm") }
            try tmux.keys("y")
            screen = try tmux.waitFor { $0.contains("connection-replaced") && $0.contains("1 FAULT") }
            check(screen.contains("connection-replaced"), "health checks fail and connections are replaced", screen)
            check(screen.contains("1 FAULT"), "the header counts the fault", screen)
            // 80×24: the full layout, narrowed; below it the compact one.
            try tmux.run(["resize-window", "-t", "e2e", "-x", "80", "-y", "24"])
            // The old 120-column frame, clipped by tmux, would show a Pools border without its right corner.
            func poolsPanelFits(_ screen: String) -> Bool {
                let lines = screen.split(separator: "\n")
                let border = lines.first { $0.contains("Pools (1)") }
                return lines.allSatisfy { $0.count <= 80 } && border?.hasSuffix("┐") == true
            }
            screen = try tmux.waitFor { poolsPanelFits($0) }
            check(poolsPanelFits(screen), "80×24 keeps every panel within 80 columns", screen)
            try tmux.run(["resize-window", "-t", "e2e", "-x", "70", "-y", "20"])
            screen = try tmux.waitFor { $0.contains("POOLS") && !$0.contains("┌") }
            check(screen.contains("POOLS") && !screen.contains("┌"), "below 80×24 the compact layout", screen)
            // q quits, the terminal is restored and memtop exits cleanly.
            try tmux.keys("q")
            screen = try tmux.waitFor { $0.contains("EXIT=") }
            check(
                screen.contains("EXIT=0") && !screen.contains("POOLS"),
                "q exits with status 0, screen restored",
                screen
            )
            return log
        }
        for line in log { #expect(!line.hasPrefix("FAILED"), "\(line)") }
        print(log.joined(separator: "\n"))
        #expect(log.count >= 12)
    }

    @Test("SIGINT (Ctrl-C) and SIGTERM end memtop cleanly and restore the terminal", .timeLimit(.minutes(2)))
    func signals() async throws {
        let results = try await onThread { () throws -> [String] in
            var results: [String] = []
            for (name, stop) in [("SIGINT", "C-c"), ("SIGTERM", "term")] {
                let tmux = Tmux()
                defer { _ = try? tmux.run(["kill-server"]) }
                let command = "LANG=C.UTF-8 TERM=xterm-256color \(memtopBinary.path) demo; echo EXIT=$?; sleep 30"
                try tmux.run([
                    "new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30", "-c", repositoryRoot.path, command,
                ])
                _ = try tmux.waitFor { $0.contains("Pools (1)") }
                if stop == "term" {
                    let pid = try tmux.run(["display", "-p", "-t", "e2e", "#{pane_pid}"]).trimmingCharacters(
                        in: .whitespacesAndNewlines
                    )
                    try tmux.run(["run-shell", "pkill -TERM -P \(pid) -f 'memtop demo'"])
                } else {
                    try tmux.keys("C-c")
                }
                let screen = try tmux.waitFor { $0.contains("EXIT=") }
                results.append(
                    "\(name): " + (screen.contains("EXIT=0") && !screen.contains("Pools (1)") ? "ok" : screen)
                )
            }
            return results
        }
        #expect(results == ["SIGINT: ok", "SIGTERM: ok"])
    }
}
