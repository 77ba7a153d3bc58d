/// The reply to a control request (`memtop.v1.<engine>.control`, docs/FEED.md): the result, or why it
/// was refused or failed. Both the publisher, which answers, and the viewer, which asks, use it.
public struct ControlReply: Codable, Sendable, Hashable {
    public var ok: Bool
    public var result: String?
    public var error: String?

    public init(ok: Bool, result: String? = nil, error: String? = nil) {
        self.ok = ok
        self.result = result
        self.error = error
    }
}
