/// `audience`: what an issuer's tokens must hold in `aud`.
public enum AudienceRequirement: Sendable, Hashable {
    /// `audience any`: `aud` is not checked, by explicit choice.
    case any
    /// `aud` (a string or an array) must hold one of these values.
    case oneOf([String])
}
