#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension PatinoxError {
    /// A system call on a mapping failed: the errno's text, the path and the operation.
    static func mapping(_ operation: String, path: String, errno code: Int32) -> PatinoxError {
        let reason = String(cString: strerror(code))
        let recovery: RecoveryStrategy
        switch code {
        case ENOENT: recovery = .reconfigure(hint: "check the path; the file does not exist.")
        case EACCES, EPERM: recovery = .reconfigure(hint: "check the file's permissions for this process.")
        case ENOMEM, EMFILE, ENFILE: recovery = .backOff(initial: .milliseconds(100), maximum: .seconds(5))
        default: recovery = .escalate(hint: "see the system error; the mapping was not changed.")
        }
        return PatinoxError(
            code: .mappingFailed,
            context: ErrorContext(component: .mappedFile, name: path, operation: operation),
            message: "\(operation) failed: \(reason) (errno \(code)).",
            recovery: recovery
        )
    }

    static func outOfBounds(path: String, operation: String, index: Int, count: Int) -> PatinoxError {
        PatinoxError(
            code: .mappingFailed,
            context: ErrorContext(component: .mappedFile, name: path, operation: operation),
            message: "index \(index) is out of bounds: the mapping holds \(count) element(s).",
            recovery: .reconfigure(hint: "use an index in 0..<\(count).")
        )
    }

    static func fileShrank(path: String, operation: String, needed: Int, size: Int) -> PatinoxError {
        PatinoxError(
            code: .mappingFailed,
            context: ErrorContext(component: .mappedFile, name: path, operation: operation),
            message: "the file is now \(size) bytes, shorter than the \(needed) bytes this access needs "
                + "(another process truncated it); reading the mapping there would crash with SIGBUS.",
            recovery: .reconfigure(hint: "re-open the file, or use .copyReads for files other programs change.")
        )
    }
}
