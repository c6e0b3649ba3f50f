import Glibc
import HTTP1

/// The access log's `decision`: how the request was decided.
enum AccessDecision: String {
    /// Forwarded: an `auth off` route, or a token that the policy admitted.
    case allow
    /// A valid token that the policy refused (403).
    case deny
    /// No usable credential (401).
    case unauthenticated
    /// Refused before any decision, or failed after it (400, 404, 405, 413, 502, 503, 504).
    case error
}

/// One request's line of the access log, filled in as the request moves through the
/// pipeline and written when its exchange ends.
///
/// It holds no credential: the token, the `Authorization` field and Basic passwords never
/// reach it. `iss` and `sub` are the only claim values logged, as the contract allows.
final class AccessLogEntry {
    /// When the request head was complete, on the monotonic clock, in nanoseconds.
    let startedAt: UInt64
    /// The client's address.
    let client: String
    /// The request method.
    let method: String
    /// The normalised path without the query (the raw one when it could not be normalised).
    var path: String
    /// The `X-Request-Id` passed on or created.
    var requestID = ""
    /// The route chosen; empty when none was.
    var route = ""
    /// How the request was decided; an error until something decides otherwise.
    var decision = AccessDecision.error
    /// Why, without claim values: `allow #1`, `token expired`, `no route`.
    var reason = ""
    /// The issuer block that accepted the token.
    var issuer = ""
    /// The token's `iss`: verified, or as read from a token that was refused.
    var iss = ""
    /// The verified token's `sub`.
    var sub = ""
    /// When the upstream request started, in monotonic nanoseconds; 0 when none did.
    var upstreamStartedAt: UInt64 = 0
    /// When the upstream's response head arrived, in monotonic nanoseconds; 0 until then.
    var upstreamAnsweredAt: UInt64 = 0

    /// An entry for a request head that has just arrived.
    init(client: String, method: String, path: String) {
        startedAt = Self.now()
        self.client = client
        self.method = method
        self.path = path
    }

    /// Records a decision and its reason.
    func decide(_ decision: AccessDecision, _ reason: String) {
        self.decision = decision
        self.reason = reason
    }

    /// The monotonic clock in nanoseconds.
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
