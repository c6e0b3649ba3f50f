/// One proxy listener: `listen ADDRESS:PORT [tls]`.
public struct ListenerConfiguration: Sendable, Hashable {
    /// The address and port to bind.
    public let address: ListenAddress
    /// Whether it serves HTTPS with the `tls` block's certificate and key (TLS 1.2 and 1.3,
    /// ALPN `http/1.1`); plain HTTP by default.
    public let usesTLS: Bool

    /// Creates a listener configuration.
    public init(address: ListenAddress, usesTLS: Bool = false) {
        self.address = address
        self.usesTLS = usesTLS
    }
}
