extension ExpressionNode {
    /// `left OP right`: numbers as numbers, strings by code point, `null` equal only to
    /// `null`; other mixed kinds are a fault, as in CEL.
    func compare(
        _ comparison: Comparison, _ left: ExpressionNode, _ right: ExpressionNode,
        _ context: PolicyContext
    ) -> Evaluation {
        left.evaluate(context).flatMap { leftValue in
            right.evaluate(context).flatMap { rightValue in
                let holds: Bool?
                switch comparison {
                case .equal: holds = Self.equal(leftValue, rightValue)
                case .notEqual: holds = Self.equal(leftValue, rightValue).map { !$0 }
                default:
                    holds = Self.order(leftValue, rightValue).map { order in
                        switch comparison {
                        case .less: order < 0
                        case .lessOrEqual: order <= 0
                        case .greater: order > 0
                        default: order >= 0
                        }
                    }
                }
                guard let holds else {
                    return Self.mismatch(left, leftValue, right, rightValue)
                }
                return .success(.bool(holds))
            }
        }
    }

    /// `element in container`: a list holds an equal element, a map has the key.
    func isIn(_ element: ExpressionNode, _ container: ExpressionNode, _ context: PolicyContext)
        -> Evaluation
    {
        element.evaluate(context).flatMap { needle in
            container.evaluate(context).flatMap { haystack in
                switch haystack {
                case .list(let elements):
                    // Like a chain of `||`: one equal element decides, else a mismatch.
                    var mismatch: PolicyValue?
                    for candidate in elements {
                        switch Self.equal(needle, candidate) {
                        case .some(true): return .success(true)
                        case .some(false): continue
                        case .none: mismatch = mismatch ?? candidate
                        }
                    }
                    guard let mismatch else { return .success(false) }
                    if Self.subjectIsLeft(element, container) {
                        return element.fault(.mismatch(needle, other: mismatch))
                    }
                    return container.fault(.mismatch(haystack, other: needle))
                case .map(let members):
                    guard case .string(let key) = needle else {
                        return element.fault(.wrongType(needle, wanted: "a string"))
                    }
                    return .success(.bool(members[key] != nil))
                default:
                    return container.fault(.wrongType(haystack, wanted: "a list or a map"))
                }
            }
        }
    }

    /// The node an explanation is about: the side that is not written out in the
    /// expression, the left one when both or neither are.
    static func subjectIsLeft(_ left: ExpressionNode, _ right: ExpressionNode) -> Bool {
        !left.isConstant || right.isConstant
    }

    /// Whether two values are equal; nil when CEL has no equality between their kinds.
    static func equal(_ left: PolicyValue, _ right: PolicyValue) -> Bool? {
        switch (left, right) {
        case (.null, .null): return true
        case (.null, _), (_, .null): return false
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.list(let a), .list(let b)):
            guard a.count == b.count else { return false }
            return all(zip(a, b).lazy.map { equal($0, $1) })
        case (.map(let a), .map(let b)):
            guard a.count == b.count else { return false }
            var results: [Bool?] = []
            for (key, value) in a {
                guard let other = b[key] else { return false }
                results.append(equal(value, other))
            }
            return all(results)
        default:
            return nil
        }
    }

    /// Negative, zero or positive as `left` sorts before, with or after `right`; nil for
    /// kinds without an order between them.
    static func order(_ left: PolicyValue, _ right: PolicyValue) -> Int? {
        switch (left, right) {
        case (.number(let a), .number(let b)):
            return a < b ? -1 : (a > b ? 1 : 0)
        case (.string(let a), .string(let b)):
            // UTF-8 byte order is code point order.
            if a.utf8.elementsEqual(b.utf8) { return 0 }
            return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
        case (.bool(let a), .bool(let b)):
            return a == b ? 0 : (a ? 1 : -1)
        default:
            return nil
        }
    }

    /// An `&&` over element comparisons: any false decides, else any mismatch.
    private static func all(_ results: some Sequence<Bool?>) -> Bool? {
        var sawMismatch = false
        for result in results {
            if result == false { return false }
            if result == nil { sawMismatch = true }
        }
        return sawMismatch ? nil : true
    }

    private static func mismatch(
        _ left: ExpressionNode, _ leftValue: PolicyValue, _ right: ExpressionNode,
        _ rightValue: PolicyValue
    ) -> Evaluation {
        if subjectIsLeft(left, right) {
            return left.fault(.mismatch(leftValue, other: rightValue))
        }
        return right.fault(.mismatch(rightValue, other: leftValue))
    }
}
