import COpenSSL

/// A JWS `alg` that tokengate can check (RFC 7518 §3, RFC 8037 §3.1), `none` never.
public enum SignatureAlgorithm: String, Sendable, CaseIterable, Hashable {
    case rs256 = "RS256"
    case rs384 = "RS384"
    case rs512 = "RS512"
    case ps256 = "PS256"
    case ps384 = "PS384"
    case ps512 = "PS512"
    case es256 = "ES256"
    case es384 = "ES384"
    case es512 = "ES512"
    case edDSA = "EdDSA"
    case hs256 = "HS256"
    case hs384 = "HS384"
    case hs512 = "HS512"

    /// The algorithms an issuer accepts unless configured otherwise: every asymmetric one.
    public static let asymmetric: Set<SignatureAlgorithm> = Set(allCases.filter { !$0.isHMAC })

    /// Whether this is a MAC with a shared secret rather than a public-key signature.
    public var isHMAC: Bool {
        switch self {
        case .hs256, .hs384, .hs512: true
        default: false
        }
    }

    /// The key type (`kty`) a key needs to check this algorithm, `oct` for HMAC.
    public var keyType: KeyType {
        switch self {
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512: .rsa
        case .es256, .es384, .es512: .ec
        case .edDSA: .okp
        case .hs256, .hs384, .hs512: .oct
        }
    }

    /// The curve an EC or OKP key needs; nil for other key types.
    public var curve: String? {
        switch self {
        case .es256: "P-256"
        case .es384: "P-384"
        case .es512: "P-521"
        case .edDSA: "Ed25519"
        default: nil
        }
    }

    /// Digest size in bits; 0 for EdDSA, which hashes internally.
    var digestBits: Int32 {
        switch self {
        case .rs256, .ps256, .es256, .hs256: 256
        case .rs384, .ps384, .es384, .hs384: 384
        case .rs512, .ps512, .es512, .hs512: 512
        case .edDSA: 0
        }
    }

    /// The OpenSSL shim's signature scheme; nil for HMAC.
    var scheme: tgssl_scheme? {
        switch self {
        case .rs256, .rs384, .rs512: TGSSL_SCHEME_RSA_PKCS1
        case .ps256, .ps384, .ps512: TGSSL_SCHEME_RSA_PSS
        case .es256, .es384, .es512: TGSSL_SCHEME_ECDSA
        case .edDSA: TGSSL_SCHEME_EDDSA
        case .hs256, .hs384, .hs512: nil
        }
    }
}

/// A JWK key type (RFC 7518 §6.1, RFC 8037 §2).
public enum KeyType: String, Sendable, Hashable {
    case rsa = "RSA"
    case ec = "EC"
    case okp = "OKP"
    case oct = "oct"
}
