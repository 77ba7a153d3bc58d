import Foundation
import MemtopTestSupport
import Testing

/// What /proc says about a process: its resident memory now and at its peak, and the CPU time it has used.
struct ProcessSample {
    var residentBytes = 0
    var peakResidentBytes = 0
    /// User plus system time, in seconds.
    var cpuSeconds = 0.0

    /// Reads /proc/PID/status (VmRSS, VmHWM) and /proc/PID/stat (utime, stime); nil once the process is gone.
    init?(pid: pid_t) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let nameEnd = stat.lastIndex(of: ")")
        else { return nil }
        func kilobytes(_ field: String) -> Int {
            let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
            return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
        }
        residentBytes = kilobytes("VmRSS")
        peakResidentBytes = kilobytes("VmHWM")
        // After "pid (name)": state is field 3, utime and stime fields 14 and 15.
        let fields = stat[stat.index(after: nameEnd)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        cpuSeconds = (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The share of one core `pid` uses over the next `seconds`.
    static func cpuShare(pid: pid_t, over seconds: Double) -> Double? {
        guard let before = ProcessSample(pid: pid) else { return nil }
        Thread.sleep(forTimeInterval: seconds)
        guard let after = ProcessSample(pid: pid) else { return nil }
        return (after.cpuSeconds - before.cpuSeconds) / seconds
    }
}

/// Issue #15's flood, measured on the real viewer: `memtop attach --discover snapshots` in a terminal while another
/// process (nats-py) publishes 300,000 one-byte messages on distinct engine subjects. (A flood of valid summaries,
/// what the default discovery lists engines by, meets the same roster bound: FloodTests.)
@Suite(
    "memtop attach under a flood of engine names (tmux × nats-server × nats-py)",
    .serialized,
    .requires(.tmux),
    .requires(.natsServer),
    .requires(.natsPy)
)
struct ViewerFloodTests {
    /// What the flood may add to the viewer's resident memory, at its peak.
    static let memoryBound = 64 << 20

    /// The header's "N engine name(s) dropped" count (0 when it shows none).
    static func droppedNames(_ screen: String) -> Int {
        guard let range = screen.range(of: " engine name(s) dropped") else { return 0 }
        return Int(screen[..<range.lowerBound].split(separator: " ").last ?? "") ?? 0
    }

    @Test(
        "300,000 engine names: peak RSS within 64 MiB of idle, CPU idle again 2 s after the flood, keys still work",
        .timeLimit(.minutes(2))
    )
    func viewerUnderFlood() async throws {
        try TestRequirement.natsPy.require()
        let server = try await NATSServerProcess()
        let flood = repositoryRoot.appendingPathComponent("Tests/MemtopFeedTests/Interop/flood.py").path
        let url = server.url
        let report = try await onThread { () throws -> [String] in
            let tmux = Tmux()
            defer { _ = try? tmux.run(["kill-server"]) }
            let command =
                "LANG=C.UTF-8 TERM=xterm-256color exec \(memtopBinary.path) attach \(url) --engine shop "
                + "--discover snapshots --refresh 250"
            try tmux.run(["new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", command])
            let paneID = try tmux.run(["display-message", "-p", "-t", "e2e", "#{pane_pid}"])
            let pid = try #require(pid_t(paneID.trimmingCharacters(in: .whitespacesAndNewlines)))
            // No engine "shop" publishes: the viewer waits on an empty screen, as it would for a quiet engine.
            var screen = try tmux.waitFor { $0.contains("memtop · remote") && $0.contains("Pools (0)") }
            #expect(screen.contains("Pools (0)"), "\(screen)")
            Thread.sleep(forTimeInterval: 2)
            let idle = try #require(ProcessSample(pid: pid))
            let idleShare = try #require(ProcessSample.cpuShare(pid: pid, over: 2))

            #expect(waitForExit(try spawn(["/usr/bin/env", "python3", flood, url, "300000", "snapshots"])) == 0)
            let floodSent = Date()
            // The flood is over for the viewer once it has read all of it: the header's count of dropped names
            // stops moving (a loaded server may drop part of the flood to a slow reader, so not exactly 290,000).
            var dropped = (count: 0, since: Date())
            while dropped.count == 0 || Date().timeIntervalSince(dropped.since) < 1,
                Date().timeIntervalSince(floodSent) < 30
            {
                Thread.sleep(forTimeInterval: 0.25)
                let count = Self.droppedNames(try tmux.capture())
                if count != dropped.count { dropped = (count, Date()) }
            }
            let readIn = dropped.since.timeIntervalSince(floodSent)
            #expect(dropped.count >= 250_000, "the header counts \(dropped.count) names dropped")
            Thread.sleep(forTimeInterval: 2)
            let afterShare = try #require(ProcessSample.cpuShare(pid: pid, over: 2))
            let after = try #require(ProcessSample(pid: pid))
            let added = after.peakResidentBytes - idle.residentBytes
            #expect(added <= Self.memoryBound, "peak RSS \(after.peakResidentBytes) B, idle \(idle.residentBytes) B")
            // Idle means what the viewer used before the flood, give or take a loaded CI machine's noise.
            #expect(afterShare <= max(0.15, idleShare * 2 + 0.05), "CPU \(afterShare) of a core, idle \(idleShare)")

            try tmux.keys("e")  // the engine picker lists the names kept, drawn from the roster
            screen = try tmux.waitFor { $0.contains("e2") }
            #expect(screen.contains("e2"), "the picker: \(screen)")
            try tmux.keys("Escape", "q")
            let quitBy = Date().addingTimeInterval(10)
            while ProcessSample(pid: pid) != nil && Date() < quitBy { Thread.sleep(forTimeInterval: 0.1) }
            #expect(ProcessSample(pid: pid) == nil, "the viewer did not quit on q after the flood")
            let mebibyte = Double(1 << 20)
            return [
                String(
                    format:
                        "idle RSS %.1f MiB, peak %.1f MiB (+%.1f), now %.1f MiB; read %d dropped names %.1f s after "
                        + "the flood was sent; CPU idle %.1f %%, 2 s after %.1f %%",
                    Double(idle.residentBytes) / mebibyte,
                    Double(after.peakResidentBytes) / mebibyte,
                    Double(added) / mebibyte,
                    Double(after.residentBytes) / mebibyte,
                    dropped.count,
                    readIn,
                    idleShare * 100,
                    afterShare * 100
                )
            ]
        }
        print("viewer under a 300,000-name flood: \(report.joined(separator: "; "))")
        server.stop()
    }
}
