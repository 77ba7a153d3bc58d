/// One server of a broker: where to connect.
public struct NATSServerAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `HOST:PORT` as a cluster's INFO announces it (`connect_urls`), `[v6]:PORT` for IPv6, or nil when it is
    /// not one (an announcement is a peer's word: anything else is dropped).
    init?(announced text: String) {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portPart = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            (hostPart, portPart) = (text[..<colon], text[text.index(after: colon)...])
        }
        guard let port = Int(portPart), (1...65_535).contains(port), !hostPart.isEmpty, hostPart.count <= 253,
            hostPart.allSatisfy({ $0.isLetter || $0.isNumber || ".-:_".contains($0) })
        else { return nil }
        self.init(host: String(hostPart), port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// The servers a client may connect to, in the order it tries them: those it was given (shuffled, as the
/// official clients do, so that a fleet of viewers spreads over a cluster), then those the cluster announced
/// in INFO (`connect_urls`, at most ``maximumLearned``). Each attempt takes the next one round the list; a
/// server in lame-duck mode is skipped while another is known.
struct NATSServerList: Sendable {
    private(set) var servers: [NATSServerAddress]
    /// The server of the last attempt (the one the client is on once connected).
    private(set) var current: Int
    /// Servers that said they are shutting down (INFO `ldm`): tried last.
    private var leaving: Set<NATSServerAddress> = []
    private let given: Int
    /// The most servers a cluster's INFO may add: announcements are untrusted.
    static let maximumLearned = 64

    /// `servers` (at least one), shuffled with `random` unless there is only one.
    init(_ servers: [NATSServerAddress], random: inout some RandomNumberGenerator) {
        precondition(!servers.isEmpty, "a server list needs a server")
        var unique: [NATSServerAddress] = []
        for server in servers where !unique.contains(server) { unique.append(server) }
        self.servers = unique.shuffled(using: &random)
        given = unique.count
        current = self.servers.count - 1  // the first `next()` is the first server
    }

    /// The server the client is on, or was last trying.
    var server: NATSServerAddress { servers[current] }

    /// The server to try next: the one after the current, skipping those leaving while another remains.
    mutating func next() -> NATSServerAddress {
        for step in 1...servers.count {
            let index = (current + step) % servers.count
            if !leaving.contains(servers[index]) || step == servers.count {
                current = index
                return servers[index]
            }
        }
        return servers[current]
    }

    /// Adds the servers a cluster announced; returns how many were new.
    @discardableResult
    mutating func learn(_ announced: [String]) -> Int {
        var added = 0
        for text in announced.prefix(Self.maximumLearned * 4) {
            guard servers.count - given < Self.maximumLearned else { break }
            guard let server = NATSServerAddress(announced: text), !servers.contains(server) else { continue }
            servers.append(server)
            added += 1
        }
        return added
    }

    /// `server` is shutting down (lame duck): skipped while another is known, until it is heard from again.
    mutating func markLeaving(_ server: NATSServerAddress) { leaving.insert(server) }

    /// `server` accepted a connection and is not leaving.
    mutating func markHealthy(_ server: NATSServerAddress) { leaving.remove(server) }
}
