/// What one directive takes: arguments, whether it may repeat, whether it opens a block.
///
/// The tables below are the whole configuration language.
struct DirectiveRule: Sendable {
    /// How the directive is written, for messages: `listen ADDRESS:PORT [tls]`.
    let usage: String
    /// The fewest arguments.
    let minimum: Int
    /// The most arguments; `Int.max` for a list.
    let maximum: Int
    /// Whether it may appear more than once in its block.
    let isRepeatable: Bool
    /// Whether it opens a block.
    let hasBlock: Bool

    private init(_ usage: String, _ arguments: ClosedRange<Int>, repeats: Bool, block: Bool) {
        self.usage = usage
        self.minimum = arguments.lowerBound
        self.maximum = arguments.upperBound
        self.isRepeatable = repeats
        self.hasBlock = block
    }

    /// A directive with exactly one argument that appears at most once.
    static func single(_ usage: String) -> DirectiveRule {
        DirectiveRule(usage, 1...1, repeats: false, block: false)
    }

    /// A directive with a list of one or more arguments that appears at most once.
    static func list(_ usage: String) -> DirectiveRule {
        DirectiveRule(usage, 1...Int.max, repeats: false, block: false)
    }

    /// A directive that may appear many times, each with these many arguments.
    static func repeated(_ usage: String, _ arguments: ClosedRange<Int>) -> DirectiveRule {
        DirectiveRule(usage, arguments, repeats: true, block: false)
    }

    /// A block directive with `arguments` arguments before its `{`.
    static func block(_ usage: String, _ arguments: Int, repeats: Bool) -> DirectiveRule {
        DirectiveRule(usage, arguments...arguments, repeats: repeats, block: true)
    }
}

/// The kinds of block in a configuration, each with the directives it allows.
enum BlockKind: CaseIterable, Sendable {
    case main, tls, limits, issuer, route

    /// Where a directive of this kind of block stands, for messages.
    var placement: String {
        switch self {
        case .main: "at the top level"
        case .tls: "in the tls block"
        case .limits: "in the limits block"
        case .issuer: "in an issuer block"
        case .route: "in a route block"
        }
    }

    /// The directives this kind of block allows, by name.
    var rules: [String: DirectiveRule] {
        switch self {
        case .main: Self.mainRules
        case .tls: Self.tlsRules
        case .limits: Self.limitsRules
        case .issuer: Self.issuerRules
        case .route: Self.routeRules
        }
    }

    private static let mainRules: [String: DirectiveRule] = [
        "listen": .repeated("listen ADDRESS:PORT [tls]", 1...2),
        "tls": .block("tls { ... }", 0, repeats: false),
        "admin": .single("admin ADDRESS:PORT"),
        "log_format": .single("log_format logfmt|json"),
        "access_log": .single("access_log stderr|stdout|off|PATH"),
        "limits": .block("limits { ... }", 0, repeats: false),
        "issuer": .block("issuer NAME { ... }", 1, repeats: true),
        "route": .block("route NAME { ... }", 1, repeats: true),
    ]

    private static let tlsRules: [String: DirectiveRule] = [
        "certificate": .single("certificate PATH"),
        "key": .single("key PATH"),
    ]

    private static let limitsRules: [String: DirectiveRule] = [
        "max_connections": .single("max_connections COUNT"),
        "header_timeout": .single("header_timeout DURATION"),
        "body_timeout": .single("body_timeout DURATION"),
        "idle_timeout": .single("idle_timeout DURATION"),
        "max_header_bytes": .single("max_header_bytes SIZE"),
        "shutdown_timeout": .single("shutdown_timeout DURATION"),
    ]

    private static let issuerRules: [String: DirectiveRule] = [
        "issuer": .single("issuer URL"),
        "jwks_url": .single("jwks_url URL"),
        "jwks_file": .single("jwks_file PATH"),
        "discovery": .single("discovery on|off"),
        "audience": .list("audience VALUE..."),
        "algorithms": .list("algorithms ALG..."),
        "hmac_secret_file": .single("hmac_secret_file PATH"),
        "leeway": .single("leeway DURATION"),
        "refresh": .single("refresh DURATION"),
        "kid_miss_interval": .single("kid_miss_interval DURATION"),
        "max_stale": .single("max_stale DURATION"),
        "ca_file": .single("ca_file PATH"),
    ]

    private static let routeRules: [String: DirectiveRule] = [
        "host": .list("host NAME..."),
        "path": .single("path PREFIX"),
        "methods": .list("methods METHOD..."),
        "upstream": .single("upstream URL"),
        "strip_prefix": .single("strip_prefix on|off"),
        "preserve_host": .single("preserve_host on|off"),
        "auth": .single("auth required|off"),
        "issuers": .list("issuers NAME..."),
        "token_from": .list("token_from bearer|basic..."),
        "allow": .repeated("allow EXPRESSION", 1...1),
        "set_header": .repeated("set_header NAME VALUE", 2...2),
        "remove_header": .repeated("remove_header NAME", 1...1),
        "forward_token": .single("forward_token on|off"),
        "max_body": .single("max_body SIZE"),
        "upstream_timeout": .single("upstream_timeout DURATION"),
        "upstream_idle_timeout": .single("upstream_idle_timeout DURATION"),
        "upstream_ca_file": .single("upstream_ca_file PATH"),
        "expiry_grace": .single("expiry_grace DURATION"),
        "response_header": .repeated("response_header NAME VALUE", 2...2),
    ]
}
