import Foundation
import MemtopTestSupport
import PatinoxMemory
import Testing

@testable import memtop

/// `memtop cache-replay`'s reading of trace files (issue #15): a file, a gzip file, and what must stop at the
/// limit with an error that says so instead of filling memory. The tests block on gzip and reads, so each runs
/// on a thread of its own (`onThread`), never on one of the two cooperative threads the other suites share.
@Suite("cache-replay trace files", .timeLimit(.minutes(1)))
struct TraceFileTests {
    /// Runs `script` with bash; fails the test unless it exits 0.
    func shell(_ script: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(script)")
    }

    /// The message of the error `read` throws, or nil when it returns.
    func readError(_ path: String, limit: Int) -> String? {
        do throws(PatinoxError) {
            _ = try TraceFile.read(path, limit: limit)
            return nil
        } catch {
            #expect(error.code == .invalidInput)
            return error.message
        }
    }

    @Test("a plain and a gzip trace read to the same bytes, the repository's traces included")
    func plainAndCompressed() async throws { try await onThread { try Self().plainAndCompressedBody() } }

    func plainAndCompressedBody() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let text = (1...1_000).map { "\($0 % 37)" }.joined(separator: "\n") + "\n"
        try text.write(toFile: "\(folder.path)/keys.trace", atomically: true, encoding: .utf8)
        try shell("gzip -k '\(folder.path)/keys.trace'")
        #expect(try TraceFile.read("\(folder.path)/keys.trace") == Array(text.utf8))
        #expect(try TraceFile.read("\(folder.path)/keys.trace.gz") == Array(text.utf8))
        #expect(try TraceFile.read("\(folder.path)/keys.trace", limit: text.utf8.count) == Array(text.utf8))
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/traces/loop.trace.gz").path
        let keys = try CacheTrace.parse(TraceFile.read(fixture), format: .lirs, file: fixture)
        #expect(keys.count > 1_000)
    }

    @Test("a gzip bomb stops at the limit, decompressed, with an error naming it; gzip does not linger")
    func gzipBomb() async throws { try await onThread { try Self().gzipBombBody() } }

    func gzipBombBody() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let bomb = "\(folder.path)/bomb.trace.gz"
        try shell("head -c 16M /dev/zero | gzip > '\(bomb)'")  // 16 MiB in about 16 KB
        let size = try #require(try FileManager.default.attributesOfItem(atPath: bomb)[.size] as? Int)
        #expect(size < 1 << 16)
        let message = try #require(readError(bomb, limit: 1 << 20))
        #expect(message.contains("more than 1048576 bytes decompressed"), "\(message)")
        // One byte past the limit is past it; the limit itself is not.
        try shell("head -c 1000 /dev/zero | gzip > '\(folder.path)/small.gz'")
        #expect(readError("\(folder.path)/small.gz", limit: 999) != nil)
        #expect(try TraceFile.read("\(folder.path)/small.gz", limit: 1_000).count == 1_000)
    }

    @Test("a device that never ends, a missing file and a file that is not gzip are errors, not hangs")
    func badFiles() async throws { try await onThread { try Self().badFilesBody() } }

    func badFilesBody() throws {
        let endless = try #require(readError("/dev/zero", limit: 1 << 20))
        #expect(endless.contains("more than 1048576 bytes"), "\(endless)")
        let missing = try #require(readError("/nonexistent/trace.lis", limit: 1 << 20))
        #expect(missing.contains("cannot read '/nonexistent/trace.lis'"), "\(missing)")
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try "1\n2\n3\n".write(toFile: "\(folder.path)/plain.gz", atomically: true, encoding: .utf8)
        let notGzip = try #require(readError("\(folder.path)/plain.gz", limit: 1 << 20))
        #expect(notGzip.contains("not a valid gzip file"), "\(notGzip)")
    }
}
