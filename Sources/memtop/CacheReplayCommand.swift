import ArgumentParser
import Foundation
import PatinoxMemory

/// `memtop cache-replay TRACE --capacity N`: hit ratio per policy, to pick a policy and size before deploying.
struct CacheReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache-replay",
        abstract: "Replay a cache trace and print the hit ratio of each policy.",
        discussion: """
            TRACE is a file of requested keys (gzip-compressed files are read too): with --format lirs, \
            one integer key per line (blank lines and `*` lines are skipped); with --format arc, lines \
            `start count …` meaning `count` consecutive keys from `start`. Each policy replays the trace \
            through one cache shard, so the policy order is exact.
            """
    )

    @Argument(help: "The trace file (.gz allowed).")
    var trace: String

    @Option(help: "Cache capacity in entries.")
    var capacity: Int

    @Option(help: "lru, sieve, wtinylfu or all.")
    var policy: String = "all"

    @Option(help: "lirs or arc.")
    var format: TraceFormat = .lirs

    @Option(
        help:
            "W-TinyLFU window: shadow (miniature simulations), hill (Caffeine's hill climber) or a fraction, e.g. 0.01."
    )
    var window: String = "shadow"

    @Flag(help: "Print one JSON object per policy instead of a table.")
    var json = false

    @Flag(
        help:
            "Also keep the live sizing curve at --capacity and print it beside exact replays at ¼×, ½×, 1×, 2× and 4×."
    )
    var curve = false

    func validate() throws {
        guard capacity >= 1 else { throw ValidationError("--capacity must be at least 1 (got \(capacity)).") }
        guard adaptation != nil else {
            throw ValidationError("--window must be shadow, hill or a fraction in (0, 1) (got '\(window)').")
        }
        guard policy == "all" || CachePolicy(rawValue: policy) != nil else {
            throw ValidationError("--policy must be lru, sieve, wtinylfu or all (got '\(policy)').")
        }
    }

    var adaptation: WindowAdaptation? {
        switch window {
        case "shadow": return .shadowSimulation
        case "hill": return .hillClimbing
        default: return Double(window).flatMap { $0 > 0 && $0 < 1 ? .fixed($0) : nil }
        }
    }

    func run() throws {
        let keys = try CacheTrace.parse(TraceFile.read(trace), format: format, file: trace)
        // validate() checked both: "all" is the only policy name that is not a CachePolicy.
        let policies = CachePolicy(rawValue: policy).map { [$0] } ?? CachePolicy.allCases
        let adaptation = adaptation ?? .shadowSimulation
        if curve {
            print("trace \(trace): sizing curve at capacity \(capacity) against exact replays (hit ratio %)")
            print("policy     sampled  capacity  exact    curve    gap (pt)")
            for policy in policies {
                let comparison = try CacheReplay.sizingComparison(keys, capacity: capacity, policy: policy)
                for point in comparison.points {
                    let cells = [
                        policy.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0),
                        "1/\(comparison.sampleRate)".padding(toLength: 8, withPad: " ", startingAt: 0),
                        String(point.capacity).padding(toLength: 9, withPad: " ", startingAt: 0),
                        (point.exact * 100).decimalText(places: 2).padding(toLength: 8, withPad: " ", startingAt: 0),
                        (point.sampled * 100).decimalText(places: 2).padding(toLength: 8, withPad: " ", startingAt: 0),
                        point.gap.decimalText(places: 2),
                    ]
                    print(cells.joined(separator: " "))
                }
            }
            return
        }
        let results = policies.map { CacheReplay.run(keys, capacity: capacity, policy: $0, adaptation: adaptation) }
        if json {
            for result in results { print(result.json) }
        } else {
            print("trace \(trace): \(keys.count) requests, \(Set(keys).count) distinct keys, capacity \(capacity)")
            print("policy     hits        hit ratio")
            for result in results {
                let name = result.policy.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                let hits = String(result.hits).padding(toLength: 11, withPad: " ", startingAt: 0)
                print("\(name) \(hits) \(result.hitRatio.percentText)")
            }
        }
    }
}

extension TraceFormat: ExpressibleByArgument {}

/// Reads a trace file, decompressing `.gz` files with the system's gzip, up to ``maximumBytes``.
enum TraceFile {
    /// The longest trace read, decompressed: 2 GiB, about 10⁸ LIRS keys, near `CacheTrace.maximumKeys`. A
    /// larger file, or a small gzip file that expands past it (a "zip bomb"), is an error, not a process that
    /// holds all of it in memory.
    static let maximumBytes = 1 << 31

    /// The bytes of the trace at `path`, decompressed when it ends in `.gz`.
    /// - Parameter limit: the most bytes read (``maximumBytes``; smaller in tests). Past it — a large file, a
    ///   gzip bomb, a device such as /dev/zero that never ends — reading stops with an error that says so.
    static func read(_ path: String, limit: Int = maximumBytes) throws(PatinoxError) -> [UInt8] {
        func failure(_ message: String, _ hint: String) -> PatinoxError {
            .invalidInput(.cache, name: path, operation: "read trace", message: message, hint: hint)
        }
        guard FileManager.default.isReadableFile(atPath: path), let file = FileHandle(forReadingAtPath: path) else {
            throw failure("cannot read '\(path)': no such file, or no permission.", "pass the path of a trace file.")
        }
        defer { try? file.close() }
        let compressed = path.hasSuffix(".gz")
        let tooLarge = failure(
            "'\(path)' holds more than \(limit) bytes\(compressed ? " decompressed" : "").",
            "replay a part of it (head -n LINES), or split it."
        )
        /// All of `handle`'s bytes, or nil past `limit`.
        func readAll(_ handle: FileHandle) throws(PatinoxError) -> [UInt8]? {
            var data: [UInt8] = []
            do {
                while let chunk = try handle.read(upToCount: min(1 << 20, limit + 1)), !chunk.isEmpty {
                    guard chunk.count <= limit - data.count else { return nil }
                    data += chunk
                }
            } catch {
                throw failure("reading '\(path)' failed: \(error)", "check the file and the disk.")
            }
            return data
        }
        guard compressed else {
            guard let data = try readAll(file) else { throw tooLarge }
            return data
        }
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-dc"]
        gzip.standardInput = file
        let output = Pipe()
        gzip.standardOutput = output
        gzip.standardError = FileHandle.nullDevice
        do {
            try gzip.run()
        } catch {
            throw failure("cannot start /bin/gzip to decompress '\(path)': \(error)", "install gzip, or gunzip it.")
        }
        /// Stops gzip, blocked writing what nobody reads: SIGKILL, since a process whose signal mask blocks SIGTERM
        /// (memtop's signal handling does) hands the mask down to its children.
        func stop() {
            kill(gzip.processIdentifier, SIGKILL)
            gzip.waitUntilExit()
        }
        let data: [UInt8]?
        do throws(PatinoxError) {
            data = try readAll(output.fileHandleForReading)
        } catch {
            stop()
            throw error
        }
        guard let data else {
            stop()
            throw tooLarge
        }
        gzip.waitUntilExit()
        guard gzip.terminationStatus == 0 else {
            throw failure(
                "'\(path)' is not a valid gzip file (gzip exited with \(gzip.terminationStatus)).",
                "decompress it by hand, or pass the uncompressed file."
            )
        }
        return data
    }
}
