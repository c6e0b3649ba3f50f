import Policy
import Testing

@Suite struct HeaderTemplateTests {
    static func rendered(_ template: String, _ context: PolicyContext = PolicyFixtures.sample)
        throws -> Result<String, PolicyDenial>
    {
        try HeaderTemplate(compiling: template, header: "X-Scope-OrgID").render(context)
    }

    @Test(arguments: [
        (template: #"${claims["kubernetes.io"].namespace}"#, expected: "monitoring"),
        (template: "team-${claims.team}", expected: "team-ops"),
        (template: "${claims.team}-${claims.team}", expected: "ops-ops"),
        (template: "$$", expected: "$"),
        (template: "$${claims.team}", expected: "${claims.team}"),
        (template: "cost $$${claims.count}", expected: "cost $3"),
        (template: "acme", expected: "acme"),
        (template: "", expected: ""),
        (template: "${claims.one}", expected: "1"),
        (template: "${claims.count}", expected: "3"),
        (template: "${issuer}/${request.method}", expected: "cluster-a/POST"),
        (template: #"${"}"}"#, expected: "}"),
        (template: "${ claims.aud[1] }", expected: "loki"),
        (template: #"${request.headers["x-team"]}"#, expected: "ops"),
    ])
    func rendersLiteralTextAndExpressions(template: String, expected: String) throws {
        #expect(try Self.rendered(template) == .success(expected))
    }

    @Test(arguments: [
        (
            template: "${claims.ratio}",
            reason: "claims.ratio is a number, wants a string or an integer",
            withValues: "claims.ratio is 1.5, wants a string or an integer"
        ),
        (
            template: "${claims.admin}",
            reason: "claims.admin is a bool, wants a string or an integer",
            withValues: "claims.admin is true, wants a string or an integer"
        ),
        (
            template: "${claims.aud}",
            reason: "claims.aud is a list, wants a string or an integer",
            withValues: #"claims.aud is ["mimir", "loki"], wants a string or an integer"#
        ),
        (
            template: "${claims.nothing}",
            reason: "claims.nothing is null, wants a string or an integer",
            withValues: "claims.nothing is null, wants a string or an integer"
        ),
        (
            template: "team-${claims.absent}",
            reason: "claims.absent is missing", withValues: "claims.absent is missing"
        ),
    ])
    func aValueThatIsNeitherStringNorIntegerDenies(
        template: String, reason: String, withValues: String
    ) throws {
        guard case .failure(let denial) = try Self.rendered(template) else {
            Issue.record("expected a denial")
            return
        }
        #expect(denial.rule == "set_header X-Scope-OrgID")
        #expect(denial.reason == "set_header X-Scope-OrgID: " + reason)
        #expect(denial.reasonWithValues == "set_header X-Scope-OrgID: " + withValues)
    }

    @Test(arguments: ["a\nb", "a\rb", "a\u{0}b", "a\u{7f}", "\u{85}", "tab\there"])
    func aControlCharacterDeniesSoNoHeaderIsInjected(value: String) throws {
        let context = PolicyContext(claims: ["team": .string(value)], issuer: "x")
        guard case .failure(let denial) = try Self.rendered("${claims.team}", context) else {
            Issue.record("expected a denial")
            return
        }
        #expect(denial.reason == "set_header X-Scope-OrgID: claims.team holds a control character")
    }

    @Test func integersBeyondTwoToThe53DenyRatherThanRound() throws {
        // A token's 9007199254740993 arrives as the Double 2^53, which 2^53 shares.
        let context = PolicyContext(claims: ["id": 9_007_199_254_740_992.0], issuer: "x")
        if case .success = try Self.rendered("${claims.id}", context) {
            Issue.record("an integer from 2^53 on must not be rendered")
        }
        let safe = PolicyContext(claims: ["id": 9_007_199_254_740_991.0], issuer: "x")
        #expect(try Self.rendered("${claims.id}", safe) == .success("9007199254740991"))
    }

    @Test(arguments: [
        (template: "${claims.team", column: 14, message: "found the end"),
        (template: "a-${}", column: 5, message: "expected a value, found \"}\""),
        (template: "${claims.}", column: 10, message: "expected a name"),
        (template: "${claims.a) }", column: 11, message: "expected an operator or \"}\""),
        (template: "$x", column: 1, message: "lone \"$\""),
        (template: "tenant-$", column: 8, message: "lone \"$\""),
        (
            template: "${claims.admin == true}", column: 3,
            message: "string or an integer, not a bool"
        ),
        (template: "${has(claims.a)}", column: 3, message: "not a bool"),
        (template: "${user}", column: 3, message: "unknown name"),
        (template: "a\nb", column: 2, message: "control character"),
    ])
    func templateErrorsAreFoundAtLoadWithTheirColumn(template: String, column: Int, message: String)
    {
        do {
            _ = try HeaderTemplate(compiling: template, header: "X-Scope-OrgID")
            Issue.record("expected a load error")
        } catch {
            #expect(error.column == column)
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func aTemplateWithoutExpressionsHasAConstantValue() throws {
        #expect(try HeaderTemplate(compiling: "acme $$1", header: "X").constantValue == "acme $1")
        #expect(try HeaderTemplate(compiling: "${issuer}", header: "X").constantValue == nil)
    }
}
