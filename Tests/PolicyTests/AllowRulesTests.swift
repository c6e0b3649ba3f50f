import Policy
import Testing

@Suite struct AllowRulesTests {
    static func rules(_ texts: String...) throws -> AllowRules {
        var rules: [AllowRule] = []
        for text in texts { rules.append(try AllowRule(compiling: text)) }
        return AllowRules(rules)
    }

    static func denial(_ decision: PolicyDecision) throws -> PolicyDenial {
        guard case .deny(let denial) = decision else {
            Issue.record("expected a denial, got \(decision)")
            throw CancellationError()
        }
        return denial
    }

    static let githubRule =
        #"claims.repository == "acme/alerts" && claims.ref == "refs/heads/main""#

    @Test func githubActionsOneRepositoryOnOneBranch() throws {
        let rules = try Self.rules(Self.githubRule)
        #expect(rules.evaluate(PolicyFixtures.github()) == .allow(rule: 1))
        #expect(rules.evaluate(PolicyFixtures.github(ref: "refs/heads/dev")) != .allow(rule: 1))
        #expect(rules.evaluate(PolicyFixtures.github(repository: "acme/other")) != .allow(rule: 1))
    }

    @Test func githubRepositoryIdIsComparedAsAString() throws {
        let rules = try Self.rules(#"claims.repository_id == "123""#)
        #expect(rules.evaluate(PolicyFixtures.github()) == .allow(rule: 1))
        let numeric = try Self.rules("claims.repository_id == 123")
        let denial = try Self.denial(numeric.evaluate(PolicyFixtures.github()))
        #expect(
            denial.reason
                == "allow #1: claims.repository_id is a string, cannot compare with a number")
        #expect(
            denial.reasonWithValues
                == #"allow #1: claims.repository_id is "123", cannot compare with 123"#)
    }

