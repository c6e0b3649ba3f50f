import HTTP1
import JOSE
import Policy

/// The decision on one request of an authenticated route: token, then `allow`, then the
/// headers the route sets from the claims.
extension ProxyHandler {
    /// Decides, then calls `forward` with the fields to set, or answers the denial itself.
    func authorize(
        _ exchange: HTTPExchange, route: ProxyRoute, access: RouteAccess, path: String,
        entry: AccessLogEntry, forward: @escaping ([HeaderField]) -> Void
    ) {
        guard let gate else {
            let denial = Denial.unauthenticated(.keysUnavailable("no issuers"))
            return deny(exchange, denial, route: route, entry: entry)
        }
        let token: [UInt8]
        switch Credential.read(exchange.head, sources: access.sources) {
        case .missing:
            return deny(exchange, .missingCredential, route: route, entry: entry)
        case .malformed(let why):
            return deny(exchange, .unauthenticated(.malformed(why)), route: route, entry: entry)
        case .token(let bytes):
            token = bytes
        }
        gate.authenticate(
            token, routeIssuers: access.issuers, expiryGrace: access.expiryGrace
        ) { [self] result in
            guard exchange.isOpen else { return }
            switch result {
            case .failure(let denial):
                // The log names the `iss` of a refused token, as read: an unknown issuer
                // is the first thing an operator asks about.
                entry.iss = AuthGate.peekIssuer(token) ?? ""
                deny(exchange, denial, route: route, entry: entry)
            case .success(let authentication):
                entry.issuer = authentication.issuerName
                entry.iss = authentication.claims["iss"]?.stringValue ?? ""
                entry.sub = authentication.claims["sub"]?.stringValue ?? ""
                let context = PolicyContext(
                    claims: authentication.policyClaims, issuer: authentication.issuerName,
                    method: exchange.head.method, path: path, host: exchange.head.host,
                    headers: exchange.head.headers.map { ($0.name, $0.value) })
                switch access.allow.evaluate(context) {
                case .deny(let denial):
                    return deny(exchange, .forbidden(denial.reason), route: route, entry: entry)
                case .allow(let rule):
                    entry.decide(.allow, "allow #\(rule)")
                }
                var fields: [HeaderField] = []
                for (name, template) in access.setHeaders {
                    switch template.render(context) {
                    case .success(let value): fields.append(HeaderField(name: name, value: value))
                    case .failure(let denial):
                        return deny(exchange, .forbidden(denial.reason), route: route, entry: entry)
                    }
                }
                forward(fields)
            }
        }
    }

    /// Answers a denial: 401 with the route's challenge, 403, or 503 with `Retry-After`;
    /// the access log gets the same reason as the client.
    func deny(
        _ exchange: HTTPExchange, _ denial: Denial, route: ProxyRoute, entry: AccessLogEntry
    ) {
        var headers: [HeaderField] = []
        let description = denial.description
        switch denial.status {
        case 401: entry.decide(.unauthenticated, description)
        case 403: entry.decide(.deny, description)
        default: entry.decide(.error, description)
        }
        if denial.status == 401 {
            let challenge: String
            if route.access?.challengesBasic == true {
                challenge = "Basic realm=\"tokengate\""
            } else if denial.isMissingCredential {
                challenge = "Bearer realm=\"tokengate\""
            } else {
                let quoted = description.replacingBackslashesAndQuotes()
                challenge = "Bearer error=\"invalid_token\", error_description=\"\(quoted)\""
            }
            headers.append(HeaderField(name: "WWW-Authenticate", value: challenge))
        }
        if denial.status == 503 { headers.append(HeaderField(name: "Retry-After", value: "10")) }
        var body = JSONObject()
        body.set("error", .string(denial.error))
        body.set("error_description", .string(description))
        ErrorResponse.send(
            exchange, status: denial.status, route: route, headers: headers,
            body: Array(JSONValue.object(body).serialized.utf8))
    }
}

extension Denial {
    /// A valid token that the route's policy refuses.
    static func forbidden(_ reason: String) -> Denial {
        Denial(
            status: 403, error: "forbidden", description: reason, detail: reason,
            isMissingCredential: false)
    }
}

extension String {
    /// The text with `\` and `"` escaped, for a quoted-string (RFC 9110 §5.6.4).
    func replacingBackslashesAndQuotes() -> String {
        var escaped = ""
        for character in self {
            if character == "\\" || character == "\"" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}

extension JSONObject {
    /// The claims as the policy language reads them.
    public var policyValues: [String: PolicyValue] {
        var values: [String: PolicyValue] = [:]
        for member in members { values[member.key] = member.value.policyValue }
        return values
    }
}

extension JSONValue {
    /// The value as the policy language reads it.
    public var policyValue: PolicyValue {
        switch self {
        case .null: .null
        case .bool(let value): .bool(value)
        case .number(let value): .number(value)
        case .string(let value): .string(value)
        case .array(let values): .list(values.map(\.policyValue))
        case .object(let object): .map(object.policyValues)
        }
    }
}
