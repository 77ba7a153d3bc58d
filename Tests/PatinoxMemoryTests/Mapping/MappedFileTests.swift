import Foundation
import MemtopTestSupport
import NIOConcurrencyHelpers
import Testing

@testable import PatinoxMemory

#if canImport(Glibc)
    import Glibc
#endif

func residentBytes() -> Int {
    let descriptor = open("/proc/self/statm", O_RDONLY)
    defer { close(descriptor) }
    var buffer = [UInt8](repeating: 0, count: 128)
    let read = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, 127) }
    let fields = String(decoding: buffer.prefix(max(read, 0)), as: UTF8.self).split(separator: " ")
    return (Int(fields[1]) ?? 0) * Int(getpagesize())
}

/// How many of this process's descriptors point into `folder` (other tests running in parallel open
/// sockets and files of their own, so the whole count would not be stable).
func openDescriptorCount(into folder: String) -> Int {
    guard let directory = opendir("/proc/self/fd") else { return -1 }
    defer { closedir(directory) }
    var count = 0
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        var target = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/fd/\(name)", &target, target.count - 1)
        if length > 0,
            String(decoding: target.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self).hasPrefix(folder)
        {
            count += 1
        }
    }
    return count
}

@Suite("MappedFile on real files", .serialized)
struct MappedFileTests {
    @Test("a 1 GiB sparse file is read at scattered offsets with resident memory staying flat")
    func sparseGigabyte() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.file("sparse", bytes: 1 << 30)
        let before = residentBytes()
        let mapping = try MappedFile<UInt64>(path: path)
        try mapping.advise(.random)  // scattered reads: no read-ahead around each fault
        #expect(mapping.count == (1 << 30) / 8)
        var rng = SplitMix64(seed: 1)
        for _ in 0..<2_000 {
            #expect(try mapping.element(at: Int(rng.next() % UInt64(mapping.count))) == 0)
        }
        let grown = residentBytes() - before
        #expect(grown < 64 << 20, "resident memory grew by \(grown >> 20) MiB for 2,000 scattered reads")
        let residency = try mapping.residency()
        #expect(residency.resident.count == (1 << 30) / Int(getpagesize()))
        #expect(residency.residentPages <= 2_000 + 64)
    }

    @Test("a read-write mapping persists across sync and reopen")
    func persistence() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.file("data", bytes: 4096 * 4)
        do {
            let mapping = try MappedFile<Int32>(path: path, mode: .readWrite)
            for index in stride(from: 0, to: mapping.count, by: 97) { try mapping.setElement(Int32(index), at: index) }
            try mapping.sync()
            try mapping.advise(.sequential)
            mapping.close()
        }
        let reopened = try MappedFile<Int32>(path: path)
        for index in stride(from: 0, to: reopened.count, by: 97) {
            #expect(try reopened.element(at: index) == Int32(index))
        }
        #expect(try reopened.elements(0..<2) == [0, 0])
        #expect(try reopened.withElements(97..<98) { $0[0] } == 97)
    }

    @Test("every accessor is bounds-checked and says the index and count")
    func outOfBounds() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.file("small", bytes: 80)
        let mapping = try MappedFile<UInt64>(path: path, mode: .readWrite)
        func expectOut(_ body: () throws -> Void) {
            #expect {
                try body()
            } throws: { error in
                let error = error as! PatinoxError
                return error.code == .mappingFailed && error.message.contains("holds 10 element(s)")
            }
        }
        expectOut { _ = try mapping.element(at: 10) }
        expectOut { _ = try mapping.element(at: -1) }
        expectOut { try mapping.setElement(1, at: 10) }
        expectOut { _ = try mapping.elements(5..<11) }
        expectOut { _ = try mapping.withElements(9..<12) { $0.count } }
        #expect(throws: PatinoxError.self) { try MappedFile<UInt64>(path: path, elementCount: 11) }
        #expect {
            try MappedFile<UInt8>(path: folder.path + "/missing")
        } throws: { error in
            let error = error as! PatinoxError
            return error.message.contains("No such file") && error.context.operation == "open"
        }
        let readOnly = try MappedFile<UInt64>(path: path)
        #expect(throws: PatinoxError.self) { try readOnly.setElement(1, at: 0) }
        mapping.close()
        #expect(throws: PatinoxError.self) { _ = try mapping.element(at: 0) }
    }

    @Test("a file truncated by someone else raises an error instead of SIGBUS (checkSize and copyReads)")
    func truncatedFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for safety in [MappedFile<UInt64>.Safety.checkSize, .copyReads] {
            let path = try folder.file("shrinking", bytes: 1 << 20)
            let mapping = try MappedFile<UInt64>(path: path, safety: safety)
            #expect(try mapping.element(at: 100_000) == 0)
            truncate(path, 4096)  // another "process" shrinks the file
            #expect(try mapping.element(at: 10) == 0, "still inside the file")
            #expect {
                _ = try mapping.element(at: 100_000)
            } throws: { error in
                (error as? PatinoxError)?.message.contains("truncated") == true
            }
        }
    }

    @Test("10,000 map/unmap cycles leave the open file count unchanged and are all counted")
    func noDescriptorLeak() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.file("cycle", bytes: 8192)
        let registry = CleanupRegistry(name: "mappings")
        let before = openDescriptorCount(into: folder.path)
        for index in 0..<10_000 {
            let mapping = try MappedFile<UInt8>(path: path, registry: registry)
            if index % 2 == 0 { mapping.close() }  // the others unmap on deinit
        }
        #expect(openDescriptorCount(into: folder.path) == before)
        #expect(before == 0)
        let status = registry.status()
        #expect(status.created == 10_000 && status.cleaned == 10_000 && status.active == 0)
    }
}