    @Test func kubernetesServiceAccountInItsNamespaceWithArrayAudience() throws {
        let rules = try Self.rules(
            #"claims.sub == "system:serviceaccount:monitoring:prometheus""#,
            #"claims["kubernetes.io"].namespace == "monitoring" && "mimir" in claims.aud"#)
        #expect(rules.evaluate(PolicyFixtures.kubernetes()) == .allow(rule: 1))
        let inNamespace = try Self.rules(
            #"claims["kubernetes.io"].namespace == "monitoring" && "mimir" in claims.aud"#)
        #expect(inNamespace.evaluate(PolicyFixtures.kubernetes()) == .allow(rule: 1))
        let elsewhere = PolicyFixtures.kubernetes(namespace: "default")
        let denial = try Self.denial(inNamespace.evaluate(elsewhere))
        #expect(denial.reason == #"allow #1: claims["kubernetes.io"].namespace"#)
        #expect(
            denial.reasonWithValues
                == #"allow #1: claims["kubernetes.io"].namespace is "default", wants "monitoring""#)
    }

    @Test func anAudienceThatIsAStringIsATypeMismatchForIn() throws {
        let rules = try Self.rules(#""mimir" in claims.aud"#)
        let context = PolicyFixtures.kubernetes(audience: "mimir")
        let denial = try Self.denial(rules.evaluate(context))
        #expect(denial.reason == "allow #1: claims.aud is a string, wants a list or a map")
        #expect(
            denial.reasonWithValues == #"allow #1: claims.aud is "mimir", wants a list or a map"#)
    }

    @Test func gitlabProtectedRefIsTheStringTrue() throws {
        #expect(
            try PolicyFixtures.truth(
                of: #"claims.ref_protected == "true""#, in: PolicyFixtures.gitlab) == .holds)
        #expect(
            try PolicyFixtures.truth(of: "claims.ref_protected == true", in: PolicyFixtures.gitlab)
                == .error)
    }

    @Test func theSecondRuleMayAllow() throws {
        let rules = try Self.rules(
            #"claims.repository == "acme/other""#, #"claims.repository_owner == "acme""#)
        #expect(rules.evaluate(PolicyFixtures.github()) == .allow(rule: 2))
    }

    @Test func aDenialNamesTheFirstRule() throws {
        let rules = try Self.rules(#"claims.repository == "acme/alerts""#, "claims.absent == 1")
        let denial = try Self.denial(
            rules.evaluate(PolicyFixtures.github(repository: "acme/other")))
        #expect(denial.rule == "allow #1")
        #expect(denial.reason == "allow #1: claims.repository")
        #expect(
            denial.reasonWithValues
                == #"allow #1: claims.repository is "acme/other", wants "acme/alerts""#)
    }

    @Test func aRouteWithoutRulesDenies() {
        guard case .deny(let denial) = AllowRules([]).evaluate(PolicyFixtures.github()) else {
            Issue.record("expected a denial")
            return
        }
        #expect(denial.reason == "allow: no rule")
    }

    @Test func aMissingClaimIsAnErrorThatNamesItsPath() throws {
        let rules = try Self.rules(Self.githubRule)
        let denial = try Self.denial(rules.evaluate(PolicyFixtures.github(ref: .null)))
        #expect(denial.reason == "allow #1: claims.ref is missing")
        #expect(denial.reasonWithValues == "allow #1: claims.ref is missing")
    }

    @Test func theFirstFailingComparisonOfAnAndChainExplains() throws {
        let rules = try Self.rules(Self.githubRule)
        let both = PolicyFixtures.github(repository: "acme/other", ref: "refs/heads/dev")
        #expect(try Self.denial(rules.evaluate(both)).reason == "allow #1: claims.repository")
        let onlyRef = PolicyFixtures.github(ref: "refs/heads/dev")
        let denial = try Self.denial(rules.evaluate(onlyRef))
        #expect(denial.reason == "allow #1: claims.ref")
        #expect(
            denial.reasonWithValues
                == #"allow #1: claims.ref is "refs/heads/dev", wants "refs/heads/main""#)
        // A false side decides an && even when the other side is an error.
        let falseAndMissing = PolicyFixtures.github(repository: "acme/other", ref: .null)
        #expect(
            try Self.denial(rules.evaluate(falseAndMissing)).reason == "allow #1: claims.repository"
        )
    }

    @Test(arguments: [
        (
            expression: #"claims.team in ["dev", "qa"]"#,
            reason: "claims.team", withValues: #"claims.team is "ops", wants one of ["dev", "qa"]"#
        ),
        (
            expression: #""grafana" in claims.aud"#,
            reason: "claims.aud",
            withValues: #"claims.aud is ["mimir", "loki"], wants it to hold "grafana""#
        ),
        (
            expression: #""absent" in claims"#,
            reason: "claims", withValues: #"claims has no key "absent""#
        ),
        (
            expression: #"!("team" in claims)"#,
            reason: "claims", withValues: #"claims has the key "team""#
        ),
        (
            expression: "has(claims.email)",
            reason: "claims.email", withValues: "claims.email is missing, wants it present"
        ),
        (
            expression: "!has(claims.team)",
            reason: "claims.team", withValues: "claims.team is present, wants it absent"
        ),
        (
            expression: "claims.count < 2",
            reason: "claims.count", withValues: "claims.count is 3, wants < 2"
        ),
        (
            expression: "2 > claims.count",
            reason: "claims.count", withValues: "claims.count is 3, wants < 2"
        ),
        (
            expression: "!(claims.count >= 3)",
            reason: "claims.count", withValues: "claims.count is 3, wants < 3"
        ),
        (
            expression: #"!(claims.team == "ops")"#,
            reason: "claims.team", withValues: #"claims.team is "ops", wants anything but "ops""#
        ),
        (
            expression: #"claims.ref.startsWith("refs/tags/")"#,
            reason: "claims.ref",
            withValues: #"claims.ref is "refs/heads/main", wants it to start with "refs/tags/""#
        ),
        (
            expression: #"!claims.ref.endsWith("/main")"#,
            reason: "claims.ref",
            withValues: #"claims.ref is "refs/heads/main", wants it not to end with "/main""#
        ),
        (
            expression: #"claims.ref.matches("^v[0-9]+$")"#,
            reason: "claims.ref",
            withValues: #"claims.ref is "refs/heads/main", wants a match for "^v[0-9]+$""#
        ),
        (
            expression: "size(claims.groups) > 0",
            reason: "size(claims.groups)", withValues: "size(claims.groups) is 0, wants > 0"
        ),
        (
            expression: "!claims.admin",
            reason: "claims.admin", withValues: "claims.admin is true, wants false"
        ),
        (
            expression: #"claims.team == "dev" || claims.count == 4"#,
            reason: "claims.team", withValues: #"claims.team is "ops", wants "dev""#
        ),
        (
            expression: #"!(claims.team == "ops" || claims.count == 4)"#,
            reason: "claims.team", withValues: #"claims.team is "ops", wants anything but "ops""#
        ),
        (
            expression: "false",
            reason: "false", withValues: "false"
        ),
        (
            expression: "claims.team",
            reason: "claims.team is a string, wants a bool",
            withValues: #"claims.team is "ops", wants a bool"#
        ),
        (
            expression: "claims.aud[5] == 1",
            reason: "claims.aud[5] is out of range", withValues: "claims.aud[5] is out of range"
        ),
        (
            expression: #"claims.team.name == "x""#,
            reason: "claims.team is a string, wants a map",
            withValues: #"claims.team is "ops", wants a map"#
        ),
        (
            expression: #"claims["kubernetes.io"].cluster.name == "a""#,
            reason: #"claims["kubernetes.io"].cluster is missing"#,
            withValues: #"claims["kubernetes.io"].cluster is missing"#
        ),
        (
            expression: "claims.ratio < claims.team",
            reason: "claims.ratio is a number, cannot compare with a string",
            withValues: #"claims.ratio is 1.5, cannot compare with "ops""#
        ),
    ])
    func explanationsNameThePathAndOnlyVerifyShowsValues(
        expression: String, reason: String, withValues: String
    ) throws {
        let rules = try Self.rules(expression)
        let denial = try Self.denial(rules.evaluate(PolicyFixtures.sample))
        #expect(denial.reason == "allow #1: " + reason)
        #expect(denial.reasonWithValues == "allow #1: " + withValues)
    }

    @Test func explanationsEscapeValuesThatCouldForgeALine() throws {
        let context = PolicyContext(claims: ["team": "a\nallow #2: ok\u{1b}[0m"], issuer: "x")
        let denial = try Self.denial(try Self.rules(#"claims.team == "ops""#).evaluate(context))
        #expect(
            denial.reasonWithValues
                == #"allow #1: claims.team is "a\nallow #2: ok\u{1b}[0m", wants "ops""#)
        #expect(!denial.reason.contains("allow #2"))
    }

    @Test func longValuesAreCutOff() throws {
        let context = PolicyContext(
            claims: ["team": .string(String(repeating: "x", count: 500))], issuer: "x")
        let denial = try Self.denial(try Self.rules(#"claims.team == "ops""#).evaluate(context))
        #expect(denial.reasonWithValues.count < 300)
        #expect(denial.reasonWithValues.contains("…"))
    }

    @Test func aRuleReportsHoldsFalseOrError() throws {
        let rule = try AllowRule(compiling: #"claims.team == "ops""#)
        #expect(rule.evaluate(PolicyFixtures.sample) == .holds)
        #expect(rule.description == #"claims.team == "ops""#)
        let other = PolicyContext(claims: ["team": "dev"], issuer: "x")
        #expect(
            rule.evaluate(other)
                == .isFalse(
                    PolicyExplanation(
                        reason: "claims.team",
                        reasonWithValues: #"claims.team is "dev", wants "ops""#)))
        let none = PolicyContext(claims: [:], issuer: "x")
        let missing = PolicyExplanation(
            reason: "claims.team is missing", reasonWithValues: "claims.team is missing")
        #expect(rule.evaluate(none) == .error(missing))
    }
}
