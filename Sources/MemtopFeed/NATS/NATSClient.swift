import Foundation
import Logging
import MemtopSource
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PatinoxMemory

/// Where and how to connect.
public struct NATSOptions: Sendable {
    /// The servers to try (at least one), as given; a cluster's INFO adds the others once connected.
    public var servers: [NATSServerAddress]
    /// The first server's host.
    public var host: String { servers[0].host }
    /// The first server's port.
    public var port: Int { servers[0].port }
    public var user: String?
    public var password: String?
    public var token: String?
    /// An NKEY login: the user's key pair signs the nonce of the server's INFO, and CONNECT carries the public
    /// key (`nkey`) — or, with ``userJWT``, the JWT instead (operator mode, hosted NATS).
    public var nkey: NKeyPair?
    /// A user JWT (from a `.creds` file, with its seed in ``nkey``).
    public var userJWT: String?
    /// TLS as the client wants it (a `tls://` URL sets it); nil still upgrades, with the system's CAs, when the
    /// server's INFO says `tls_required`.
    public var tls: NATSTLSOptions?
    /// The connection name the server shows (`nats-server` monitoring, logs).
    public var name = "memtop"
    /// First delay before reconnecting; doubles (with ±20 % jitter) up to ``maximumReconnectDelay``.
    public var reconnectDelay: Duration = .milliseconds(100)
    public var maximumReconnectDelay: Duration = .seconds(2)
    /// Bytes of outgoing messages kept while disconnected; the oldest are dropped beyond it (and counted).
    public var outgoingLimit = 4 * 1_048_576
    /// The whole handshake — TCP connect, the server's INFO, our CONNECT and PING, its PONG — must finish
    /// within this, or the attempt fails (and a reconnect loop backs off and tries again): a port that
    /// accepts and never speaks cannot hang the client.
    public var handshakeTimeout: Duration = .seconds(5)
    /// How often the client PINGs the server once connected.
    public var pingInterval: Duration = .seconds(3)
    /// PINGs left unanswered before the connection counts as dead and the client reconnects: with the
    /// defaults a silent partition or a stopped server is noticed within 9 s (3 × 3 s).
    public var maximumOutstandingPings = 2
    /// Where a lost connection, the reconnect attempts and the reconnection go, with the broker's URL (never
    /// its credentials). Silent by default.
    public var logger: Logger = .disabled

    /// Parses `nats://[user:password@]host[:port]` (port 4222 by default), or several such URLs separated by
    /// commas (the servers of a cluster: `nats://a:4222,nats://b:4222`); `tls://` asks for TLS. The first URL
    /// with a user and password gives them.
    public init(url: String) throws(PatinoxError) {
        var servers: [NATSServerAddress] = []
        for part in url.split(separator: ",", omittingEmptySubsequences: false) {
            let text = part.trimmingCharacters(in: .whitespaces)
            guard let components = URLComponents(string: text),
                components.scheme == "nats" || components.scheme == "tls",
                let host = components.host, !host.isEmpty, (1...65_535).contains(components.port ?? 4222)
            else {
                throw .invalidInput(
                    .feed,
                    name: text,
                    operation: "parse broker URL",
                    message: "'\(text)' is not a NATS URL.",
                    hint:
                        "write nats://HOST:PORT (or tls://HOST:PORT), e.g. nats://127.0.0.1:4222; several separated by "
                        + "commas."
                )
            }
            if components.scheme == "tls" { tls = NATSTLSOptions() }
            servers.append(NATSServerAddress(host: host, port: components.port ?? 4222))
            if user == nil, let name = components.user {
                user = name
                password = components.password
            }
        }
        self.servers = servers
    }

    /// `nats://HOST:PORT` (or `tls://` when TLS was asked for) of `server`, credentials left out, for messages.
    public func url(of server: NATSServerAddress) -> String { "\(tls == nil ? "nats" : "tls")://\(server)" }

    /// The servers' URLs as given, comma-separated, credentials left out.
    public var url: String { servers.map(url(of:)).joined(separator: ",") }
}

/// A received message.
public struct NATSMessage: Sendable {
    public var subject: String
    public var replyTo: String?
    public var payload: [UInt8]
}

/// What the client is doing, for the header of an attached memtop.
public enum NATSConnectionState: Sendable, Hashable {
    case connected
    /// Lost the server; the next attempt is at this time (seconds since the client started).
    case reconnecting(attempt: Int, lastError: String)
    case closed
}

