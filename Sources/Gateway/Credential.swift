import Foundation
import HTTP1

/// Where a route reads the token from (`token_from`).
public enum CredentialSource: Sendable, Equatable {
    /// `Authorization: Bearer TOKEN`, the scheme in any case.
    case bearer
    /// The password of `Authorization: Basic`, as `docker login` sends it.
    case basic
}

/// The token a request carries, read from its one `Authorization` header.
enum Credential {
    /// What reading found.
    enum Reading: Equatable {
        /// A token, by the source it came from.
        case token([UInt8])
        /// No credential of an accepted kind.
        case missing
        /// More than one `Authorization` header, or one that cannot be read.
        case malformed(String)
    }

    /// Reads the token from `head` as `sources` allow, in their order.
    static func read(_ head: RequestHead, sources: [CredentialSource]) -> Reading {
        var found: HeaderField?
        for field in head.headers where field.hasName("authorization") {
            guard found == nil else { return .malformed("more than one Authorization header") }
            found = field
        }
        guard let value = found?.value else { return .missing }
        // One contiguous copy, then byte work: the token is most of the header's length.
        let bytes = Array(value.utf8)
        guard let space = bytes.firstIndex(of: 0x20) else { return .missing }
        var start = space
        while start < bytes.count, bytes[start] == 0x20 { start += 1 }
        let scheme = bytes[..<space]
        for source in sources {
            switch source {
            case .bearer where isScheme(scheme, "bearer"):
                return start < bytes.count ? .token(Array(bytes[start...])) : .missing
            case .basic where isScheme(scheme, "basic"):
                return basicPassword(String(decoding: bytes[start...], as: UTF8.self))
            default:
                continue
            }
        }
        return .missing
    }

    /// Whether `scheme` is `name` (lower case) in any case (RFC 9110 §11.1).
    private static func isScheme(_ scheme: ArraySlice<UInt8>, _ name: StaticString) -> Bool {
        scheme.count == name.utf8CodeUnitCount
            && zip(scheme, UnsafeBufferPointer(start: name.utf8Start, count: scheme.count))
                .allSatisfy { ($0 | 0x20) == $1 }
    }

    /// The password of `user:password`, base64 per RFC 7617.
    private static func basicPassword(_ encoded: String) -> Reading {
        guard let decoded = Data(base64Encoded: encoded),
            let colon = decoded.firstIndex(of: UInt8(ascii: ":"))
        else { return .malformed("Basic credentials are not base64 user:password") }
        let password = Array(decoded[decoded.index(after: colon)...])
        return password.isEmpty ? .missing : .token(password)
    }
}
