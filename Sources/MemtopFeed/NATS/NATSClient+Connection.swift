import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PatinoxMemory

// Opening the TCP connection, the INFO/CONNECT/PING handshake, and reconnecting after a loss.
extension NATSClient {
    /// Connects to the first server that takes the connection, trying each once; fails with the last one's
    /// reason (a refused login stops at once: the other servers of a cluster would refuse it too).
    func open() async throws(PatinoxError) {
        let count = state.withLockedValue { $0.servers.servers.count }
        var failure: PatinoxError?
        for _ in 0..<count {
            do {
                try await connectOnce()
                return
            } catch let error as PatinoxError {
                if error.message.contains("Authorization Violation") { throw error }
                failure = error
            } catch {
                let server = state.withLockedValue { $0.servers.server }
                failure = feedError(
                    "connect",
                    "cannot reach \(options.url(of: server)): \(error)",
                    hint: "check that nats-server runs there (nats-server -p \(server.port)) and the address is right."
                )
            }
        }
        if let failure { throw failure }
    }

    /// One connection attempt to the next server: TCP, then INFO → CONNECT + PING → PONG (or -ERR with the
    /// server's reason).
    func connectOnce() async throws {
        let server = state.withLockedValue { $0.servers.next() }
        let url = options.url(of: server)
        let handshake = group.next().makePromise(of: NATSServerInfo.self)
        // TLS before INFO only for servers that want it first; otherwise the handler upgrades after INFO.
        let tlsFirst = try options.tls.flatMap { tls throws(PatinoxError) in
            tls.handshakeFirst ? try tls.makeContext(for: url) : nil
        }
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.nanoseconds(Int64(clamping: options.handshakeTimeout.nanosecondsClamped)))
                // Over 1 MiB unwritten the channel is not writable: PUBs then wait in the bounded buffer.
                .channelOption(.writeBufferWaterMark, value: .init(low: 256 * 1_024, high: 1_048_576))
                .channelInitializer { [self, tlsFirst] channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        if let tlsFirst {
                            try pipeline.addHandler(NATSTLSOptions.handler(tlsFirst, host: server.host))
                        }
                        try pipeline.addHandler(
                            NATSChannelHandler(
                                client: self,
                                server: server,
                                handshake: handshake,
                                inTLS: tlsFirst != nil
                            )
                        )
                    }
                }
                .connect(host: server.host, port: server.port).get()
        } catch {
            handshake.fail(error)  // a promise must never be left unfulfilled (NIO traps on leaks)
            throw error
        }
        let info: NATSServerInfo
        do {
            info = try await handshake.futureResult.get()
        } catch {
            try? await channel.close()
            throw error
        }
        let resumed = state.withLockedValue { state -> (subscriptions: [Int: Subscription], waiting: [UInt8])? in
            guard !state.closed else { return nil }  // close() won the race: this connection must not live
            state.channel = channel
            state.connection = .connected
            state.servers.markHealthy(server)
            state.servers.learn(info.connectURLs ?? [])
            if let announced = info.maxPayload, announced > 0 {  // a hostile INFO cannot lift it past the ceiling
                state.maximumPayload = min(announced, NATSParser.payloadCeiling)
            }
            return (state.subscriptions, state.outgoing.takeAll())
        }
        guard let resumed else {
            try? await channel.close()
            throw feedError("connect", "the client was closed while connecting", hint: "connect again.")
        }
        var frames: [UInt8] = []
        for (sid, subscription) in resumed.subscriptions.sorted(by: { $0.key < $1.key }) {
            frames += Array("SUB \(subscription.subject) \(sid)\r\n".utf8)
        }
        frames += resumed.waiting
        if !frames.isEmpty { try await channel.writeAndFlush(channel.allocator.buffer(bytes: frames)) }
    }

    /// CONNECT and PING for the server that sent `info`: the login's fields, and for an NKEY or JWT login the
    /// signature of the server's nonce.
    func connectLine(for info: NATSServerInfo) throws(PatinoxError) -> [UInt8] {
        var fields = [
            "\"verbose\":false", "\"pedantic\":false", "\"lang\":\"swift\"", "\"version\":\"\(PatinoxMemory.version)\"",
            "\"protocol\":1", "\"headers\":false", "\"name\":\(NATSJSON.quote(options.name))",
        ]
        if let user = options.user { fields.append("\"user\":\(NATSJSON.quote(user))") }
        if let password = options.password { fields.append("\"pass\":\(NATSJSON.quote(password))") }
        if let token = options.token { fields.append("\"auth_token\":\(NATSJSON.quote(token))") }
        if let nkey = options.nkey {
            guard let nonce = info.nonce else {
                throw feedError(
                    "connect",
                    "\(serverURL) sent no nonce to sign: it does not take NKEY or JWT logins",
                    hint: "check the server's authorization (nkey users, or operator mode), or log in another way."
                )
            }
            if let jwt = options.userJWT {
                fields.append("\"jwt\":\(NATSJSON.quote(jwt))")
            } else {
                fields.append("\"nkey\":\(NATSJSON.quote(nkey.publicKey))")
            }
            fields.append("\"sig\":\(NATSJSON.quote(try nkey.sign(Array(nonce.utf8)).base64URLEncoded))")
        }
        return Array("CONNECT {\(fields.joined(separator: ","))}\r\nPING\r\n".utf8)
    }

    /// The connection dropped: reconnect with doubling, jittered delays until it works or the client closes.
    func connectionLost(_ reason: String) {
        let start = state.withLockedValue { state -> Bool in
            guard !state.closed, case .connected = state.connection else { return false }
            state.channel = nil
            state.connection = .reconnecting(attempt: 1, lastError: reason)
            return true
        }
        guard start else { return }
        let logger = options.logger
        let broker: Logger.MetadataValue = "\(serverURL)"
        logger.warning(
            "connection to the broker lost; reconnecting",
            metadata: ["broker": broker, "reason": "\(reason)"]
        )
        Task { [self] in
            var attempt = 1
            var delay = options.reconnectDelay
            while !state.withLockedValue({ $0.closed }) {
                try? await Task.sleep(for: delay * Double.random(in: 0.8...1.2))
                do {
                    try await connectOnce()
                    state.withLockedValue { $0.reconnects += 1 }
                    logger.notice(
                        "reconnected to the broker",
                        metadata: ["broker": "\(serverURL)", "lost": broker, "attempt": "\(attempt)"]
                    )
                    return
                } catch {
                    attempt += 1
                    delay = min(delay * 2, options.maximumReconnectDelay)
                    let text = "\(error)"
                    logger.info(
                        "reconnect attempt failed",
                        metadata: ["broker": "\(serverURL)", "attempt": "\(attempt - 1)", "error": "\(text)"]
                    )
                    state.withLockedValue { state in
                        if !state.closed { state.connection = .reconnecting(attempt: attempt, lastError: text) }
                    }
                }
            }
        }
    }
}

