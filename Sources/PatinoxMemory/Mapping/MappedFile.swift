import CPatinoxShims
import Logging
import NIOConcurrencyHelpers
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file (or a range of it) mapped into memory as a typed array of `Element`s.
///
/// Every accessor is bounds-checked and throws ``PatinoxError`` (``PatinoxError/Code/mappingFailed``)
/// with the index and count. The mapping is removed by ``close()`` or, at the latest, on `deinit`; each
/// mapping is counted by a ``CleanupRegistry``.
///
/// **Truncated files.** If another process shortens a mapped file, touching the pages past the new end
/// raises SIGBUS, which kills the process (Foundation's mapped `Data` dies the same way). Choose the
/// ``Safety`` that fits the file: `.ownFile` (no checks — the program owns the file), `.checkSize`
/// (the default: one `fstat` before each access, which turns a truncation into a thrown error), or
/// `.copyReads` (reads use `pread` into memory and never touch the mapping).
///
/// **Threads.** `residency()`, `advise(_:)`, `sync()` and `dropResidentPages()` may be called from any thread
/// while another closes the mapping: they either finish before the unmap or throw "the mapping was closed".
/// Element reads and writes are not synchronised (like a buffer pointer's) and must not race ``close()``.
///
/// Windows is not supported here (`#if os(Windows)` reports it); Linux and macOS are.
public final class MappedFile<Element: BitwiseCopyable>: @unchecked Sendable {
    // @unchecked: the mapping is shared memory; the class does not synchronise element reads and writes
    // (like an UnsafeMutableBufferPointer). Its own state is: `closed` is atomic, and `lifecycle` serialises
    // close() with the calls that hand the whole mapping to the kernel (residency, advise, sync, drop pages),
    // which the engine's snapshot thread and a remote `dropResidentPages` command make while the owner may
    // close. Element accesses check `closed` but do not lock: like a buffer pointer's, they must not race
    // close() (the owner's contract; the fast path stays a load and a bounds check).

    /// How the mapping may be used.
    public enum Mode: Sendable {
        /// Reads only; writes throw.
        case readOnly
        /// Reads and writes; ``sync()`` flushes writes to the file.
        case readWrite
    }

    /// How accesses protect against a file that another process truncates.
    public enum Safety: Sendable {
        /// No checks: the program owns the file and nothing else truncates it. Fastest; a truncation by
        /// another process raises SIGBUS and kills the process.
        case ownFile
        /// One `fstat` before each access: a truncated file throws instead of crashing (the default).
        /// A truncation racing between the check and the access can still raise SIGBUS.
        case checkSize
        /// Reads use `pread` into memory and never touch the mapping: safe against any truncation,
        /// at the cost of a copy per read.
        case copyReads
    }

    /// Access-pattern hints for the kernel.
    public enum Advice: Sendable {
        /// No special treatment (`MADV_NORMAL`).
        case normal
        /// Read ahead aggressively, drop pages soon after (`MADV_SEQUENTIAL`).
        case sequential
        /// Do not read ahead (`MADV_RANDOM`).
        case random
        /// Start reading the pages in now (`MADV_WILLNEED`).
        case willNeed
        /// The pages may be dropped; private writes to them are lost (`MADV_DONTNEED`).
        case dontNeed
    }

    /// The mapped file's path.
    public let path: String
    /// Whether the mapping is read-only or writable.
    public let mode: Mode
    /// How accesses are protected against truncation by other processes.
    public let safety: Safety
    /// Where the mapping starts in the file, in bytes.
    public let fileOffset: Int
    /// How many elements the mapping holds.
    public let count: Int
    private let descriptor: Int32
    private let base: UnsafeMutableRawPointer
    private let mappedBytes: Int
    private let registry: CleanupRegistry
    /// Set once, by close() or deinit, under `lifecycle`.
    private let closed = Atomic<Bool>(false)
    /// Held by close() and by every call that passes the whole mapping to the kernel.
    private let lifecycle = NIOLock()

