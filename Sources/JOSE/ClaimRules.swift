/// What a token's registered claims must satisfy (RFC 7519 §4.1), checked after its signature.
public struct ClaimRules: Sendable, Equatable {
    /// The exact `iss` wanted; nil checks no issuer.
    public var issuer: String?
    /// Audiences of which `aud` must hold one; nil accepts any (`audience any`).
    public var audiences: [String]?
    /// Clock skew allowed on `exp` and `nbf`, in seconds.
    public var leeway: Double
    /// How long after `exp` (plus leeway) a token still passes, in seconds: a route's
    /// `expiry_grace`.
    public var expiryGrace: Double

    /// Rules with the contract's defaults: 60 s of leeway, no grace.
    public init(
        issuer: String? = nil, audiences: [String]? = nil, leeway: Double = 60,
        expiryGrace: Double = 0
    ) {
        self.issuer = issuer
        self.audiences = audiences
        self.leeway = leeway
        self.expiryGrace = expiryGrace
    }

    /// The first rule `claims` breaks at time `now` (seconds since the epoch), or nil.
    ///
    /// `exp` is required and must be a number (integer, fraction or exponent form; a string
    /// is refused); `nbf` must be a number when present; `iat` is never a reason to refuse.
    public func check(_ claims: JSONObject, at now: Double) -> TokenRejection? {
        guard let expiryValue = claims["exp"] else { return .malformed("the token has no exp") }
        guard let expiry = expiryValue.numberValue else {
            return .malformed("exp is not a number")
        }
        // RFC 7519 §4.1.4: the token is valid only *before* exp, so now == exp has expired.
        if now >= expiry + leeway + expiryGrace { return .expired(at: expiry) }

        if let notBeforeValue = claims["nbf"] {
            guard let notBefore = notBeforeValue.numberValue else {
                return .malformed("nbf is not a number")
            }
            if now + leeway < notBefore { return .notYetValid(until: notBefore) }
        }

        if let issuer {
            let actual = claims["iss"]?.stringValue
            if actual?.isExactly(issuer) != true {
                return .wrongIssuer(actual: actual, expected: issuer)
            }
        }

        if let audiences, !audienceMatches(claims["aud"], audiences) { return .wrongAudience }
        return nil
    }

    /// RFC 7519 §4.1.3: `aud` is one string or an array of strings.
    private func audienceMatches(_ audience: JSONValue?, _ wanted: [String]) -> Bool {
        switch audience {
        case .string(let value): wanted.contains { $0.isExactly(value) }
        case .array(let values):
            values.contains { value in
                guard let text = value.stringValue else { return false }
                return wanted.contains { $0.isExactly(text) }
            }
        default: false
        }
    }
}
