extension EvaluationFault {
    /// The fault as an explanation.
    var explanation: PolicyExplanation {
        PolicyExplanation(reason: reason, reasonWithValues: reasonWithValues)
    }
}

extension ExpressionNode {
    /// Why this node gave `!wanted` for `context` (which it did): the first comparison or
    /// test, read left to right, that made it so.
    func explain(wanting wanted: Bool, _ context: PolicyContext) -> PolicyExplanation {
        switch kind {
        case .and(let left, let right), .or(let left, let right):
            // Whichever the operator, the first side that gave the unwanted answer is why.
            let culprit = [left, right].first { side in
                if case .success(let truth) = side.evaluateBool(context) {
                    truth != wanted
                } else {
                    false
                }
            }
            return (culprit ?? left).explain(wanting: wanted, context)
        case .not(let operand):
            return operand.explain(wanting: !wanted, context)
        case .compare(let comparison, let left, let right):
            return Self.explain(comparison, left, right, wanting: wanted, context)
        case .isIn(let element, let container):
            return Self.explain(element, in: container, wanting: wanted, context)
        case .has(let base, let name):
            let subject = ExpressionNode(kind: .member(base, name), type: .dynamic).description
            let phrase = wanted ? "is missing, wants it present" : "is present, wants it absent"
            return PolicyExplanation(reason: subject, reasonWithValues: "\(subject) \(phrase)")
        case .text(let test, let receiver, let argument):
            let negation = wanted ? "" : "not "
            return receiver.explained(
                "wants it \(negation)to \(test.phrase) \(argument.shownValue(context))", context)
        case .matches(let receiver, let regex):
            let pattern = PolicyValue.quoted(regex.pattern)
            return receiver.explained(
                "wants \(wanted ? "a" : "no") match for \(pattern)", context)
        case .literal:
            return PolicyExplanation(reason: description, reasonWithValues: description)
        default:
            return explained("wants \(wanted)", context)
        }
    }

    private static func explain(
        _ comparison: Comparison, _ left: ExpressionNode, _ right: ExpressionNode,
        wanting wanted: Bool, _ context: PolicyContext
    ) -> PolicyExplanation {
        let isLeft = subjectIsLeft(left, right)
        let (subject, other) = isLeft ? (left, right) : (right, left)
        let seen = isLeft ? comparison : comparison.mirrored
        let wantedComparison = wanted ? seen : seen.negated
        let otherValue = other.shownValue(context)
        let phrase =
            switch wantedComparison {
            case .equal: "wants \(otherValue)"
            case .notEqual: "wants anything but \(otherValue)"
            default: "wants \(wantedComparison.rawValue) \(otherValue)"
            }
        return subject.explained(phrase, context)
    }

    private static func explain(
        _ element: ExpressionNode, in container: ExpressionNode, wanting wanted: Bool,
        _ context: PolicyContext
    ) -> PolicyExplanation {
        var isMap = false
        if case .success(.map) = container.evaluate(context) { isMap = true }
        if subjectIsLeft(element, container) {
            let values = container.shownValue(context)
            let phrase =
                switch (isMap, wanted) {
                case (false, true): "wants one of \(values)"
                case (false, false): "wants none of \(values)"
                case (true, true): "wants a key of \(values)"
                case (true, false): "wants no key of \(values)"
                }
            return element.explained(phrase, context)
        }
        let needle = element.shownValue(context)
        guard isMap else {
            return container.explained("wants it \(wanted ? "" : "not ")to hold \(needle)", context)
        }
        // A map is often all of the claims: name the key, do not print the map.
        let subject = container.description
        return PolicyExplanation(
            reason: subject,
            reasonWithValues: "\(subject) has \(wanted ? "no" : "the") key \(needle)")
    }

    /// `SUBJECT is VALUE, PHRASE`, and `SUBJECT` alone without values.
    private func explained(_ phrase: String, _ context: PolicyContext) -> PolicyExplanation {
        PolicyExplanation(
            reason: description,
            reasonWithValues: "\(description) is \(shownValue(context)), \(phrase)")
    }

    /// The node's value as explanations show it.
    private func shownValue(_ context: PolicyContext) -> String {
        switch evaluate(context) {
        case .success(let value): value.shown
        case .failure: "an error"
        }
    }
}
