/// `token_from`: where a route reads the token.
public enum TokenSource: String, Sendable, Hashable, CaseIterable {
    /// `Authorization: Bearer TOKEN`.
    case bearer
    /// The password of `Authorization: Basic`, as `docker login` sends it.
    case basic
}
