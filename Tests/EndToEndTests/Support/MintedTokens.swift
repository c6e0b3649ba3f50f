import Foundation
import Testing

/// Every token the end-to-end tests mint, so that each daemon's log can be checked, when it
/// stops, for any of them: the token, the Authorization header and Basic passwords never
/// appear in a log (DESIGN.md, "Operating it").
final class MintedTokens: @unchecked Sendable {
    static let shared = MintedTokens()
    private let lock = NSLock()
    private var signatures: Set<String> = []

    /// Remembers `token` by its signature segment, which no log has reason to hold.
    func record(_ token: String) {
        let parts = token.split(separator: ".")
        guard parts.count == 3, parts[2].count >= 16 else { return }
        _ = lock.withLock { signatures.insert(String(parts[2])) }
    }

    /// The signatures of the minted tokens that `log` contains.
    func leaked(in log: String) -> [String] {
        lock.withLock { signatures.filter { log.contains($0) } }
    }
}
