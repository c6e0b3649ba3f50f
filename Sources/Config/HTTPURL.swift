/// An `http` or `https` URL taken apart: an upstream, a key-set location, an issuer.
public struct HTTPURL: Sendable, Hashable, CustomStringConvertible {
    /// The two schemes tokengate speaks.
    public enum Scheme: String, Sendable, Hashable {
        /// Plain HTTP, port 80 unless given.
        case http
        /// HTTP over TLS, port 443 unless given.
        case https

        /// The port a URL of this scheme uses when it names none.
        public var defaultPort: Int { self == .http ? 80 : 443 }
    }

    /// The scheme, in lower case.
    public let scheme: Scheme
    /// A lower-case host name, an IPv4 address, or an IPv6 address without brackets.
    public let host: String
    /// The port as given, else the scheme's default.
    public let port: Int
    /// The path as written, or empty when the URL has none.
    public let path: String
    /// The query without its `?`, or nil when there is none.
    public let query: String?

    /// Creates a URL from its parts.
    public init(scheme: Scheme, host: String, port: Int, path: String = "", query: String? = nil) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
        self.query = query
    }

    /// Whether the host always means this machine (`localhost`, `127.0.0.0/8`, `::1`).
    public var isLoopback: Bool { IPAddressText.isLoopback(host) }

    /// The URL written out again, the port only when it is not the scheme's default.
    public var description: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        let port = port == scheme.defaultPort ? "" : ":\(port)"
        return "\(scheme.rawValue)://\(host)\(port)\(path)" + (query.map { "?\($0)" } ?? "")
    }

    /// Reads an absolute `http` or `https` URL without user information or fragment.
    static func parse(_ text: String) throws(ValueError) -> HTTPURL {
        guard let separator = text.firstRange(of: "://"),
            let scheme = Scheme(rawValue: text[..<separator.lowerBound].lowercased())
        else { throw ValueError("\"\(text)\" is not an http:// or https:// URL") }
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw ValueError("a URL holds only visible ASCII characters; escape others with %")
        }
        guard !text.contains("#") else { throw ValueError("a URL here takes no #fragment") }

        let rest = text[separator.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.contains("@") else {
            throw ValueError("a URL here takes no user name or password")
        }
        let (host, port) = try hostAndPort(String(authority), scheme: scheme)

        let target = rest[authorityEnd...]
        let queryStart = target.firstIndex(of: "?")
        let path = String(target[..<(queryStart ?? target.endIndex)])
        let query = queryStart.map { String(target[target.index(after: $0)...]) }
        return HTTPURL(scheme: scheme, host: host, port: port, path: path, query: query)
    }

    private static func hostAndPort(
        _ authority: String, scheme: Scheme
    ) throws(ValueError) -> (String, Int) {
        var hostText = Substring(authority)
        var port = scheme.defaultPort
        let closing = authority.lastIndex(of: "]")
        if let colon = authority.lastIndex(of: ":"), closing.map({ $0 < colon }) ?? true {
            hostText = authority[..<colon]
            port = try ListenAddress.port(String(authority[authority.index(after: colon)...]))
        }
        if hostText.hasPrefix("["), hostText.hasSuffix("]"), hostText.count > 2,
            let address = IPAddressText.canonicalIPv6(String(hostText.dropFirst().dropLast()))
        {
            return (address, port)
        }
        let name = hostText.lowercased()
        let isName = name.allSatisfy {
            $0.isASCIIDigit || ("a"..."z").contains($0) || "-._".contains($0)
        }
        guard !name.isEmpty, isName else {
            throw ValueError("\"\(hostText)\" is not a host name or IP address")
        }
        return (IPAddressText.canonicalIPv4(name) ?? name, port)
    }
}
