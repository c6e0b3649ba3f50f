/// A whole `proxy.conf`, resolved and checked: immutable, replaced whole on reload.
///
/// Read one with `parse(text:fileName:checkingFiles:)` or `load(path:)`.
public struct ProxyConfiguration: Sendable, Hashable {
    /// `listen`: the proxy listeners, in file order; at least one.
    public let listeners: [ListenerConfiguration]
    /// The `tls` block, present whenever a listener uses TLS; default none.
    public let tls: TLSConfiguration?
    /// `admin`: the listener for `/metrics`, `/healthz` and `/readyz`; default off (nil).
    public let admin: ListenAddress?
    /// `log_format`: default `logfmt`.
    public let logFormat: LogFormat
    /// `access_log`: default standard error.
    public let accessLog: AccessLogDestination
    /// The `limits` block, each field defaulted when not given.
    public let limits: LimitsConfiguration
    /// The `issuer` blocks, in file order, with distinct names.
    public let issuers: [IssuerConfiguration]
    /// The `route` blocks, in file order (ties in route choice go to the first), with
    /// distinct names.
    public let routes: [RouteConfiguration]

    /// Creates a configuration; every argument left out takes its default.
    public init(
        listeners: [ListenerConfiguration],
        tls: TLSConfiguration? = nil,
        admin: ListenAddress? = nil,
        logFormat: LogFormat = .logfmt,
        accessLog: AccessLogDestination = .standardError,
        limits: LimitsConfiguration = LimitsConfiguration(),
        issuers: [IssuerConfiguration] = [],
        routes: [RouteConfiguration] = []
    ) {
        self.listeners = listeners
        self.tls = tls
        self.admin = admin
        self.logFormat = logFormat
        self.accessLog = accessLog
        self.limits = limits
        self.issuers = issuers
        self.routes = routes
    }

    /// The issuer block named `name`, if there is one.
    public func issuer(named name: String) -> IssuerConfiguration? {
        issuers.first { $0.name == name }
    }

    /// The route block named `name`, if there is one.
    public func route(named name: String) -> RouteConfiguration? {
        routes.first { $0.name == name }
    }
}
