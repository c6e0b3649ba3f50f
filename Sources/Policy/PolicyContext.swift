/// What an expression may read about one request: the verified claims, the issuer block
/// that accepted the token, and a few request fields.
public struct PolicyContext: Sendable {
    /// Headers an expression never sees: credentials stay out of policies and their
    /// explanations, whatever a rule asks for.
    static let hiddenHeaders: Set<String> = ["authorization", "cookie", "proxy-authorization"]

    /// The verified token's payload.
    public var claims: [String: PolicyValue]
    /// The name of the issuer block that accepted the token (`github`, not its URL).
    public var issuer: String
    /// The request method, as sent.
    public var method: String
    /// The normalised path, without the query.
    public var path: String
    /// The request's host without port, or the empty string when it named none.
    public var host: String
    /// Header values by lower-case name; repeated fields joined by `, `.
    public private(set) var headers: [String: String]

    /// A context for one request.
    ///
    /// Header names are lowered, repeated fields joined by `, ` (RFC 9110 §5.3), and
    /// `authorization`, `cookie` and `proxy-authorization` left out. The request
    /// defaults (`GET /`, no host, no headers) are those of `tokengate verify` without
    /// `--method`, `--path` or `--host`.
    public init(
        claims: [String: PolicyValue],
        issuer: String,
        method: String = "GET",
        path: String = "/",
        host: String? = nil,
        headers: [(name: String, value: String)] = []
    ) {
        self.claims = claims
        self.issuer = issuer
        self.method = method
        self.path = path
        self.host = host ?? ""
        var joined: [String: String] = [:]
        for (name, value) in headers {
            let lowered = Self.asciiLowercased(name)
            if Self.hiddenHeaders.contains(lowered) { continue }
            if let earlier = joined[lowered] {
                joined[lowered] = earlier + ", " + value
            } else {
                joined[lowered] = value
            }
        }
        self.headers = joined
    }

    /// `name` with ASCII letters lowered and everything else kept.
    static func asciiLowercased(_ name: String) -> String {
        String(decoding: name.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
