import Foundation
import MemtopTestSupport
import MemtopWorkload
import PatinoxMemory
import Testing

/// The memtop binary SwiftPM built next to this test bundle.
let memtopBinary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    .appendingPathComponent("memtop")
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A finished `memtop` run: exit status, output lines, and the resident set sampled every `sampleEvery`.
struct MemtopRun {
    var status: Int32
    var stdout: [String]
    var stderr: String
    var residentKiB: [Int]

    /// Runs memtop on a thread of its own: Foundation's `Process` and blocking pipe reads must stay off the
    /// two cooperative threads, or every other test running meanwhile stalls.
    static func run(_ arguments: [String], sampleEvery: Double = 2) async throws -> MemtopRun {
        try await onThread { try runBlocking(arguments, sampleEvery: sampleEvery) }
    }

    private static func runBlocking(_ arguments: [String], sampleEvery: Double) throws -> MemtopRun {
        let process = Process()
        process.executableURL = memtopBinary
        process.arguments = arguments
        process.currentDirectoryURL = repositoryRoot
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Drain the pipes on threads of their own while the process runs, so a full pipe never blocks it.
        // (Not on Dispatch's worker threads: blocking those starves the cooperative pool on Linux.)
        let drained = DispatchGroup()
        let outputData = DataBox()
        let errorData = DataBox()
        for (pipe, box) in [(output, outputData), (errors, errorData)] {
            drained.enter()
            Thread.detachNewThread {
                box.set(pipe.fileHandleForReading.readDataToEndOfFile())
                drained.leave()
            }
        }
        var samples: [Int] = []
        while process.isRunning {
            if let kib = residentKiB(of: process.processIdentifier) { samples.append(kib) }
            Thread.sleep(forTimeInterval: sampleEvery)
        }
        process.waitUntilExit()
        drained.wait()
        return MemtopRun(
            status: process.terminationStatus,
            stdout: String(decoding: outputData.get(), as: UTF8.self).split(separator: "\n").map(String.init),
            stderr: String(decoding: errorData.get(), as: UTF8.self),
            residentKiB: samples
        )
    }

    static func residentKiB(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
        return line.flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") }
    }
}

/// Bytes written by one thread and read by another after a `DispatchGroup` wait.
final class DataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}

@Suite("memtop snapshot runs scenarios headless")
struct ScenarioRunTests {
    static let scenarios = ["steady", "flash-sale", "flaky-backend", "cache-thrash"]

    @Test("the binary was built next to the tests")
    func binaryExists() {
        #expect(FileManager.default.isExecutableFile(atPath: memtopBinary.path), "no \(memtopBinary.path)")
    }

    /// Seed S2: sixty seconds of every scenario (all four at once), one JSON snapshot per second, memory
    /// flat once warm. Warm-up (the cache filling, the mapping's pages coming in, histograms) is the first
    /// 20 s; after it the resident set may not grow by more than 8 MiB.
    @Test(
        "a 60-second run of each scenario prints valid snapshots, goes through every phase, memory flat",
        .timeLimit(.minutes(3)),
        arguments: scenarios
    )
    func sixtySecondRun(scenario: String) async throws {
        let run = try await MemtopRun.run([
            "snapshot", "--scenario", "demo/\(scenario).toml", "--seconds", "60", "--interval", "1000", "--json",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let snapshots = try run.stdout.map { try JSONDecoder().decode(EngineSnapshot.self, from: Data($0.utf8)) }
        #expect(snapshots.count >= 55, "one snapshot a second")
        let phases = try Scenario.load(path: repositoryRoot.appendingPathComponent("demo/\(scenario).toml").path)
            .phases.map(\.name)
        let announced = Set(snapshots.flatMap(\.events).filter { $0.kind == "phase" }.map(\.message))
        for phase in phases {
            #expect(announced.contains { $0.hasPrefix("phase '\(phase)'") }, "phase \(phase) never ran")
        }
        let last = try #require(snapshots.last)
        #expect(last.caches.allSatisfy { $0.count <= ($0.maximumCount ?? .max) })
        #expect(last.events.count <= 256)
        let warm = run.residentKiB.dropFirst(10)  // samples every 2 s: from 20 s on
        let growth = (warm.max() ?? 0) - (warm.first ?? 0)
        let (start, end) = (run.residentKiB.first ?? 0, run.residentKiB.last ?? 0)
        print("\(scenario): resident \(start) → \(end) KiB, +\(growth) after warm-up")
        #expect(warm.count >= 15 && growth < 8_192, "resident set grew \(growth) KiB after warm-up: \(run.residentKiB)")
    }

    @Test("a bad scenario file stops memtop with the file, line and field, and a non-zero status")
    func badScenarioFile() async throws {
        let file = temporaryURL("bad.toml")
        try "name = \"bad\"\n[[phase]]\nduration_seconds = 2\nrate = \"lots\"\nconcurrency = 1\n"
            .write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try await MemtopRun.run(["snapshot", "--scenario", file.path, "--json"])
        #expect(run.status != 0)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("\(file.path):4") && run.stderr.contains("phase[0].rate"), "\(run.stderr)")
    }
}
