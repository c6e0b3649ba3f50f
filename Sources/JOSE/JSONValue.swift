/// A JSON value as a token carries it: the claims that policies read and `verify` prints.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// Every JSON number, compared as a number: `1`, `1.0` and `1e0` are equal.
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The string, when this is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The number, when this is one.
    public var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The object, when this is one.
    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }
}

/// A JSON object whose members keep the order they were written in.
///
/// Small objects (every token header, most claim sets) are searched in place, which costs
/// less than hashing each name; past `indexThreshold` members a dictionary index is kept.
public struct JSONObject: Sendable, Equatable {
    private static let indexThreshold = 24

    private var entries: [(key: String, value: JSONValue)] = []
    /// Length and first byte of each name: most names differ there, which is cheaper to
    /// see than a full string comparison.
    private var hints: [UInt32] = []
    /// Names as UTF-8 bytes: members are told apart by code points (RFC 8259 §8.3), never by
    /// Swift's canonical equivalence.
    private var index: [[UInt8]: Int]?

    /// An empty object.
    public init() {}

    /// Member names in document order.
    public var keys: [String] { entries.map(\.key) }

    /// Members in document order.
    public var members: [(key: String, value: JSONValue)] { entries }

    /// The number of members.
    public var count: Int { entries.count }

    /// The member named `key`, if present.
    public subscript(key: String) -> JSONValue? {
        position(of: key).map { entries[$0].value }
    }

    /// Whether the object has a member named `key`.
    public func contains(_ key: String) -> Bool {
        position(of: key) != nil
    }

    /// Sets a member, appending its name when it is new.
    public mutating func set(_ key: String, _ value: JSONValue) {
        if let existing = position(of: key) {
            entries[existing].value = value
        } else {
            append(key, value)
        }
    }

    /// Appends a member unless one of that name exists; returns whether it was added.
    mutating func insertNew(_ key: String, _ value: JSONValue) -> Bool {
        guard position(of: key) == nil else { return false }
        append(key, value)
        return true
    }

    private mutating func append(_ key: String, _ value: JSONValue) {
        entries.append((key, value))
        hints.append(Self.hint(key))
        if index != nil {
            index?[Array(key.utf8)] = entries.count - 1
        } else if entries.count > Self.indexThreshold {
            var built = [[UInt8]: Int](minimumCapacity: entries.count * 2)
            for (position, entry) in entries.enumerated() {
                built[Array(entry.key.utf8)] = position
            }
            index = built
        }
    }

    private func position(of key: String) -> Int? {
        if let index { return index[Array(key.utf8)] }
        let wanted = Self.hint(key)
        for position in hints.indices where hints[position] == wanted {
            if entries[position].key.isExactly(key) { return position }
        }
        return nil
    }

    private static func hint(_ key: String) -> UInt32 {
        UInt32(truncatingIfNeeded: key.utf8.count) << 8 | UInt32(key.utf8.first ?? 0)
    }

    /// Whether both objects have the same members, whatever their order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.count == rhs.count && lhs.entries.allSatisfy { rhs[$0.key] == $0.value }
    }
}
