import Crypto
import PatinoxMemory

/// A NATS user's Ed25519 key pair, from its seed (`SU…`: the text `nsc` and `nk -gen user` write): signs the
/// nonce a server sends in INFO, so that the server can check the login against the public key (`U…`) it
/// was configured with, or that the user's JWT names.
///
/// A seed is RFC 4648 base32 (no padding) of two prefix bytes (seed, user), the 32-byte Ed25519 seed and a
/// CRC-16/XMODEM of those 34 bytes, little-endian; a public key is the user prefix byte, the 32-byte key and
/// its CRC in the same way.
public struct NKeyPair: Sendable {
    /// The public key, `U` and 55 more base32 characters.
    public let publicKey: String
    private let key: Curve25519.Signing.PrivateKey

    /// The prefix byte of a seed (`S`) and of a user key (`U`), as nkeys defines them.
    static let seedPrefix: UInt8 = 18 << 3
    static let userPrefix: UInt8 = 20 << 3

    /// Decodes a user seed; a seed of another kind (an operator's `SO…`, an account's `SA…`), a bad checksum or
    /// anything that is not a seed is an error that says which.
    /// - Parameter source: where the seed came from (a file's path), for the error.
    public init(seed text: String, source: String) throws(PatinoxError) {
        func invalid(_ problem: String) -> PatinoxError {
            .invalidInput(
                .feed,
                name: source,
                operation: "read NKEY seed",
                message:
                    "\(problem): a user seed is 58 characters starting with SU (as `nsc` or `nk -gen user` writes).",
                hint: "give the user's seed file (never the public key, which starts with U)."
            )
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Base32.decode(trimmed), bytes.count == 36 else {
            throw invalid("'\(source)' does not hold a seed")
        }
        let payload = Array(bytes[..<34])
        guard CRC16.xmodem(payload) == UInt16(bytes[34]) | UInt16(bytes[35]) << 8 else {
            throw invalid("the seed in '\(source)' has a bad checksum (a character is wrong or missing)")
        }
        // Byte 0 holds the seed prefix and the top 5 bits of the kind's prefix, byte 1 the kind's low 3 bits.
        let kind = (payload[0] & 0b111) << 5 | payload[1] >> 3
        guard payload[0] & 0b1111_1000 == Self.seedPrefix else { throw invalid("'\(source)' does not hold a seed") }
        guard kind == Self.userPrefix else {
            throw invalid("the seed in '\(source)' is not a user's (it starts \(trimmed.prefix(2)), not SU)")
        }
        do {
            key = try Curve25519.Signing.PrivateKey(rawRepresentation: payload[2...])
        } catch {
            throw invalid("the seed in '\(source)' is not an Ed25519 seed (\(error))")
        }
        publicKey = Self.encode(prefix: Self.userPrefix, key.publicKey.rawRepresentation)
    }

    /// The Ed25519 signature of `bytes` (64 bytes).
    public func sign(_ bytes: [UInt8]) throws(PatinoxError) -> [UInt8] {
        do {
            return Array(try key.signature(for: bytes))
        } catch {
            throw PatinoxError(
                code: .invalidInput,
                context: ErrorContext(component: .feed, name: publicKey, operation: "sign nonce"),
                message: "signing the server's nonce failed: \(error)",
                recovery: .reconfigure(hint: "check the seed file.")
            )
        }
    }

    /// `prefix`, `key` and their CRC, in base32: how nkeys writes a public key.
    static func encode(prefix: UInt8, _ key: some Collection<UInt8>) -> String {
        var bytes = [prefix] + Array(key)
        let crc = CRC16.xmodem(bytes)
        bytes += [UInt8(crc & 0xFF), UInt8(crc >> 8)]
        return Base32.encode(bytes)
    }

    /// A user seed for `raw` (32 bytes): the inverse of ``init(seed:source:)``, for tests and tools.
    static func encodeSeed(_ raw: [UInt8]) -> String {
        var bytes = [seedPrefix | userPrefix >> 5, (userPrefix & 0b1_1111) << 3] + raw
        let crc = CRC16.xmodem(bytes)
        bytes += [UInt8(crc & 0xFF), UInt8(crc >> 8)]
        return Base32.encode(bytes)
    }
}

/// RFC 4648 base32 (A–Z, 2–7) without padding, as nkeys uses it.
enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8 | Int(byte)) & 0xFFFF
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes `text` encodes, or nil when it holds a character outside the alphabet (or padding).
    static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer = 0
        var bits = 0
        for character in text.utf8 {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5 | value) & 0xFFFF
            bits += 5
            if bits >= 8 {
                output.append(UInt8((buffer >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return output
    }
}

/// CRC-16/XMODEM (polynomial 0x1021, initial value 0): the checksum of nkeys.
enum CRC16 {
    static func xmodem(_ bytes: [UInt8]) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc ^= UInt16(byte) << 8
            for _ in 0..<8 { crc = crc & 0x8000 != 0 ? crc << 1 ^ 0x1021 : crc << 1 }
        }
        return crc
    }
}
