/// PatinoxMemory: pools, caches, resource guards, shared and mapped memory, with monitoring.
public enum PatinoxMemory {
    /// The library's version, shown by `memtop --version`.
    public static let version = "0.1.0"
}
