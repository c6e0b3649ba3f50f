/// An IP address and TCP port that a listener binds: `127.0.0.1:8080`, `[::]:8443`.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address in canonical text, an IPv6 one without brackets: `127.0.0.1`, `::`.
    public let host: String
    /// The port, 1 to 65535.
    public let port: Int

    /// Creates an address from its parts.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Whether `host` is an IPv6 address.
    public var isIPv6: Bool { host.contains(":") }

    /// `ADDRESS:PORT`, with brackets around an IPv6 address.
    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Reads `IPV4:PORT` or `[IPV6]:PORT`; a host name is refused, since a listener binds
    /// an address and a name may stand for several or change.
    static func parse(_ text: String) throws(ValueError) -> ListenAddress {
        let usage = "\"\(text)\" is not ADDRESS:PORT (such as 127.0.0.1:8080 or [::]:8443)"
        guard let colon = text.lastIndex(of: ":") else { throw ValueError(usage) }
        let hostText = text[..<colon]
        let port = try Self.port(String(text[text.index(after: colon)...]))
        let host: String?
        if hostText.hasPrefix("[") {
            guard hostText.hasSuffix("]"), hostText.count > 2 else { throw ValueError(usage) }
            host = IPAddressText.canonicalIPv6(String(hostText.dropFirst().dropLast()))
        } else {
            host = IPAddressText.canonicalIPv4(String(hostText))
        }
        guard let host else {
            throw ValueError(
                "\"\(hostText)\" is not an IP address: write an IPv4 address or an IPv6 one "
                    + "in brackets")
        }
        return ListenAddress(host: host, port: port)
    }

    /// Reads a TCP port, 1 to 65535.
    static func port(_ text: String) throws(ValueError) -> Int {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy(\.isASCIIDigit), let port = Int(text),
            (1...65535).contains(port)
        else { throw ValueError("\"\(text)\" is not a port number from 1 to 65535") }
        return port
    }
}
