import Policy

/// What a rule gave, without its texts, for tables.
enum Truth: Sendable, Equatable {
    case holds
    case isFalse
    case error
}

/// Contexts the tests evaluate against.
enum PolicyFixtures {
    /// A mixed bag of claims for the operator and function tables.
    static let sample = PolicyContext(
        claims: [
            "team": "ops",
            "ref": "refs/heads/main",
            "count": 3,
            "one": 1.0,
            "ratio": 1.5,
            "admin": true,
            "nothing": nil,
            "aud": ["mimir", "loki"],
            "aud_string": "mimir",
            "groups": [],
            "accent": "é",
            "kubernetes.io": ["namespace": "monitoring", "serviceaccount": ["name": "prometheus"]],
        ],
        issuer: "cluster-a",
        method: "POST",
        path: "/api/v1/push",
        host: "mimir.example.com",
        headers: [
            (name: "X-Team", value: "ops"), (name: "Accept", value: "text/plain"),
            (name: "X-Many", value: "a"), (name: "x-many", value: "b"),
            (name: "Authorization", value: "Bearer secret"),
        ]
    )

    /// A GitHub Actions OIDC token's claims.
    static func github(
        repository: String = "acme/alerts", ref: PolicyValue = "refs/heads/main"
    ) -> PolicyContext {
        var claims: [String: PolicyValue] = [
            "iss": "https://token.actions.githubusercontent.com",
            "aud": "https://github.com/acme",
            "repository": .string(repository),
            "repository_owner": "acme",
            "repository_id": "123",
            "workflow": "rules",
            "sub": .string("repo:\(repository):ref:refs/heads/main"),
        ]
        if ref != .null { claims["ref"] = ref }
        return PolicyContext(claims: claims, issuer: "github")
    }

    /// A projected Kubernetes service-account token's claims.
    static func kubernetes(
        namespace: String = "monitoring", audience: PolicyValue = ["mimir", "thanos"]
    ) -> PolicyContext {
        PolicyContext(
            claims: [
                "iss": "https://kubernetes.default.svc.cluster.local",
                "aud": audience,
                "sub": .string("system:serviceaccount:\(namespace):prometheus"),
                "kubernetes.io": [
                    "namespace": .string(namespace),
                    "serviceaccount": ["name": "prometheus", "uid": "0c1e"],
                ],
            ],
            issuer: "cluster-a", method: "POST", path: "/api/v1/push")
    }

    /// A GitLab CI ID token's claims.
    static let gitlab = PolicyContext(
        claims: [
            "iss": "https://gitlab.example.com", "project_path": "acme/app",
            "ref": "main", "ref_type": "branch", "ref_protected": "true",
            "namespace_id": "42",
        ],
        issuer: "gitlab")

    /// Compiles `expression` as an allow rule and reports only what it gave.
    static func truth(of expression: String, in context: PolicyContext = sample) throws -> Truth {
        switch try AllowRule(compiling: expression).evaluate(context) {
        case .holds: .holds
        case .isFalse: .isFalse
        case .error: .error
        }
    }

    /// The load error of `expression`, or nil when it compiles.
    static func loadError(of expression: String) -> ExpressionError? {
        do {
            _ = try AllowRule(compiling: expression)
            return nil
        } catch {
            return error
        }
    }
}
