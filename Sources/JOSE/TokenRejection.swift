#if canImport(Glibc)
    import Glibc
#endif

/// Why a token was refused: one case per reason, as the wire mapping and the logs need.
public enum TokenRejection: Error, Equatable, Sendable {
    /// Not a compact JWS, or a header or payload that is not what a JWT must be.
    case malformed(String)
    /// The header names an algorithm this issuer does not accept (`none` among them).
    case algorithmNotAllowed(algorithm: String, issuerName: String?)
    /// No key in the set has the token's `kid`: a refresh may find it.
    case unknownKeyID(String)
    /// The key set names the `kid`, but its key was left out on import (too weak, not on
    /// its curve, ...).
    case unusableKey(keyID: String, reason: String)
    /// Keys exist for the `kid` (or the set has keys) but none fits the algorithm.
    case noFittingKey(keyID: String?, algorithm: String)
    /// No candidate key verifies the signature.
    case badSignature
    /// `exp` plus the leeway lies in the past.
    case expired(at: Double)
    /// `nbf` minus the leeway lies in the future.
    case notYetValid(until: Double)
    /// `iss` is absent or differs from the expected issuer.
    case wrongIssuer(actual: String?, expected: String)
    /// `aud` holds none of the accepted audiences.
    case wrongAudience
    /// The issuer's keys cannot be had.
    case keysUnavailable(String)

    /// One line with the values involved, for `tokengate verify` only.
    public var detail: String {
        switch self {
        case .malformed(let what): "malformed token: \(what)"
        case .algorithmNotAllowed(let algorithm, let issuerName):
            "algorithm \(Self.bare(algorithm)) is not allowed"
                + (issuerName.map { " for issuer \($0)" } ?? "")
        case .unknownKeyID(let keyID): "no key with kid \(keyID.shownSafely()) in the key set"
        case .unusableKey(let keyID, let reason):
            "the key with kid \(keyID.shownSafely()) was left out of the key set: \(reason)"
        case .noFittingKey(let keyID?, let algorithm):
            "no key with kid \(keyID.shownSafely()) fits algorithm \(Self.bare(algorithm))"
        case .noFittingKey(nil, let algorithm):
            "no key in the key set fits algorithm \(Self.bare(algorithm))"
        case .badSignature: "signature does not verify"
        case .expired(let time): "token expired at \(Self.timestamp(time))"
        case .notYetValid(let time): "token not valid before \(Self.timestamp(time))"
        case .wrongIssuer(let actual?, let expected):
            "iss is \(actual.shownSafely()), wants \(expected.shownSafely())"
                + trailingSlashNote(actual, expected)
        case .wrongIssuer(nil, let expected):
            "token has no string iss, wants \(expected.shownSafely())"
        case .wrongAudience: "aud holds none of the accepted audiences"
        case .keysUnavailable(let why): "issuer keys unavailable: \(why)"
        }
    }

    /// A short description without claim values, for error bodies and logs.
    public var summary: String {
        switch self {
        case .malformed: "token malformed"
        case .algorithmNotAllowed(let algorithm, let issuerName):
            "algorithm \(Self.bare(algorithm)) is not allowed"
                + (issuerName.map { " for issuer \($0)" } ?? "")
        case .unknownKeyID: "unknown kid"
        case .unusableKey: "the key of this kid is unusable"
        case .noFittingKey: "no key fits the token's algorithm"
        case .badSignature: "signature does not verify"
        case .expired: "token expired"
        case .notYetValid: "token not yet valid"
        case .wrongIssuer(let actual?, let expected):
            "wrong iss" + trailingSlashNote(actual, expected)
        case .wrongIssuer(nil, _): "token has no iss"
        case .wrongAudience: "wrong aud"
        case .keysUnavailable: "issuer keys unavailable"
        }
    }

    private func trailingSlashNote(_ actual: String, _ expected: String) -> String {
        let differsBySlash =
            (actual + "/").isExactly(expected) || (expected + "/").isExactly(actual)
        return differsBySlash ? " (they differ only by a trailing slash)" : ""
    }

    /// An algorithm name as a message shows it: short, printable ASCII only, unquoted.
    private static func bare(_ text: String) -> String {
        let clean = text.unicodeScalars.prefix(16).map { scalar in
            scalar.value >= 0x21 && scalar.value < 0x7F ? Character(scalar) : "?"
        }
        return String(clean)
    }

    /// RFC 3339 UTC time with seconds, as in `2026-12-03T10:00:00Z`.
    static func timestamp(_ seconds: Double) -> String {
        guard abs(seconds) < 1e15 else { return "\(seconds)" }
        var time = time_t(seconds.rounded(.down))
        var parts = tm()
        guard gmtime_r(&time, &parts) != nil else { return "\(seconds)" }
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-"
            + "\(pad(parts.tm_mday, 2))T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):"
            + "\(pad(parts.tm_sec, 2))Z"
    }
}