/// A small NATS client on SwiftNIO: CONNECT with user/password or token, PUB/SUB/UNSUB/MSG, PING/PONG,
/// request/reply through an inbox, the server's max_payload, reconnection with backoff and jitter that
/// resubscribes, a bounded outgoing buffer while disconnected (oldest dropped, counted), clean close.
public final class NATSClient: Sendable {
    public let options: NATSOptions
    let group: any EventLoopGroup
    let state: NIOLockedValueBox<ClientState>
    let inboxPrefix = "_INBOX.memtop.\(UInt64.random(in: 0...UInt64.max))"

    struct Subscription {
        var subject: String
        var handler: @Sendable (NATSMessage) -> Void
    }

    struct ClientState {
        var channel: (any Channel)?
        var connection: NATSConnectionState = .reconnecting(attempt: 0, lastError: "not connected yet")
        var subscriptions: [Int: Subscription] = [:]
        var nextSID = 1
        var maximumPayload = 1_048_576
        /// Messages waiting for the connection or for the server to read (bounded: oldest dropped).
        var outgoing: BoundedFrameQueue
        /// The last `-ERR` the server sent after the handshake (a permission, a slow consumer, a payload).
        var lastServerError: String?
        var reconnects = 0
        var requests: [String: CheckedContinuation<NATSMessage, any Error>] = [:]
        var nextRequest = 0
        var inboxSubscribed = false
        var closed = false
        /// The servers to try, and the one the client is on.
        var servers: NATSServerList
    }

    init(options: NATSOptions, group: any EventLoopGroup) {
        self.options = options
        self.group = group
        var random = SystemRandomNumberGenerator()
        state = NIOLockedValueBox(
            ClientState(
                outgoing: BoundedFrameQueue(limit: options.outgoingLimit),
                servers: NATSServerList(options.servers, random: &random)
            )
        )
    }

    /// The URL of the server the client is on (or, while reconnecting, trying).
    public var serverURL: String { options.url(of: state.withLockedValue { $0.servers.server }) }

    /// Every server the client knows: those given and those the cluster announced.
    public var knownServers: [NATSServerAddress] { state.withLockedValue { $0.servers.servers } }

    /// Connects (failing fast with the server's reason on bad credentials), then keeps the connection up.
    public static func connect(
        _ options: NATSOptions,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(PatinoxError) -> NATSClient {
        let client = NATSClient(options: options, group: group)
        try await client.open()
        return client
    }

    public var connectionState: NATSConnectionState { state.withLockedValue { $0.connection } }
    /// Outgoing messages dropped because the buffer was full (while disconnected, or while the server did not
    /// read).
    public var droppedMessages: Int { state.withLockedValue { $0.outgoing.dropped } }
    /// Bytes of outgoing messages waiting (at most ``NATSOptions/outgoingLimit``).
    public var waitingBytes: Int { state.withLockedValue { $0.outgoing.bytes } }
    /// The last `-ERR` the server sent after the handshake (`Permissions Violation …`, `Slow Consumer`, …).
    public var lastServerError: String? { state.withLockedValue { $0.lastServerError } }
    public var reconnects: Int { state.withLockedValue { $0.reconnects } }
    public var maximumPayload: Int { state.withLockedValue { $0.maximumPayload } }

    /// Publishes `payload` to `subject`. Refuses payloads over the server's max_payload; while disconnected
    /// the message waits in the bounded buffer.
    public func publish(_ payload: [UInt8], to subject: String, replyTo: String? = nil) throws(PatinoxError) {
        let limit = maximumPayload
        guard payload.count <= limit else {
            throw feedError(
                "publish",
                "\(payload.count) bytes to '\(subject)' exceed the server's max_payload of \(limit)",
                hint: "send less per message (fewer events per snapshot) or raise max_payload."
            )
        }
        var frame = Array("PUB \(subject)\(replyTo.map { " \($0)" } ?? "") \(payload.count)\r\n".utf8)
        frame += payload
        frame += [13, 10]
        send(frame, droppable: true)
    }

    /// Subscribes; `handler` runs on the connection's event loop for each message. Survives reconnects.
    @discardableResult
    public func subscribe(_ subject: String, handler: @escaping @Sendable (NATSMessage) -> Void) -> Int {
        let sid = state.withLockedValue { state in
            defer { state.nextSID += 1 }
            state.subscriptions[state.nextSID] = Subscription(subject: subject, handler: handler)
            return state.nextSID
        }
        send(Array("SUB \(subject) \(sid)\r\n".utf8), droppable: false)
        return sid
    }

    public func unsubscribe(_ sid: Int) {
        state.withLockedValue { _ = $0.subscriptions.removeValue(forKey: sid) }
        send(Array("UNSUB \(sid)\r\n".utf8), droppable: false)
    }

    /// Sends a request and waits for the first reply, up to `timeout`.
    public func request(_ payload: [UInt8], to subject: String, timeout: Duration) async throws(PatinoxError)
        -> NATSMessage
    {
        let (token, firstRequest) = state.withLockedValue { state in
            defer { (state.nextRequest, state.inboxSubscribed) = (state.nextRequest + 1, true) }
            return ("\(inboxPrefix).\(state.nextRequest)", !state.inboxSubscribed)
        }
        // The replies' wildcard inbox, subscribed at the first request (its SUB goes out before the request): a
        // read-only user whose permissions allow no inbox never asks for one, and gets no Permissions Violation.
        if firstRequest { subscribe("\(inboxPrefix).*") { [weak self] message in self?.answer(message) } }
        do {
            return try await withCheckedThrowingContinuation { continuation in
                state.withLockedValue { $0.requests[token] = continuation }
                do throws(PatinoxError) {
                    try publish(payload, to: subject, replyTo: token)
                } catch {
                    if let waiting = state.withLockedValue({ $0.requests.removeValue(forKey: token) }) {
                        waiting.resume(throwing: error)
                    }
                    return
                }
                Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    guard let self, let waiting = state.withLockedValue({ $0.requests.removeValue(forKey: token) })
                    else {
                        return
                    }
                    waiting.resume(
                        throwing: feedError(
                            "request",
                            "no reply from '\(subject)' within \(timeout)",
                            hint: "check that the engine publishes and answers control."
                        )
                    )
                }
            }
        } catch let error as PatinoxError {
            throw error
        } catch {
            throw feedError("request", "\(error)", hint: "retry.")
        }
    }

