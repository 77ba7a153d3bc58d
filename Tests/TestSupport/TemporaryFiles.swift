import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A location in the temporary directory no other test uses: `temporaryURL("replay.ndjson")`.
public func temporaryURL(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("memtop-\(UUID().uuidString.prefix(8))-\(name)")
}

/// ``temporaryURL(_:)`` as a path.
public func temporaryPath(_ name: String) -> String { temporaryURL(name).path }

/// A temporary folder, removed by ``remove()`` at the end of the test.
public struct TemporaryFolder: Sendable {
    public let path: String

    /// Creates the folder (or fails the test's `try`).
    public init() throws {
        path = temporaryPath("folder")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A file of `bytes` zero bytes in the folder; its path.
    public func file(_ name: String, bytes: Int) throws -> String {
        let file = "\(path)/\(name)"
        guard FileManager.default.createFile(atPath: file, contents: nil), truncate(file, off_t(bytes)) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file])
        }
        return file
    }

    /// Not `system("rm -rf …")`: system() ignores SIGINT in the whole process while it runs, which made the
    /// signal tests in this process lose a signal.
    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
