/// A `route NAME { ... }` block: which requests it takes, who may pass, and where they go.
public struct RouteConfiguration: Sendable, Hashable {
    /// The block's name, as logs and `tokengate verify --route` use it.
    public let name: String
    /// `host`: the names it answers to; empty (the default) for any host.
    public let hosts: [HostPattern]
    /// `path`: the prefix it takes, matched at a segment boundary; required.
    ///
    /// It is kept without a trailing slash (`/` stays `/`).
    public let path: String
    /// `methods`: the allowed methods in upper case; empty (the default) for all.
    public let methods: [String]
    /// `upstream`: where requests go; required.
    ///
    /// Its `path` is the base path, without a trailing slash (empty for none); it has no
    /// query.
    public let upstream: HTTPURL
    /// `strip_prefix`: whether `path` is replaced by the upstream's base path rather than the
    /// base path being put before the whole request path; default off.
    public let stripsPrefix: Bool
    /// `preserve_host`: whether the client's `Host` is sent instead of the upstream's;
    /// default off.
    public let preservesHost: Bool
    /// `auth`: whether a token is needed at all; default `required` (true).
    public let requiresAuthentication: Bool
    /// `issuers`: the names of the issuers whose tokens it takes, in the order they are tried.
    ///
    /// Default every issuer, in file order; empty when no token is needed.
    public let issuers: [String]
    /// `token_from`: where the token is looked for, in order; default bearer only.
    public let tokenSources: [TokenSource]
    /// `allow`: the expressions, as written; a request passes when any holds.
    ///
    /// There is at least one when a token is required.
    public let allowExpressions: [SourceText]
    /// `set_header`: headers replaced on the way to the upstream; default none.
    public let setHeaders: [HeaderAssignment]
    /// `remove_header`: client headers dropped; default none.
    public let removeHeaders: [String]
    /// `forward_token`: whether the credential is passed on to the upstream; default off.
    public let forwardsToken: Bool
    /// `max_body`: the largest request body in bytes, larger ones get 413; default no limit.
    public let maxBodyBytes: Int?
    /// `upstream_timeout`: how long until the upstream's first response byte; default 60s.
    public let upstreamTimeout: Duration
    /// `upstream_idle_timeout`: the longest silence of the upstream once its response has
    /// begun; default 5m.
    public let upstreamIdleTimeout: Duration
    /// `upstream_ca_file`: trust for an `https` upstream; nil for the system store.
    public let upstreamCAFile: String?
    /// `expiry_grace`: how long past its `exp` a token is still taken; default 0.
    public let expiryGrace: Duration
    /// `response_header`: headers set on every response of the route; default none.
    public let responseHeaders: [HeaderAssignment]

    /// Creates a route configuration; every argument left out takes its default.
    public init(
        name: String,
        hosts: [HostPattern] = [],
        path: String,
        methods: [String] = [],
        upstream: HTTPURL,
        stripsPrefix: Bool = false,
        preservesHost: Bool = false,
        requiresAuthentication: Bool = true,
        issuers: [String] = [],
        tokenSources: [TokenSource] = [.bearer],
        allowExpressions: [SourceText] = [],
        setHeaders: [HeaderAssignment] = [],
        removeHeaders: [String] = [],
        forwardsToken: Bool = false,
        maxBodyBytes: Int? = nil,
        upstreamTimeout: Duration = .seconds(60),
        upstreamIdleTimeout: Duration = .seconds(300),
        upstreamCAFile: String? = nil,
        expiryGrace: Duration = .zero,
        responseHeaders: [HeaderAssignment] = []
    ) {
        self.name = name
        self.hosts = hosts
        self.path = path
        self.methods = methods
        self.upstream = upstream
        self.stripsPrefix = stripsPrefix
        self.preservesHost = preservesHost
        self.requiresAuthentication = requiresAuthentication
        self.issuers = issuers
        self.tokenSources = tokenSources
        self.allowExpressions = allowExpressions
        self.setHeaders = setHeaders
        self.removeHeaders = removeHeaders
        self.forwardsToken = forwardsToken
        self.maxBodyBytes = maxBodyBytes
        self.upstreamTimeout = upstreamTimeout
        self.upstreamIdleTimeout = upstreamIdleTimeout
        self.upstreamCAFile = upstreamCAFile
        self.expiryGrace = expiryGrace
        self.responseHeaders = responseHeaders
    }
}