    /// Closes the connection; pending requests fail.
    public func close() async {
        let (channel, requests) = state.withLockedValue { state in
            state.closed = true
            state.connection = .closed
            defer { state.requests = [:] }
            return (state.channel, state.requests)
        }
        for (_, waiting) in requests {
            waiting.resume(throwing: feedError("request", "the client closed", hint: "reconnect."))
        }
        try? await channel?.close()
    }

    func answer(_ message: NATSMessage) {
        guard let waiting = state.withLockedValue({ $0.requests.removeValue(forKey: message.subject) }) else { return }
        waiting.resume(returning: message)
    }

    func deliver(_ message: NATSServerMessage) {
        guard case .message(let subject, let sid, let replyTo, let payload) = message else { return }
        let handler = state.withLockedValue { $0.subscriptions[sid]?.handler }
        handler?(NATSMessage(subject: subject, replyTo: replyTo, payload: payload))
    }

    /// Writes a frame, or keeps it in the bounded buffer while disconnected or while the server does not read
    /// (the channel is over its high-water mark). Frames that must not be dropped (SUB, UNSUB) are written
    /// whenever connected; while disconnected they are not needed (reconnecting resubscribes).
    func send(_ frame: [UInt8], droppable: Bool) {
        enum Route { case write(any Channel), flushLater(any Channel), keep }
        let route = state.withLockedValue { state -> Route in
            if case .connected = state.connection, let channel = state.channel {
                if !droppable || (channel.isWritable && state.outgoing.isEmpty) { return .write(channel) }
                state.outgoing.append(frame)
                return .flushLater(channel)
            }
            if !state.closed && droppable { state.outgoing.append(frame) }
            return .keep
        }
        switch route {
        case .write(let channel):
            channel.writeAndFlush(channel.allocator.buffer(bytes: frame), promise: nil)
        case .flushLater(let channel):
            // The channel may have become writable since it was checked: look again on its event loop.
            channel.eventLoop.execute { self.flushOutgoing(to: channel) }
        case .keep:
            break
        }
    }

    /// Writes what waits in the buffer, if `channel` is the live connection and takes writes now.
    func flushOutgoing(to channel: any Channel) {
        let frames = state.withLockedValue { state -> [UInt8] in
            guard state.channel === channel, channel.isWritable, !state.outgoing.isEmpty else { return [] }
            return state.outgoing.takeAll()
        }
        guard !frames.isEmpty else { return }
        channel.writeAndFlush(channel.allocator.buffer(bytes: frames), promise: nil)
    }

    /// The server sent `-ERR` after the handshake: kept for the header and logged.
    func serverSaid(_ error: String) {
        state.withLockedValue { $0.lastServerError = error }
        options.logger.warning(
            "the broker reported an error",
            metadata: ["broker": "\(options.url)", "error": "\(error)"]
        )
    }

    func feedError(_ operation: String, _ message: String, hint: String) -> PatinoxError {
        PatinoxError(
            code: .feedFailed,
            context: ErrorContext(component: .feed, name: options.url, operation: operation),
            message: message,
            recovery: .reconfigure(hint: hint)
        )
    }
}
