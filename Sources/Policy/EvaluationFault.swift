/// Why an expression has no value for a request (CEL's "error" value): a missing claim, a
/// type mismatch, an input `matches` refuses.
///
/// The texts are made only when asked for, since `&&` and `||` often absorb a fault.
struct EvaluationFault: Error, Sendable {
    /// What went wrong with the subject.
    enum Problem: Sendable {
        /// A map member or header is absent.
        case missing
        /// A list index past either end.
        case outOfRange
        /// The subject holds this value where an operation needs `wanted` ("a map").
        case wrongType(PolicyValue, wanted: String)
        /// The subject holds this value, which cannot be compared with `other`.
        case mismatch(PolicyValue, other: PolicyValue)
        /// A `matches` input longer than `RegexHandle.inputLimit` bytes.
        case tooLong
        /// A `matches` input with a NUL, which `regexec` would read as its end.
        case holdsNUL
        /// `regexec` failed (out of memory).
        case searchFailed
        /// A header value would hold this string, which holds a control character.
        case controlCharacter(String)
    }

    /// The part of the expression the fault is about.
    let subject: ExpressionNode
    let problem: Problem

    /// The explanation without any value, for logs and error bodies.
    var reason: String {
        let name = subject.description
        switch problem {
        case .missing: return "\(name) is missing"
        case .outOfRange: return "\(name) is out of range"
        case .wrongType(let value, let wanted):
            return "\(name) is \(Self.kind(of: value)), wants \(wanted)"
        case .mismatch(let value, let other):
            return "\(name) is \(Self.kind(of: value)), cannot compare with \(Self.kind(of: other))"
        case .tooLong: return "\(name) is longer than \(RegexHandle.inputLimit) bytes for matches"
        case .holdsNUL: return "\(name) holds a NUL character, which matches cannot search"
        case .searchFailed: return "\(name) could not be searched"
        case .controlCharacter: return "\(name) holds a control character"
        }
    }

    /// The explanation with the values involved, for `tokengate verify`.
    var reasonWithValues: String {
        let name = subject.description
        switch problem {
        case .wrongType(let value, let wanted):
            return "\(name) is \(value.shown), wants \(wanted)"
        case .mismatch(let value, let other):
            return "\(name) is \(value.shown), cannot compare with \(other.shown)"
        case .controlCharacter(let value):
            return "\(name) is \(PolicyValue.string(value).shown), holds a control character"
        default:
            return reason
        }
    }

    /// `a string`, `a list`, `null`: a value's kind with its article.
    static func kind(of value: PolicyValue) -> String {
        value == .null ? "null" : "a \(value.typeName)"
    }
}