/// Reads the server's bytes, answers PINGs, runs the handshake (with its deadline), PINGs the server while
/// connected and closes a connection that stopped answering, hands messages to the client.
final class NATSChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var parser = NATSParser()
    private let client: NATSClient
    /// The server this connection goes to.
    private let server: NATSServerAddress
    private let handshake: EventLoopPromise<NATSServerInfo>
    /// Whether the bytes already go through TLS (started first, or after INFO).
    private var inTLS: Bool
    private var info: NATSServerInfo?
    private var handshaking = true
    private var handshakeDeadline: Scheduled<Void>?
    private var pinger: RepeatedTask?
    private var outstandingPings = 0

    init(client: NATSClient, server: NATSServerAddress, handshake: EventLoopPromise<NATSServerInfo>, inTLS: Bool) {
        self.client = client
        self.server = server
        self.handshake = handshake
        self.inTLS = inTLS
    }

    /// The server's URL, for messages.
    private var url: String { client.options.url(of: server) }

    func channelActive(context: ChannelHandlerContext) {
        let timeout = client.options.handshakeTimeout
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        handshakeDeadline = context.eventLoop.scheduleTask(
            in: .nanoseconds(Int64(clamping: timeout.nanosecondsClamped))
        ) {
            let (handler, context) = loopBound.value
            let url = handler.url
            handler.failHandshake(
                handler.client.feedError(
                    "connect",
                    "\(url) accepted the connection but did not finish the NATS handshake within "
                        + "\(timeout.humanReadable) (no INFO, or no PONG to our PING)",
                    hint: "check that a NATS server (not another service) listens there and is not stopped."
                ),
                context
            )
        }
        context.fireChannelActive()
    }

    /// The handshake is over: stop its deadline and start PINGing.
    private func connected(_ context: ChannelHandlerContext) {
        handshakeDeadline?.cancel()
        handshakeDeadline = nil
        let interval = TimeAmount.nanoseconds(Int64(clamping: client.options.pingInterval.nanosecondsClamped))
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        pinger = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            let (handler, context) = loopBound.value
            handler.ping(context)
        }
    }

    private func ping(_ context: ChannelHandlerContext) {
        let limit = client.options.maximumOutstandingPings
        guard outstandingPings < limit else {
            client.options.logger.warning(
                "the broker stopped answering PINGs; reconnecting",
                metadata: ["broker": "\(url)", "unanswered": "\(outstandingPings)"]
            )
            return context.close(promise: nil)  // channelInactive reconnects
        }
        outstandingPings += 1
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: "PING\r\n")), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        outstandingPings = 0  // any bytes prove the server alive: a PONG may wait behind a burst of messages
        do {
            for message in try parser.feed(buffer.readableBytesView) { handle(message, context) }
        } catch {
            fail("protocol error: \(error)", context)
        }
    }

    private func handle(_ message: NATSServerMessage, _ context: ChannelHandlerContext) {
        switch message {
        case .info(let info):
            if handshaking && self.info == nil {
                self.info = info
                do throws(PatinoxError) {
                    try startTLSIfNeeded(info, context)  // before CONNECT: credentials never cross in clear
                    let line = try client.connectLine(for: info)
                    context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: line)), promise: nil)
                } catch {
                    failHandshake(error, context)
                }
            } else if !handshaking {
                updated(info, context)
            }
        case .pong:
            if handshaking, let info {
                handshaking = false
                connected(context)
                handshake.succeed(info)
            }
        case .ping:
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: "PONG\r\n")), promise: nil)
        case .error(let text):
            if handshaking { fail(text, context) } else { client.serverSaid(text) }
        case .ok:
            break
        case .message:
            client.deliver(message)
        }
    }

    /// An INFO after the handshake: the cluster's servers changed, or this server is entering lame-duck mode —
    /// then the client moves to another server at once, before this one shuts down.
    private func updated(_ info: NATSServerInfo, _ context: ChannelHandlerContext) {
        client.state.withLockedValue { state in
            state.servers.learn(info.connectURLs ?? [])
            if info.lameDuck == true { state.servers.markLeaving(server) }
        }
        guard info.lameDuck == true else { return }
        client.options.logger.notice(
            "the broker is entering lame-duck mode; moving to another server",
            metadata: ["broker": "\(url)"]
        )
        context.close(promise: nil)  // channelInactive reconnects, to the next server that is not leaving
    }

    /// Puts TLS under the connection when the client asked for it or the server requires it (its INFO says so).
    private func startTLSIfNeeded(_ info: NATSServerInfo, _ context: ChannelHandlerContext) throws(PatinoxError) {
        let options = client.options
        guard !inTLS, options.tls != nil || info.tlsRequired == true else { return }
        guard info.tlsRequired == true || info.tlsAvailable == true else {
            throw NATSTLSOptions.failure(
                url,
                "TLS was asked for, but the server does not offer it (its INFO has no tls_required)",
                hint: "connect with nats://, or give the server a tls block."
            )
        }
        let sslContext = try (options.tls ?? NATSTLSOptions()).makeContext(for: url)
        do {
            let handler = try NATSTLSOptions.handler(sslContext, host: server.host)
            try context.pipeline.syncOperations.addHandler(handler, position: .first)
        } catch {
            throw NATSTLSOptions.failure(url, "TLS could not start: \(error)", hint: "check the URL's host.")
        }
        inTLS = true
    }

    private func fail(_ reason: String, _ context: ChannelHandlerContext) {
        let hint: String
        if !reason.localizedCaseInsensitiveContains("authorization") {
            hint = "check the server's log."
        } else if client.options.userJWT != nil {
            hint = "check that the .creds file is current and its account is one the server's operator trusts."
        } else if let nkey = client.options.nkey {
            hint = "check that the server's authorization lists the seed's public key, \(nkey.publicKey)."
        } else {
            hint = "check the user and password (--user, --password-file) or the token (--token-file)."
        }
        failHandshake(
            client.feedError("connect", "\(url) refused the connection: \(reason)", hint: hint),
            context
        )
    }

    /// Fails the handshake with `error` (once; later failures only close) and closes the channel.
    private func failHandshake(_ error: PatinoxError, _ context: ChannelHandlerContext) {
        if handshaking {
            handshaking = false
            handshakeDeadline?.cancel()
            handshake.fail(error)
        }
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { client.flushOutgoing(to: context.channel) }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        handshakeDeadline?.cancel()
        pinger?.cancel()
        if handshaking {
            handshaking = false
            handshake.fail(
                client.feedError(
                    "connect",
                    "\(url) closed the connection during the handshake",
                    hint: "check the server's log and credentials."
                )
            )
        } else {
            client.connectionLost("connection to \(url) lost")
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if handshaking && inTLS {  // a failed TLS handshake: say why, not only that the connection closed
            let options = client.options
            let tls = options.tls ?? NATSTLSOptions()
            return failHandshake(tls.explain(error, url: url, host: server.host, info: info), context)
        }
        context.close(promise: nil)
    }
}
