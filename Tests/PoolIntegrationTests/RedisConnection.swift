import NIOCore
import NIOPosix

/// A reply from Redis (RESP2), as far as these tests need it.
enum RESPValue: Equatable, Sendable {
    case simple(String)
    case error(String)
    case integer(Int)
    case bulk(String?)
    case array([RESPValue])
}

/// The connection was closed (by the server or by us) before a reply came.
struct RedisConnectionClosed: Error {}

/// A minimal Redis client on SwiftNIO: one TCP connection, commands pipelined, replies in order.
final class RedisConnection: Sendable {
    let channel: any Channel

    private init(channel: any Channel) { self.channel = channel }

    static func connect(host: String, port: Int, group: any EventLoopGroup) async throws -> RedisConnection {
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .connectTimeout(.seconds(2))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(RESPHandler()) }
            }
            .connect(host: host, port: port)
            .get()
        return RedisConnection(channel: channel)
    }

    var isActive: Bool { channel.isActive }

    /// Sends one command and waits for its reply.
    func send(_ arguments: String...) async throws -> RESPValue {
        var buffer = channel.allocator.buffer(capacity: 64)
        buffer.writeString("*\(arguments.count)\r\n")
        for argument in arguments {
            buffer.writeString("$\(argument.utf8.count)\r\n\(argument)\r\n")
        }
        let reply = channel.eventLoop.makePromise(of: RESPValue.self)
        // A channel that closed before the write reached RESPHandler (NIO removes the handlers on close) fails
        // only the write; the reply must fail with it, or this call would wait forever.
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { _ in reply.fail(RedisConnectionClosed()) }
        channel.writeAndFlush(RESPHandler.Request(bytes: buffer, reply: reply), promise: written)
        return try await reply.futureResult.get()
    }

    func close() async {
        try? await channel.close()
    }
}

/// Encodes requests, decodes replies and matches them to the oldest outstanding request.
private final class RESPHandler: ChannelDuplexHandler {
    struct Request {
        var bytes: ByteBuffer
        var reply: EventLoopPromise<RESPValue>
    }
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = Request
    typealias OutboundOut = ByteBuffer

    private var pending: [EventLoopPromise<RESPValue>] = []
    private var received: ByteBuffer?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        guard context.channel.isActive else {
            request.reply.fail(RedisConnectionClosed())
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        pending.append(request.reply)
        context.write(wrapOutboundOut(request.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if received == nil { received = bytes } else { received!.writeBuffer(&bytes) }
        while var buffer = received, let value = Self.parse(&buffer) {
            received = buffer
            if !pending.isEmpty { pending.removeFirst().succeed(value) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let failed = pending
        pending = []
        for reply in failed { reply.fail(RedisConnectionClosed()) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Parses one complete value from the front of `buffer`, or returns `nil` (buffer untouched) when
    /// more bytes are needed.
    static func parse(_ buffer: inout ByteBuffer) -> RESPValue? {
        var copy = buffer
        guard let value = parseValue(&copy) else { return nil }
        buffer = copy
        return value
    }

    private static func parseValue(_ buffer: inout ByteBuffer) -> RESPValue? {
        guard let type = buffer.readInteger(as: UInt8.self), let line = readLine(&buffer) else { return nil }
        switch type {
        case UInt8(ascii: "+"): return .simple(line)
        case UInt8(ascii: "-"): return .error(line)
        case UInt8(ascii: ":"): return Int(line).map(RESPValue.integer)
        case UInt8(ascii: "$"):
            guard let length = Int(line) else { return nil }
            if length < 0 { return .bulk(nil) }
            guard let body = buffer.readString(length: length), readLine(&buffer) == "" else { return nil }
            return .bulk(body)
        case UInt8(ascii: "*"):
            guard let count = Int(line) else { return nil }
            var items: [RESPValue] = []
            for _ in 0..<max(count, 0) {
                guard let item = parseValue(&buffer) else { return nil }
                items.append(item)
            }
            return .array(items)
        default: return nil
        }
    }

    private static func readLine(_ buffer: inout ByteBuffer) -> String? {
        guard let end = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\r")),
            end + 1 < buffer.writerIndex
        else { return nil }
        let line = buffer.readString(length: end - buffer.readerIndex)
        buffer.moveReaderIndex(forwardBy: 2)
        return line
    }
}
