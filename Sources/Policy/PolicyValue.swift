/// A value an expression reads or computes: a claim, a request field, or a literal.
///
/// The shape of a JSON value, so that verified claims convert to it one to one; the policy
/// module knows nothing of tokens.
public enum PolicyValue: Sendable, Equatable {
    /// JSON `null`, which equals only itself.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// Every number, integral or not: `1` and `1.0` are the same value.
    case number(Double)
    /// A string, compared by its code points.
    case string(String)
    /// A list (a JSON array).
    case list([PolicyValue])
    /// A map with string keys (a JSON object).
    case map([String: PolicyValue])

    /// The kind of value, as messages name it: `null`, `bool`, `number`, `string`, `list`
    /// or `map`.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .list: "list"
        case .map: "map"
        }
    }
}

extension PolicyValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// `null`.
    public init(nilLiteral: ()) { self = .null }

    /// A bool.
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    /// A number.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }

    /// A number.
    public init(floatLiteral value: Double) { self = .number(value) }

    /// A string.
    public init(stringLiteral value: String) { self = .string(value) }

    /// A list.
    public init(arrayLiteral elements: PolicyValue...) { self = .list(elements) }

    /// A map; a repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, PolicyValue)...) {
        self = .map(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension PolicyValue {
    /// The longest rendering `shown` gives before it cuts the text off.
    static let shownLimit = 200

    /// The value as `tokengate verify` shows it: JSON-like, strings quoted with control and
    /// non-ASCII characters escaped (a claim must not forge a line on a terminal), cut off
    /// after `shownLimit` characters.
    var shown: String {
        var text = ""
        appendShown(to: &text)
        guard text.unicodeScalars.count > Self.shownLimit else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.prefix(Self.shownLimit))) + "…"
    }

    private func appendShown(to text: inout String) {
        guard text.unicodeScalars.count <= Self.shownLimit else { return }
        switch self {
        case .null: text += "null"
        case .bool(let value): text += value ? "true" : "false"
        case .number(let value): text += Self.show(number: value)
        case .string(let value): text += Self.quoted(value)
        case .list(let elements):
            text += "["
            for (position, element) in elements.enumerated() {
                if position > 0 { text += ", " }
                element.appendShown(to: &text)
            }
            text += "]"
        case .map(let members):
            text += "{"
            for (position, key) in members.keys.sorted(by: {
                $0.utf8.lexicographicallyPrecedes($1.utf8)
            })
            .enumerated() {
                if position > 0 { text += ", " }
                text += Self.quoted(key) + ": "
                members[key]?.appendShown(to: &text)
            }
            text += "}"
        }
    }

    /// A number as written in JSON: integral values without a fraction.
    static func show(number value: Double) -> String {
        if let integer = exactInteger(value) { return String(integer) }
        return String(value)
    }

    /// The largest integer no other integer shares a `Double` with: from 2^53 on,
    /// neighbouring integers round to one `Double`.
    static let largestSafeInteger: Int64 = 9_007_199_254_740_991

    /// The integer a number holds, when it holds one that a `Double` represents exactly and
    /// unambiguously: past `largestSafeInteger` the claim the issuer wrote may not be the
    /// one we would print.
    static func exactInteger(_ value: Double) -> Int64? {
        guard value.magnitude <= Double(largestSafeInteger), let integer = Int64(exactly: value)
        else { return nil }
        return integer
    }

    /// A string in double quotes with `\`, `"` and every character outside printable ASCII
    /// escaped.
    static func quoted(_ string: String) -> String {
        var text = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\t": text += "\\t"
            case " "..."~": text.unicodeScalars.append(scalar)
            default: text += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        return text + "\""
    }
}
