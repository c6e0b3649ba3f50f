/// An `issuer NAME { ... }` block: whose tokens are trusted, and where their keys come from.
public struct IssuerConfiguration: Sendable, Hashable {
    /// The algorithm names `algorithms` accepts (RFC 7518 §3, RFC 8037 §3.1); `none` never.
    public static let knownAlgorithms = [
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
        "EdDSA", "HS256", "HS384", "HS512",
    ]

    /// The algorithms accepted when `algorithms` is not given: every asymmetric one.
    public static let defaultAlgorithms = knownAlgorithms.filter { !$0.hasPrefix("HS") }

    /// The block's name, which routes' `issuers` lines and the `issuer` expression value use.
    public let name: String
    /// `issuer`: the expected `iss`, compared exactly; required.
    public let issuer: String
    /// `jwks_url`: where the key set is fetched; nil to use discovery or a file.
    public let jwksURL: HTTPURL?
    /// `jwks_file`: a key set on disk, re-read on reload; nil when keys are fetched.
    public let jwksFile: String?
    /// `discovery`: whether `ISSUER/.well-known/openid-configuration` names the key set;
    /// on when neither `jwks_url` nor `jwks_file` is given, else off.
    public let usesDiscovery: Bool
    /// `audience`: what `aud` must hold; required.
    public let audience: AudienceRequirement
    /// `algorithms`: the accepted algorithm names, in the order given.
    ///
    /// Default `defaultAlgorithms`; HMAC ones appear only together with `hmacSecretFile`.
    public let algorithms: [String]
    /// `hmac_secret_file`: the shared secret for HS algorithms; default none.
    ///
    /// An HMAC key is never taken from a key set, fetched or on disk.
    public let hmacSecretFile: String?
    /// `leeway`: clock skew allowed on `exp` and `nbf`; default 60s.
    public let leeway: Duration
    /// `refresh`: the longest a key set is used before it is fetched again; default 1h.
    public let refresh: Duration
    /// `kid_miss_interval`: the least time between two refreshes caused by unknown `kid`s;
    /// default 30s.
    public let kidMissInterval: Duration
    /// `max_stale`: how long a key set keeps serving while its source fails; default 24h.
    public let maxStale: Duration
    /// `ca_file`: trust for fetching keys; nil for the system store.
    public let caFile: String?

    /// Creates an issuer configuration; every argument left out takes its default, and
    /// `usesDiscovery` left nil is on exactly when no `jwksURL` or `jwksFile` is given.
    public init(
        name: String,
        issuer: String,
        jwksURL: HTTPURL? = nil,
        jwksFile: String? = nil,
        usesDiscovery: Bool? = nil,
        audience: AudienceRequirement,
        algorithms: [String] = IssuerConfiguration.defaultAlgorithms,
        hmacSecretFile: String? = nil,
        leeway: Duration = .seconds(60),
        refresh: Duration = .seconds(3600),
        kidMissInterval: Duration = .seconds(30),
        maxStale: Duration = .seconds(86400),
        caFile: String? = nil
    ) {
        self.name = name
        self.issuer = issuer
        self.jwksURL = jwksURL
        self.jwksFile = jwksFile
        self.usesDiscovery = usesDiscovery ?? (jwksURL == nil && jwksFile == nil)
        self.audience = audience
        self.algorithms = algorithms
        self.hmacSecretFile = hmacSecretFile
        self.leeway = leeway
        self.refresh = refresh
        self.kidMissInterval = kidMissInterval
        self.maxStale = maxStale
        self.caFile = caFile
    }
}
