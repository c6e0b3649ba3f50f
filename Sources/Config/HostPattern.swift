/// A `host` name a route answers to: one exact name, or every name below a domain.
public enum HostPattern: Sendable, Hashable, CustomStringConvertible {
    /// Exactly this lower-case name (an IPv6 address keeps its brackets).
    case exact(String)
    /// `*.DOMAIN`: one or more labels before the lower-case `DOMAIN`, never `DOMAIN` itself.
    case wildcard(domain: String)

    /// Whether a request's host, given without its port, matches; case is ignored.
    public func matches(_ host: String) -> Bool {
        let host = host.lowercased()
        switch self {
        case .exact(let name):
            return host == name
        case .wildcard(let domain):
            return host.hasSuffix("." + domain) && host.count > domain.count + 1
                && !host.hasPrefix(".")
        }
    }

    /// The pattern as a configuration writes it.
    public var description: String {
        switch self {
        case .exact(let name): name
        case .wildcard(let domain): "*." + domain
        }
    }

    /// Reads `NAME` or `*.DOMAIN`, a name being labels of letters, digits, `-` and `_`, or
    /// an IPv4 address, or an IPv6 address in brackets.
    static func parse(_ text: String) throws(ValueError) -> HostPattern {
        let name = text.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]"),
            let address = IPAddressText.canonicalIPv6(String(name.dropFirst().dropLast()))
        {
            return .exact("[\(address)]")
        }
        if name.contains(":") {
            throw ValueError("a host pattern names no port: \"\(text)\"")
        }
        if name.hasPrefix("*.") {
            let domain = String(name.dropFirst(2))
            guard isHostName(domain) else {
                throw ValueError("\"\(text)\" is not a host name pattern such as *.example.com")
            }
            return .wildcard(domain: domain)
        }
        guard isHostName(name) else {
            throw ValueError(
                "\"\(text)\" is not a host name (a \"*.\" may only begin a pattern)")
        }
        return .exact(name)
    }

    private static func isHostName(_ name: String) -> Bool {
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        return !name.isEmpty
            && labels.allSatisfy { label in
                !label.isEmpty && label.count <= 63
                    && label.allSatisfy {
                        $0.isASCIIDigit || ("a"..."z").contains($0) || "-_".contains($0)
                    }
            }
    }
}
