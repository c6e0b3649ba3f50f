/// The `tls` block: the files a `listen ... tls` listener serves, re-read on reload.
public struct TLSConfiguration: Sendable, Hashable {
    /// `certificate PATH`: the PEM certificate chain, leaf first; required in the block.
    public let certificateFile: String
    /// `key PATH`: the PEM private key of the leaf certificate; required in the block.
    public let keyFile: String

    /// Creates a TLS configuration.
    public init(certificateFile: String, keyFile: String) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }
}
