/// The result of evaluating a node: a value, or a fault (CEL's error value).
typealias Evaluation = Result<PolicyValue, EvaluationFault>

extension ExpressionNode {
    /// The node's value for a request, by CEL's rules: faults pass through everything but
    /// an `&&` or `||` whose other side decides.
    func evaluate(_ context: PolicyContext) -> Evaluation {
        switch kind {
        case .literal(let value): return .success(value)
        case .list(let elements): return list(elements, context)
        case .claims: return .success(.map(context.claims))
        case .issuer: return .success(.string(context.issuer))
        case .requestField(.method): return .success(.string(context.method))
        case .requestField(.path): return .success(.string(context.path))
        case .requestField(.host): return .success(.string(context.host))
        case .requestHeaders: return .success(.map(context.headers.mapValues { .string($0) }))
        case .member(let base, let name):
            if case .requestHeaders = base.kind {
                // The common case of a header read builds no map of every header.
                guard let value = context.headers[name] else { return fault(.missing) }
                return .success(.string(value))
            }
            return base.evaluate(context).flatMap { member(name, of: $0, base) }
        case .index(let base, let key):
            return base.evaluate(context).flatMap { container in
                key.evaluate(context).flatMap { index(container, base, by: $0, key) }
            }
        case .not(let operand):
            return operand.evaluateBool(context).map { .bool(!$0) }
        case .and(let left, let right):
            return logical(left, right, decidedBy: false, context).map { .bool($0) }
        case .or(let left, let right):
            return logical(left, right, decidedBy: true, context).map { .bool($0) }
        case .compare(let comparison, let left, let right):
            return compare(comparison, left, right, context)
        case .isIn(let element, let container):
            return isIn(element, container, context)
        case .has(let base, let name):
            return base.evaluate(context).flatMap { value in
                guard case .map(let members) = value else {
                    return base.fault(.wrongType(value, wanted: "a map"))
                }
                return .success(.bool(members[name] != nil))
            }
        case .size(let argument):
            return argument.evaluate(context).flatMap { value in
                switch value {
                case .string(let text): .success(.number(Double(text.unicodeScalars.count)))
                case .list(let elements): .success(.number(Double(elements.count)))
                case .map(let members): .success(.number(Double(members.count)))
                default: argument.fault(.wrongType(value, wanted: "a string, a list or a map"))
                }
            }
        case .text(let test, let receiver, let argument):
            return text(test, receiver, argument, context)
        case .matches(let receiver, let regex):
            return receiver.evaluateString(context).flatMap { input in
                receiver.search(regex, in: input)
            }
        }
    }

    /// The node's value when it is a bool; a fault otherwise.
    func evaluateBool(_ context: PolicyContext) -> Result<Bool, EvaluationFault> {
        evaluate(context).flatMap { value in
            guard case .bool(let truth) = value else {
                return fault(.wrongType(value, wanted: "a bool"))
            }
            return .success(truth)
        }
    }

    /// The node's value when it is a string; a fault otherwise.
    func evaluateString(_ context: PolicyContext) -> Result<String, EvaluationFault> {
        evaluate(context).flatMap { value in
            guard case .string(let text) = value else {
                return fault(.wrongType(value, wanted: "a string"))
            }
            return .success(text)
        }
    }

    /// A fault about this node.
    func fault<Value>(_ problem: EvaluationFault.Problem) -> Result<Value, EvaluationFault> {
        .failure(EvaluationFault(subject: self, problem: problem))
    }

    private func list(_ elements: [ExpressionNode], _ context: PolicyContext) -> Evaluation {
        var values: [PolicyValue] = []
        values.reserveCapacity(elements.count)
        for element in elements {
            switch element.evaluate(context) {
            case .success(let value): values.append(value)
            case .failure(let fault): return .failure(fault)
            }
        }
        return .success(.list(values))
    }

    private func member(_ name: String, of value: PolicyValue, _ base: ExpressionNode)
        -> Evaluation
    {
        guard case .map(let members) = value else {
            return base.fault(.wrongType(value, wanted: "a map"))
        }
        guard let member = members[name] else { return fault(.missing) }
        return .success(member)
    }

    private func index(
        _ container: PolicyValue, _ base: ExpressionNode, by key: PolicyValue,
        _ keyNode: ExpressionNode
    ) -> Evaluation {
        switch (container, key) {
        case (.map(let members), .string(let name)):
            guard let member = members[name] else { return fault(.missing) }
            return .success(member)
        case (.map, _):
            return keyNode.fault(.wrongType(key, wanted: "a string"))
        case (.list(let elements), .number(let number)):
            guard let position = PolicyValue.exactInteger(number) else {
                return keyNode.fault(.wrongType(key, wanted: "an integer"))
            }
            guard position >= 0, position < elements.count else { return fault(.outOfRange) }
            return .success(elements[Int(position)])
        case (.list, _):
            return keyNode.fault(.wrongType(key, wanted: "an integer"))
        default:
            return base.fault(.wrongType(container, wanted: "a list or a map"))
        }
    }

    /// `&&` (`decisive` false) or `||` (`decisive` true): a side that holds the decisive
    /// value decides, whatever the other side is, even a fault; otherwise the first fault.
    private func logical(
        _ left: ExpressionNode, _ right: ExpressionNode, decidedBy decisive: Bool,
        _ context: PolicyContext
    ) -> Result<Bool, EvaluationFault> {
        let first = left.evaluateBool(context)
        if case .success(decisive) = first { return first }
        let second = right.evaluateBool(context)
        if case .success(decisive) = second { return second }
        if case .failure = first { return first }
        return second
    }

    private func text(
        _ test: TextTest, _ receiver: ExpressionNode, _ argument: ExpressionNode,
        _ context: PolicyContext
    ) -> Evaluation {
        receiver.evaluateString(context).flatMap { text in
            argument.evaluateString(context).map { part in
                // Code points, not Swift's canonical equivalence: UTF-8 bytes compare the
                // same way, and a valid UTF-8 needle only matches at character boundaries.
                switch test {
                case .startsWith: .bool(text.utf8.starts(with: part.utf8))
                case .endsWith: .bool(text.utf8.reversed().starts(with: part.utf8.reversed()))
                case .contains: .bool(Self.bytes(of: text, contain: part))
                }
            }
        }
    }

    private func search(_ regex: RegexHandle, in input: String) -> Evaluation {
        guard input.utf8.count <= RegexHandle.inputLimit else { return fault(.tooLong) }
        guard !input.utf8.contains(0) else { return fault(.holdsNUL) }
        guard let found = regex.search(input) else { return fault(.searchFailed) }
        return .success(.bool(found))
    }

    private static func bytes(of text: String, contain part: String) -> Bool {
        let haystack = Array(text.utf8)
        let needle = Array(part.utf8)
        guard !needle.isEmpty else { return true }
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<start + needle.count].elementsEqual(needle) {
            return true
        }
        return false
    }
}