@Suite("MappedFile: anonymous shared memory")
struct AnonymousMappingTests {
    @Test("a memfd mapping is writable, sized exactly, and sealed against shrinking")
    func sealedMemfd() throws {
        let registry = CleanupRegistry(name: "memfd")
        let mapping = try MappedFile<UInt32>.anonymous(name: "ring", count: 10_000, registry: registry)
        #expect(mapping.count == 10_000)
        try mapping.setElement(42, at: 9_999)
        #expect(try mapping.element(at: 9_999) == 42)
        #expect(ftruncate(mapping.sharedDescriptor, 0) != 0, "the seal refuses to shrink the memory")
        #expect(errno == EPERM)
        #expect(try mapping.element(at: 9_999) == 42)
        let monitor = RecordingMonitor()
        try mapping.report(to: monitor)
        let sample = try #require(monitor.samples.withLockedValue { $0.first })
        #expect(sample.source == ComponentID(kind: .mappedFile, name: "memfd:ring"))
        #expect(sample.gauges.contains { $0.name == "mapping_resident_pages" && $0.value >= 1 })
        mapping.close()
        #expect(registry.status().cleaned == 1)
    }
}

@Suite("MappedFile: close racing the engine's calls")
struct MappedFileConcurrencyTests {
    @Test("residency, advise and dropResidentPages racing close() either work or say the mapping was closed")
    func closeRacesKernelCalls() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.file("raced", bytes: 64 * Int(getpagesize()))
        let registry = CleanupRegistry(name: "raced")
        let rounds = 300
        let otherErrors = NIOLockedValueBox<[String]>([])
        for round in 0..<rounds {
            let mapping = try MappedFile<UInt8>(path: path, mode: .readWrite, registry: registry)
            let done = DispatchGroup()
            // The engine's side: snapshot residency and a remote drop-pages command, until the mapping is gone.
            DispatchQueue.global().async(group: done) {
                while true {
                    do throws(PatinoxError) {
                        _ = try mapping.residency()
                        try mapping.dropResidentPages()
                        try mapping.advise(.willNeed)
                    } catch {
                        if !error.message.contains("the mapping was closed") {
                            otherErrors.withLockedValue { $0.append(error.description) }
                        }
                        return
                    }
                }
            }
            usleep(UInt32(round % 7) * 20)
            mapping.close()
            done.wait()
        }
        #expect(otherErrors.withLockedValue { $0 } == [], "a call used the mapping after close()")
        let status = registry.status()
        #expect(status.created == rounds && status.cleaned == rounds && status.failed == 0)
    }
}
