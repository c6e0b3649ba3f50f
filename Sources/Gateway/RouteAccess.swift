import Policy

/// What an authenticated route demands of a request, compiled at load.
public struct RouteAccess: Sendable {
    /// Issuer blocks whose tokens the route takes, in the order they are tried; empty: all.
    public var issuers: [String]
    /// Where the token is read, in order.
    public var sources: [CredentialSource]
    /// The `allow` rules.
    public var allow: AllowRules
    /// `set_header` fields: name and compiled template.
    public var setHeaders: [(name: String, template: HeaderTemplate)]
    /// Whether the credential goes on to the upstream.
    public var forwardsToken: Bool
    /// Seconds an expired token is still accepted.
    public var expiryGrace: Double

    /// Access rules with these parts.
    public init(
        issuers: [String], sources: [CredentialSource], allow: AllowRules,
        setHeaders: [(name: String, template: HeaderTemplate)], forwardsToken: Bool,
        expiryGrace: Double
    ) {
        self.issuers = issuers
        self.sources = sources
        self.allow = allow
        self.setHeaders = setHeaders
        self.forwardsToken = forwardsToken
        self.expiryGrace = expiryGrace
    }

    /// Whether a 401 on this route challenges `Basic` (its `token_from` starts with basic).
    public var challengesBasic: Bool { sources.first == .basic }
}
