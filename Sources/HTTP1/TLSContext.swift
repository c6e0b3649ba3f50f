import COpenSSL

/// The certificate chain and key an HTTPS listener serves, loaded once into an OpenSSL
/// server context that every loop's connections share.
///
/// `@unchecked Sendable` because the context is not changed after `init` and OpenSSL allows
/// `SSL_new` on it from any thread; each session holds a reference of its own, so a context
/// a reload replaced stays alive for the connections that still use it.
public final class TLSContext: @unchecked Sendable {
    /// Why a certificate chain or key could not be used.
    public struct LoadError: Error, CustomStringConvertible {
        /// What went wrong, naming the file.
        public let description: String
    }

    let context: OpaquePointer

    /// Reads the PEM certificate chain (leaf first) and the private key that must match
    /// it; TLS 1.2 and 1.3 only, ALPN `http/1.1`.
    public init(certificateFile: String, keyFile: String) throws(LoadError) {
        var reason = [CChar](repeating: 0, count: 1024)
        guard
            let context = tgssl_server_context_new(
                certificateFile, keyFile, &reason, reason.count)
        else {
            let text = String(
                decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
                as: UTF8.self)
            throw LoadError(description: text)
        }
        self.context = context
    }

    deinit {
        SSL_CTX_free(context)
    }
}
