extension ConfigResolver {
    /// A route's header directives, read and checked against each other.
    struct RouteHeaders {
        /// `set_header`, in file order.
        var set: [HeaderAssignment] = []
        /// `remove_header`, in file order.
        var removed: [String] = []
        /// `response_header`, in file order.
        var response: [HeaderAssignment] = []
    }

    /// Reads `set_header`, `remove_header` and `response_header`: a header is named once
    /// among the request directives and once among the response ones.
    func resolveHeaders(_ set: DirectiveSet, forwardsToken: Bool) -> RouteHeaders {
        var headers = RouteHeaders()
        var requestNames: [String: String] = [:]
        var responseNames: Set<String> = []
        for directive in set.all("set_header") + set.all("remove_header") {
            let isSet = directive.name.text == "set_header"
            guard let name = headerName(directive.arguments[0]) else { continue }
            let key = name.lowercased()
            if let earlier = requestNames[key] {
                report(
                    "header \(name) is already handled by \(earlier)", at: directive.arguments[0])
                continue
            }
            requestNames[key] = directive.name.text
            if forwardsToken, key == "authorization" {
                report(
                    "\(directive.name.text) Authorization conflicts with forward_token on",
                    at: directive.arguments[0])
            }
            if isSet {
                guard let value = headerValue(directive.arguments[1]) else { continue }
                headers.set.append(HeaderAssignment(name: name, value: value))
            } else {
                headers.removed.append(name)
            }
        }
        for directive in set.all("response_header") {
            guard let name = headerName(directive.arguments[0]),
                let value = headerValue(directive.arguments[1])
            else { continue }
            guard responseNames.insert(name.lowercased()).inserted else {
                report("response header \(name) is already set", at: directive.arguments[0])
                continue
            }
            headers.response.append(HeaderAssignment(name: name, value: value))
        }
        return headers
    }

    private func headerName(_ word: ConfigWord) -> String? {
        guard
            let name = value(
                word,
                { (text: String) throws(ValueError) in
                    try ConfigValues.token(text, kind: "header name")
                })
        else { return nil }
        let key = name.lowercased()
        guard !Self.reservedHeaders.contains(key), !key.hasPrefix("proxy-") else {
            report(
                "tokengate handles the \(name) header itself; a route may not change it", at: word)
            return nil
        }
        return name
    }

    /// A header value: text without control characters (a tab aside), so that no value
    /// can end a header line early.
    private func headerValue(_ word: ConfigWord) -> SourceText? {
        let hasControl = word.text.unicodeScalars.contains {
            ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F
        }
        guard !hasControl else {
            report("a header value holds no control characters", at: word)
            return nil
        }
        return word.source
    }
}