    /// Maps `elementCount` elements (all that fit when `nil`) starting `elementOffset` elements into the file.
    /// `elementOffset × stride` must be a multiple of the page size.
    public convenience init(
        path: String,
        mode: Mode = .readOnly,
        safety: Safety = .checkSize,
        elementOffset: Int = 0,
        elementCount: Int? = nil,
        registry: CleanupRegistry = .shared
    ) throws(PatinoxError) {
        #if os(Windows)
            throw PatinoxError(
                code: .mappingFailed,
                context: ErrorContext(component: .mappedFile, name: path, operation: "map"),
                message: "MappedFile is not implemented on Windows.",
                recovery: .reconfigure(hint: "read the file with FileHandle instead.")
            )
        #else
            let descriptor = open(path, (mode == .readOnly ? O_RDONLY : O_RDWR) | O_CLOEXEC)
            guard descriptor >= 0 else { throw .mapping("open", path: path, errno: errno) }
            try self.init(
                descriptor: descriptor,
                label: path,
                mode: mode,
                safety: safety,
                elementOffset: elementOffset,
                elementCount: elementCount,
                registry: registry
            )
        #endif
    }

    /// Maps an open descriptor, which the mapping then owns (it is closed on failure too).
    private init(
        descriptor: Int32,
        label path: String,
        mode: Mode,
        safety: Safety,
        elementOffset: Int,
        elementCount: Int?,
        registry: CleanupRegistry
    ) throws(PatinoxError) {
        let stride = MemoryLayout<Element>.stride
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure("fstat", path: path, closing: descriptor) }
        let size = Int(info.st_size)
        // The offset in bytes is checked before it is used: `elementOffset * stride` overflows for a huge offset.
        let (offset, offsetOverflow) = elementOffset.multipliedReportingOverflow(by: stride)
        let fits = !offsetOverflow && elementOffset >= 0 && offset <= size
        let available = fits ? (size - offset) / stride : 0
        let count = elementCount ?? available
        guard fits, count >= 0, count <= available, offset % Int(getpagesize()) == 0 else {
            closeDescriptor(descriptor)
            throw PatinoxError(
                code: .mappingFailed,
                context: ErrorContext(component: .mappedFile, name: path, operation: "map"),
                message: "\(count) element(s) from element \(elementOffset) do not fit the file's "
                    + "\(size / stride) element(s), or that start is not page-aligned.",
                recovery: .reconfigure(hint: "map a range inside the file, starting at a multiple of the page size.")
            )
        }
        let bytes = max(count * stride, 1)
        let protection = mode == .readOnly ? PROT_READ : PROT_READ | PROT_WRITE
        // SAFETY: a fresh mapping of `bytes` bytes of an open descriptor; checked against MAP_FAILED.
        let address = mmap(nil, bytes, protection, MAP_SHARED, descriptor, off_t(offset))
        guard let address, address != MAP_FAILED else { throw failure("mmap", path: path, closing: descriptor) }
        self.path = path
        self.mode = mode
        self.safety = safety
        self.fileOffset = offset
        self.count = count
        self.descriptor = descriptor
        self.base = address
        self.mappedBytes = bytes
        self.registry = registry
        registry.guardCreated()
    }

    #if os(Linux)
        /// Anonymous shared memory for `count` elements: a `memfd` (no file on disk) sealed against
        /// shrinking, so nobody — not even another process it is passed to — can truncate it under the
        /// mapping, and accesses need no size checks.
        public static func anonymous(
            name: String,
            count: Int,
            registry: CleanupRegistry = .shared
        ) throws(PatinoxError) -> MappedFile {
            let label = "memfd:\(name)"
            let (bytes, overflow) = max(count, 0).multipliedReportingOverflow(by: MemoryLayout<Element>.stride)
            guard !overflow else {
                throw PatinoxError(
                    code: .mappingFailed,
                    context: ErrorContext(component: .mappedFile, name: label, operation: "map"),
                    message: "\(count) element(s) of \(MemoryLayout<Element>.stride) bytes are more bytes than an Int "
                        + "holds.",
                    recovery: .reconfigure(hint: "map fewer elements.")
                )
            }
            let descriptor = patinox_memfd_create(name)
            guard descriptor >= 0 else { throw .mapping("memfd_create", path: label, errno: errno) }
            guard ftruncate(descriptor, off_t(bytes)) == 0 else {
                throw failure("ftruncate", path: label, closing: descriptor)
            }
            guard patinox_memfd_seal_shrink(descriptor) == 0 else {
                throw failure("fcntl(F_ADD_SEALS)", path: label, closing: descriptor)
            }
            return try MappedFile(
                descriptor: descriptor,
                label: label,
                mode: .readWrite,
                safety: .ownFile,
                elementOffset: 0,
                elementCount: count,
                registry: registry
            )
        }

        /// The descriptor of an anonymous mapping, to pass to another process (it stays owned here).
        public var sharedDescriptor: Int32 { descriptor }
    #endif

    deinit { unmap() }

    /// Unmaps and closes the file now; later accesses throw.
    public func close() { unmap() }

    private func unmap() {
        let start = registry.clock.now()
        // The registry hears of it after the lock: its monitor and logger are not run while close() blocks
        // residency/advise/sync callers.
        let failure: PatinoxError?
        do {
            lifecycle.lock()
            defer { lifecycle.unlock() }
            guard !closed.load(ordering: .acquiring) else { return }
            closed.store(true, ordering: .releasing)
            // SAFETY: `base`/`mappedBytes` are exactly what mmap returned, unmapped once (`closed`, set under
            // `lifecycle`, guards it), and no residency/advise/sync call is using them (they hold `lifecycle`).
            if munmap(base, mappedBytes) != 0 {
                failure = .mapping("munmap", path: path, errno: errno)
                _ = closeDescriptor(descriptor)
            } else {
                failure = closeDescriptor(descriptor) == 0 ? nil : .mapping("close", path: path, errno: errno)
            }
        }
        registry.cleanupStarted(inBackground: false)
        registry.cleanupFinished(failure.map { .failure($0) } ?? .success(0), inBackground: false, since: start)
    }

    // MARK: - Access

    /// The element at `index`.
    public func element(at index: Int) throws(PatinoxError) -> Element {
        try check(index, 1, "read")
        if safety == .copyReads {
            var value = try readCopy(index, 1)
            return value.removeFirst()
        }
        // SAFETY: index is inside the mapping (checked above) and the file still covers it.
        return base.loadUnaligned(fromByteOffset: index * MemoryLayout<Element>.stride, as: Element.self)
    }

    /// Writes `value` at `index` (read-write mappings only).
    public func setElement(_ value: Element, at index: Int) throws(PatinoxError) {
        try check(index, 1, "write")
        guard mode == .readWrite else { throw readOnly("write") }
        // SAFETY: index is inside a writable mapping (checked above).
        base.storeBytes(of: value, toByteOffset: index * MemoryLayout<Element>.stride, as: Element.self)
    }

    /// The elements in `range`, copied out.
    public func elements(_ range: Range<Int>) throws(PatinoxError) -> [Element] {
        guard !range.isEmpty else { return [] }
        try check(range.lowerBound, range.count, "read")
        if safety == .copyReads { return try readCopy(range.lowerBound, range.count) }
        // SAFETY: the whole range is inside the mapping (checked above).
        let start = base.advanced(by: range.lowerBound * MemoryLayout<Element>.stride)
        return Array(UnsafeBufferPointer(start: start.assumingMemoryBound(to: Element.self), count: range.count))
    }

    /// Calls `body` with the mapped elements in `range` (no copy; do not keep the buffer).
    public func withElements<Result>(
        _ range: Range<Int>,
        _ body: (UnsafeBufferPointer<Element>) throws -> Result
    ) throws -> Result {
        try check(range.lowerBound, max(range.count, 0), "read")
        // SAFETY: the range is inside the mapping (checked above); the buffer lives only during `body`.
        let start = base.advanced(by: range.lowerBound * MemoryLayout<Element>.stride)
        return try body(UnsafeBufferPointer(start: start.assumingMemoryBound(to: Element.self), count: range.count))
    }

    /// Flushes written pages to the file (`msync(MS_SYNC)`).
    public func sync() throws(PatinoxError) {
        try whileOpen("sync", syncNow)
    }

    private func syncNow() throws(PatinoxError) {
        // SAFETY: the live mapping returned by mmap (the caller holds `lifecycle` and checked `closed`).
        guard msync(base, mappedBytes, MS_SYNC) == 0 else { throw .mapping("msync", path: path, errno: errno) }
    }

    /// Tells the kernel how the mapping will be read (`madvise`).
    public func advise(_ advice: Advice) throws(PatinoxError) {
        try whileOpen("advise") { () throws(PatinoxError) in try adviseNow(advice) }
    }

    private func adviseNow(_ advice: Advice) throws(PatinoxError) {
        let flag: Int32
        switch advice {
        case .normal: flag = MADV_NORMAL
        case .sequential: flag = MADV_SEQUENTIAL
        case .random: flag = MADV_RANDOM
        case .willNeed: flag = MADV_WILLNEED
        case .dontNeed: flag = MADV_DONTNEED
        }
        // SAFETY: the live mapping returned by mmap (the caller holds `lifecycle` and checked `closed`).
        guard madvise(base, mappedBytes, flag) == 0 else { throw .mapping("madvise", path: path, errno: errno) }
    }

    /// Drops the mapping's pages from memory (fault injection, or memory pressure relief): unmaps them
    /// from this process (`madvise(DONTNEED)`) and asks the kernel to evict clean file pages
    /// (`posix_fadvise(DONTNEED)`). Later reads fault them back in from the file.
    public func dropResidentPages() throws(PatinoxError) {
        try whileOpen("drop pages") { () throws(PatinoxError) in
            if mode == .readWrite { try syncNow() }
            try adviseNow(.dontNeed)
            #if os(Linux)
                let result = posix_fadvise(descriptor, off_t(fileOffset), off_t(mappedBytes), POSIX_FADV_DONTNEED)
                guard result == 0 else { throw .mapping("posix_fadvise", path: path, errno: result) }
            #endif
        }
    }

    /// Which pages of the mapping are in memory now (`mincore`), for the monitor's region map.
    public func residency() throws(PatinoxError) -> MappingResidency {
        let page = Int(getpagesize())
        let pages = (mappedBytes + page - 1) / page
        var vector = [UInt8](repeating: 0, count: pages)
        try whileOpen("mincore") { () throws(PatinoxError) in
            // SAFETY: `vector` has one byte per page of the live mapping (the lock held, `closed` checked).
            let result = vector.withUnsafeMutableBufferPointer { mincore(base, mappedBytes, $0.baseAddress) }
            guard result == 0 else { throw .mapping("mincore", path: path, errno: errno) }
        }
        return MappingResidency(path: path, bytes: mappedBytes, pageSize: page, resident: vector.map { $0 & 1 == 1 })
    }

    /// Sends the mapping's region and residency to `monitor` (gauges: mapped bytes, resident pages, pages).
    public func report(to monitor: any Monitor) throws(PatinoxError) {
        let residency = try residency()
        monitor.sample(
            MonitorSample(
                source: ComponentID(kind: .mappedFile, name: path),
                gauges: [
                    ("mapping_bytes", Double(residency.bytes)),
                    ("mapping_pages", Double(residency.resident.count)),
                    ("mapping_resident_pages", Double(residency.residentPages)),
                ],
                totals: []
            )
        )
    }

    // MARK: - Checks

    private func check(_ index: Int, _ length: Int, _ operation: String) throws(PatinoxError) {
        try checkOpen(operation)
        guard index >= 0, length >= 0, index <= count - length else {
            throw .outOfBounds(
                path: path,
                operation: operation,
                index: index < 0 ? index : index + max(length - 1, 0),
                count: count
            )
        }
        guard safety == .checkSize else { return }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .mapping("fstat", path: path, errno: errno) }
        let needed = fileOffset + (index + length) * MemoryLayout<Element>.stride
        if Int(info.st_size) < needed {
            throw shrank(operation, needed: needed, size: Int(info.st_size))
        }
    }

    /// The error for a file another process truncated, also logged (through the registry's logger): the
    /// operator should know that something else changes the file.
    private func shrank(_ operation: String, needed: Int, size: Int) -> PatinoxError {
        registry.logger.warning(
            "mapped file shrank under its mapping: another process truncated it",
            metadata: ["path": "\(path)", "operation": "\(operation)", "needed": "\(needed)", "size": "\(size)"]
        )
        return .fileShrank(path: path, operation: operation, needed: needed, size: size)
    }

    /// Runs `body` with the mapping held open: close() waits until it returns, and it does not run after close().
    private func whileOpen(_ operation: String, _ body: () throws(PatinoxError) -> Void) throws(PatinoxError) {
        lifecycle.lock()
        defer { lifecycle.unlock() }
        try checkOpen(operation)
        try body()
    }

    private func checkOpen(_ operation: String) throws(PatinoxError) {
        if closed.load(ordering: .acquiring) {
            throw PatinoxError(
                code: .mappingFailed,
                context: ErrorContext(component: .mappedFile, name: path, operation: operation),
                message: "the mapping was closed.",
                recovery: .reconfigure(hint: "map the file again.")
            )
        }
    }

    private func readOnly(_ operation: String) -> PatinoxError {
        PatinoxError(
            code: .mappingFailed,
            context: ErrorContext(component: .mappedFile, name: path, operation: operation),
            message: "the mapping is read-only.",
            recovery: .reconfigure(hint: "map the file with mode: .readWrite to write.")
        )
    }

    private func readCopy(_ index: Int, _ length: Int) throws(PatinoxError) -> [Element] {
        let stride = MemoryLayout<Element>.stride
        var bytes = [UInt8](repeating: 0, count: length * stride)
        // SAFETY: pread writes at most `bytes.count` bytes into the array's buffer.
        let read = bytes.withUnsafeMutableBytes {
            pread(descriptor, $0.baseAddress, $0.count, off_t(fileOffset + index * stride))
        }
        guard read == bytes.count else {
            if read < 0 { throw .mapping("pread", path: path, errno: errno) }
            let needed = fileOffset + (index + length) * stride
            throw shrank("read", needed: needed, size: fileOffset + index * stride + read)
        }
        // SAFETY: `bytes` holds exactly `length` elements' worth of bytes; Element is BitwiseCopyable.
        return bytes.withUnsafeBytes { raw in
            (0..<length).map { raw.loadUnaligned(fromByteOffset: $0 * stride, as: Element.self) }
        }
    }
}

/// Which pages of a mapping are resident in memory.
public struct MappingResidency: Sendable, Hashable {
    /// The mapped file's path.
    public var path: String
    /// The mapping's length in bytes.
    public var bytes: Int
    /// The system's page size in bytes.
    public var pageSize: Int
    /// One flag per page.
    public var resident: [Bool]
    /// How many pages are resident.
    public var residentPages: Int { resident.filter { $0 }.count }
}

/// The system's `close`, named apart from `MappedFile.close()`.
@discardableResult
private func closeDescriptor(_ descriptor: Int32) -> Int32 {
    #if canImport(Glibc)
        Glibc.close(descriptor)
    #else
        Darwin.close(descriptor)
    #endif
}

/// The error for a failed `operation` (read from `errno` first), after closing `descriptor`.
private func failure(_ operation: String, path: String, closing descriptor: Int32) -> PatinoxError {
    let code = errno
    closeDescriptor(descriptor)
    return .mapping(operation, path: path, errno: code)
}
