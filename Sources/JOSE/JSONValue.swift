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
public struct JSONObject: Sendable, Equatable {
    /// Member names in document order.
    public private(set) var keys: [String] = []
    private var values: [String: JSONValue] = [:]

    /// An empty object.
    public init() {}

    /// The member named `key`, if present.
    public subscript(key: String) -> JSONValue? {
        values[key]
    }

    /// Sets a member, appending its name when it is new.
    public mutating func set(_ key: String, _ value: JSONValue) {
        if values.updateValue(value, forKey: key) == nil { keys.append(key) }
    }

    /// Whether the object has a member named `key`.
    public func contains(_ key: String) -> Bool {
        values[key] != nil
    }

    /// The number of members.
    public var count: Int { keys.count }

    /// Members in document order.
    public var members: [(key: String, value: JSONValue)] {
        keys.map { ($0, values[$0] ?? .null) }
    }

    /// Whether both objects have the same members, whatever their order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.values == rhs.values
    }
}
