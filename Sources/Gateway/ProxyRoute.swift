/// Where and how a route forwards: the parts of a route the proxy core needs.
public struct ProxyRoute: Sendable {
    /// The route's name, for logs.
    public var name: String
    /// The route's path prefix, without a trailing slash.
    public var pathPrefix: String
    /// `http` or `https`.
    public var upstreamScheme: String
    /// The upstream's host (an IPv6 literal without brackets).
    public var upstreamHost: String
    /// The upstream's port.
    public var upstreamPort: Int
    /// The upstream URL's path, without a trailing slash; empty for none.
    public var upstreamBasePath: String
    /// Replace the route's prefix by the base path instead of prepending the base path.
    public var stripPrefix: Bool
    /// Send the client's `Host` rather than the upstream's.
    public var preserveHost: Bool
    /// Largest request body; nil for no limit.
    public var maximumBodyLength: UInt64?
    /// Time to the first response byte, in milliseconds.
    public var upstreamTimeout: Int64
    /// Longest silence of the upstream once its response has begun, in milliseconds.
    public var upstreamIdleTimeout: Int64
    /// Trust for an `https` upstream.
    public var upstreamCAFile: String?
    /// Fields set on every response of the route, replacing the upstream's.
    public var responseHeaders: [(name: String, value: String)]
    /// What the route demands of a token; nil for `auth off`.
    public var access: RouteAccess?
    /// Client fields dropped before forwarding (`remove_header`).
    public var removeHeaders: [String]

    /// A route with the contract's defaults for what is not given.
    public init(
        name: String, pathPrefix: String, upstreamScheme: String, upstreamHost: String,
        upstreamPort: Int, upstreamBasePath: String = "", stripPrefix: Bool = false,
        preserveHost: Bool = false, maximumBodyLength: UInt64? = nil,
        upstreamTimeout: Int64 = 60_000, upstreamIdleTimeout: Int64 = 300_000,
        upstreamCAFile: String? = nil,
        responseHeaders: [(name: String, value: String)] = [], access: RouteAccess? = nil,
        removeHeaders: [String] = []
    ) {
        self.name = name
        self.pathPrefix = pathPrefix
        self.upstreamScheme = upstreamScheme
        self.upstreamHost = upstreamHost
        self.upstreamPort = upstreamPort
        self.upstreamBasePath = upstreamBasePath
        self.stripPrefix = stripPrefix
        self.preserveHost = preserveHost
        self.maximumBodyLength = maximumBodyLength
        self.upstreamTimeout = upstreamTimeout
        self.upstreamIdleTimeout = upstreamIdleTimeout
        self.upstreamCAFile = upstreamCAFile
        self.responseHeaders = responseHeaders
        self.access = access
        self.removeHeaders = removeHeaders
    }

    /// The upstream's origin as URLs write it, with the port only when it is not the
    /// scheme's default.
    public var upstreamOrigins: [String] {
        let host = upstreamHost.contains(":") ? "[\(upstreamHost)]" : upstreamHost
        let withPort = "\(upstreamScheme)://\(host):\(upstreamPort)"
        let isDefault =
            (upstreamScheme == "http" && upstreamPort == 80)
            || (upstreamScheme == "https" && upstreamPort == 443)
        return isDefault ? [withPort, "\(upstreamScheme)://\(host)"] : [withPort]
    }

    /// The path the upstream receives for the normalised request `path`.
    public func upstreamPath(for path: String) -> String {
        guard stripPrefix else { return upstreamBasePath + path }
        var rest = pathPrefix == "/" ? path : String(path.dropFirst(pathPrefix.count))
        if rest.isEmpty { rest = upstreamBasePath.isEmpty ? "/" : "" }
        return upstreamBasePath + rest
    }
}
