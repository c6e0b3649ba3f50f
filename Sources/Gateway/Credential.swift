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
        let fields = head.headers.filter { $0.hasName("authorization") }
        guard fields.count <= 1 else { return .malformed("more than one Authorization header") }
        guard let value = fields.first?.value else { return .missing }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2 else { return .missing }
        let scheme = parts[0].lowercased()
        let rest = parts[1].drop { $0 == " " }
        for source in sources {
            switch source {
            case .bearer where scheme == "bearer":
                return rest.isEmpty ? .missing : .token(Array(rest.utf8))
            case .basic where scheme == "basic":
                return basicPassword(rest)
            default:
                continue
            }
        }
        return .missing
    }

    /// The password of `user:password`, base64 per RFC 7617.
    private static func basicPassword(_ encoded: Substring) -> Reading {
        guard let decoded = Data(base64Encoded: String(encoded)),
            let colon = decoded.firstIndex(of: UInt8(ascii: ":"))
        else { return .malformed("Basic credentials are not base64 user:password") }
        let password = Array(decoded[decoded.index(after: colon)...])
        return password.isEmpty ? .missing : .token(password)
    }
}
