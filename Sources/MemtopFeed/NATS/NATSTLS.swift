import NIOCore
import NIOSSL
import PatinoxMemory

/// TLS to the broker (swift-nio-ssl): which CAs to trust, the client certificate for mutual TLS, and whether
/// to start TLS before the server's INFO (`handshake_first` servers). The server name checked is the URL's
/// host (a DNS name or an IP address in the certificate's subject alternative names).
///
/// The standard NATS order is INFO in clear, then TLS, then CONNECT: credentials only ever cross inside TLS
/// when the server requires it, whether or not the client asked for TLS (it then trusts the system's CAs).
public struct NATSTLSOptions: Sendable, Hashable {
    /// PEM file of the CAs that may sign the server's certificate; nil trusts the system's.
    public var caFile: String?
    /// PEM file of the client certificate (chain), for servers that verify clients (`verify: true`).
    public var certificateFile: String?
    /// PEM file of the client certificate's private key.
    public var keyFile: String?
    /// TLS before anything else (servers with `handshake_first: true`, NATS 2.10.4 and later), instead of after
    /// the INFO in clear.
    public var handshakeFirst = false

    /// TLS with the system's CAs, no client certificate, after the INFO.
    public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }

    /// The client context: the CA file read, the certificate and key loaded; a file that cannot be read is an
    /// error that names it.
    func makeContext(for url: String) throws(PatinoxError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            do {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            } catch {
                throw fileError(caFile, "CA", url, error)
            }
        }
        switch (certificateFile, keyFile) {
        case (let certificate?, let key?):
            do {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
            } catch {
                throw fileError(certificate, "client certificate", url, error)
            }
            do {
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            } catch {
                throw fileError(key, "client key", url, error)
            }
        case (nil, nil): break
        default:
            throw Self.failure(
                url,
                "a client certificate needs both its certificate and its key",
                hint: "give --tls-cert and --tls-key together."
            )
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw Self.failure(url, "the TLS settings cannot be used: \(error)", hint: "check the PEM files.")
        }
    }

    /// The client side of TLS to `host`: a DNS name is sent as SNI and checked against the certificate's names;
    /// an IP address (which SNI must not carry) is checked against the certificate's IP addresses.
    static func handler(_ context: NIOSSLContext, host: String) throws -> NIOSSLClientHandler {
        let isAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        return try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : host)
    }

    /// What a failed TLS handshake means, in words, with what to do.
    /// - Parameter info: the server's INFO, when it came before TLS (it says whether the server verifies clients).
    func explain(_ error: any Error, url: String, host: String, info: NATSServerInfo?) -> PatinoxError {
        let text = "\(error)"
        let trusted = caFile.map { "the CA in \($0)" } ?? "the system's CAs"
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return Self.failure(
                url,
                "the server's certificate is not for \(host) (hostname mismatch)",
                hint: "connect by a name its certificate lists, or reissue it with \(host) among its names."
            )
        }
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return Self.failure(
                url,
                "the server's certificate is not trusted by \(trusted)",
                hint: caFile == nil
                    ? "give the CA that signed it: --tls-ca FILE (or tls_ca in config.toml)."
                    : "check that \(caFile ?? "") holds the CA that signed the server's certificate."
            )
        }
        if certificateFile == nil,
            info?.tlsVerify == true || text.contains("CERTIFICATE_REQUIRED") || text.contains("HANDSHAKE_FAILURE")
        {
            return Self.failure(
                url,
                "the server wants a client certificate (mutual TLS) and none was given",
                hint: "give --tls-cert and --tls-key, signed by a CA the server trusts."
            )
        }
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("PACKET_LENGTH_TOO_LONG") {
            return Self.failure(
                url,
                "the server did not answer TLS (it may not take TLS, or wants it first: --tls-first)",
                hint: "check the server's tls block, or connect with nats:// if it has none."
            )
        }
        return Self.failure(url, "the TLS handshake failed: \(text)", hint: "check the server's tls block and log.")
    }

    private func fileError(_ path: String, _ what: String, _ url: String, _ error: any Error) -> PatinoxError {
        Self.failure(url, "cannot load the \(what) file '\(path)': \(error)", hint: "give a readable PEM file.")
    }

    static func failure(_ url: String, _ message: String, hint: String) -> PatinoxError {
        PatinoxError(
            code: .feedFailed,
            context: ErrorContext(component: .feed, name: url, operation: "TLS"),
            message: message,
            recovery: .reconfigure(hint: hint)
        )
    }
}
