import Policy
import Testing

@Suite struct ExpressionEvaluationTests {
    @Test(arguments: [
        (expression: "true", expected: Truth.holds),
        (expression: "false", expected: .isFalse),
        (expression: "null == null", expected: .holds),
        (expression: #"claims.team == "ops""#, expected: .holds),
        (expression: "claims.team == 'ops'", expected: .holds),
        (expression: #"claims.team != "ops""#, expected: .isFalse),
        (expression: #"claims.team != "dev""#, expected: .holds),
        (expression: "claims.count == 3", expected: .holds),
        (expression: "claims.one == 1", expected: .holds),
        (expression: "claims.ratio == 1", expected: .isFalse),
        (expression: "claims.count < 4", expected: .holds),
        (expression: "claims.count < 3", expected: .isFalse),
        (expression: "claims.count <= 3", expected: .holds),
        (expression: "claims.count > 3", expected: .isFalse),
        (expression: "claims.count >= 3", expected: .holds),
        (expression: "claims.ratio > claims.one", expected: .holds),
        (expression: #""abc" < "abd""#, expected: .holds),
        (expression: #"claims.team > "opr""#, expected: .holds),
        (expression: "false < true", expected: .holds),
        (expression: #""mimir" in claims.aud"#, expected: .holds),
        (expression: #""grafana" in claims.aud"#, expected: .isFalse),
        (expression: #""team" in claims"#, expected: .holds),
        (expression: #""kubernetes.io" in claims"#, expected: .holds),
        (expression: #""absent" in claims"#, expected: .isFalse),
        (expression: #"claims.team in ["ops", "dev"]"#, expected: .holds),
        (expression: "claims.count in [1, 2]", expected: .isFalse),
        (expression: "claims.one in [1, 2]", expected: .holds),
        (expression: "[1, 2] == [1, 2]", expected: .holds),
        (expression: "[1, 2] == [1]", expected: .isFalse),
        (expression: "[] == claims.groups", expected: .holds),
        (expression: "[1, 2,] == [1, 2]", expected: .holds),
        (expression: "claims.nothing == null", expected: .holds),
        (expression: "claims.team == null", expected: .isFalse),
        (expression: "null != claims.team", expected: .holds),
        (expression: "!false", expected: .holds),
        (expression: #"!(claims.team == "ops")"#, expected: .isFalse),
        (expression: "!!claims.admin", expected: .holds),
        (expression: #"claims.admin && claims.team == "ops""#, expected: .holds),
        (expression: "claims.admin && false", expected: .isFalse),
        (expression: "false || claims.admin", expected: .holds),
        (expression: "false || false", expected: .isFalse),
        (expression: "true || false && false", expected: .holds),
        (expression: "(true || false) && false", expected: .isFalse),
        (expression: "!true || true", expected: .holds),
        (expression: "!(true || true)", expected: .isFalse),
        (expression: "1 < 2 == true", expected: .holds),
        (expression: #"claims.aud[0] == "mimir""#, expected: .holds),
        (expression: #"claims.aud[1] == "loki""#, expected: .holds),
        (expression: #"claims["team"] == "ops""#, expected: .holds),
        (expression: #"claims["kubernetes.io"].namespace == "monitoring""#, expected: .holds),
        (
            expression: #"claims["kubernetes.io"]["serviceaccount"].name == "prometheus""#,
            expected: .holds
        ),
        (expression: #"issuer == "cluster-a""#, expected: .holds),
        (expression: #"request.method == "POST""#, expected: .holds),
        (expression: #"request.path == "/api/v1/push""#, expected: .holds),
        (expression: #"request.host == "mimir.example.com""#, expected: .holds),
        (expression: #"request.headers["x-team"] == "ops""#, expected: .holds),
        (expression: #"request.headers.accept == "text/plain""#, expected: .holds),
        (expression: #"request.headers["x-many"] == "a, b""#, expected: .holds),
        (expression: #""x-team" in request.headers"#, expected: .holds),
        (expression: #"request.headers["x-absent"] == "x""#, expected: .error),
        (expression: "size(request.headers) == 3", expected: .holds),
    ])
    func operatorsAndValues(expression: String, expected: Truth) throws {
        #expect(try PolicyFixtures.truth(of: expression) == expected)
    }

    @Test(arguments: [
        (expression: "has(claims.team)", expected: Truth.holds),
        (expression: "has(claims.absent)", expected: .isFalse),
        (expression: "has(claims.nothing)", expected: .holds),
        (expression: #"has(claims["kubernetes.io"].namespace)"#, expected: .holds),
        (expression: #"has(claims["kubernetes.io"].cluster)"#, expected: .isFalse),
        (expression: "has(claims.absent.inner)", expected: .error),
        (expression: "has(claims.team.inner)", expected: .error),
        (expression: "has(request.headers.accept)", expected: .holds),
        (expression: "has(request.headers.x_absent)", expected: .isFalse),
        (expression: #"size("abc") == 3"#, expected: .holds),
        (expression: "size(claims.accent) == 1", expected: .holds),
        (expression: "size(claims.aud) == 2", expected: .holds),
        (expression: "size(claims.groups) == 0", expected: .holds),
        (expression: #"size(claims["kubernetes.io"]) == 2"#, expected: .holds),
        (expression: "size(claims.count) == 1", expected: .error),
        (expression: #"claims.ref.startsWith("refs/heads/")"#, expected: .holds),
        (expression: #"claims.ref.startsWith("refs/tags/")"#, expected: .isFalse),
        (expression: #"claims.ref.endsWith("/main")"#, expected: .holds),
        (expression: #"claims.ref.endsWith("/dev")"#, expected: .isFalse),
        (expression: #"claims.ref.contains("heads")"#, expected: .holds),
        (expression: #"claims.ref.contains("tags")"#, expected: .isFalse),
        (expression: #"claims.ref.contains("")"#, expected: .holds),
        (expression: #"claims.count.startsWith("3")"#, expected: .error),
        (expression: "claims.ref.contains(claims.count)", expected: .error),
        (expression: #"claims.ref.matches("heads")"#, expected: .holds),
        (
            expression: #"claims.ref.matches("^refs/heads/(main|release-[0-9]+)$")"#,
            expected: .holds
        ),
        (expression: #"claims.ref.matches("^heads")"#, expected: .isFalse),
        (expression: #"claims.count.matches("3")"#, expected: .error),
    ])
    func functions(expression: String, expected: Truth) throws {
        #expect(try PolicyFixtures.truth(of: expression) == expected)
    }

    @Test(arguments: [
        (expression: #"claims.absent == "x""#, expected: Truth.error),
        (expression: #"claims.absent != "x""#, expected: .error),
        (expression: "claims.absent == null", expected: .error),
        (expression: #"claims.count == "3""#, expected: .error),
        (expression: #""3" == claims.count"#, expected: .error),
        (expression: "claims.team == 1", expected: .error),
        (expression: "claims.admin == 1", expected: .error),
        (expression: #""x" in claims.aud_string"#, expected: .error),
        (expression: "claims.count in claims", expected: .error),
        (expression: "claims.team < 1", expected: .error),
        (expression: #"claims.count < "4""#, expected: .error),
        (expression: "claims.aud < claims.aud", expected: .error),
        (expression: #"[1, "a"] == [1, 2]"#, expected: .error),
        (expression: #"[1, "a"] == [2, 2]"#, expected: .isFalse),
        (expression: #""x" in [1, "x"]"#, expected: .holds),
        (expression: #""y" in [1, "x"]"#, expected: .error),
        (expression: "!claims.absent", expected: .error),
        (expression: "!claims.team", expected: .error),
        (expression: "claims.team", expected: .error),
        (expression: "claims.admin", expected: .holds),
        (expression: #"claims.team.name == "x""#, expected: .error),
        (expression: "claims.absent.name == 1", expected: .error),
        (expression: #"claims.aud[2] == "x""#, expected: .error),
        (expression: #"claims.aud["x"] == "x""#, expected: .error),
        (expression: #"claims.team[0] == "o""#, expected: .error),
        (expression: "(claims.absent == 1) == false", expected: .error),
        (expression: "!(claims.absent == 1)", expected: .error),
        (expression: "[claims.absent] == [1]", expected: .error),
    ])
    func errorRules(expression: String, expected: Truth) throws {
        #expect(try PolicyFixtures.truth(of: expression) == expected)
    }

    @Test(arguments: [
        (expression: #"false && claims.absent == "x""#, expected: Truth.isFalse),
        (expression: #"claims.absent == "x" && false"#, expected: .isFalse),
        (expression: #"true || claims.absent == "x""#, expected: .holds),
        (expression: #"claims.absent == "x" || true"#, expected: .holds),
        (expression: #"true && claims.absent == "x""#, expected: .error),
        (expression: #"claims.absent == "x" && true"#, expected: .error),
        (expression: #"false || claims.absent == "x""#, expected: .error),
        (expression: #"claims.absent == "x" || false"#, expected: .error),
        (expression: "claims.team && false", expected: .isFalse),
        (expression: "claims.team || true", expected: .holds),
        (expression: "claims.absent == 1 || claims.count == 1 || claims.admin", expected: .holds),
        (expression: "claims.absent == 1 && claims.absent == 2", expected: .error),
    ])
    func andAndOrAbsorbErrorsWhenTheOtherSideDecides(expression: String, expected: Truth)
        throws
    {
        #expect(try PolicyFixtures.truth(of: expression) == expected)
    }

    @Test func requestHeadersNeverHoldCredentials() throws {
        let context = PolicyContext(
            claims: [:], issuer: "x",
            headers: [
                (name: "Authorization", value: "Bearer a"), (name: "Cookie", value: "s=1"),
                (name: "Proxy-Authorization", value: "Basic b"),
            ])
        #expect(context.headers.isEmpty)
        #expect(try PolicyFixtures.truth(of: "size(request.headers) == 0", in: context) == .holds)
    }

    @Test func stringsCompareByCodePointNotCanonicalEquivalence() throws {
        let context = PolicyContext(claims: ["name": "e\u{301}"], issuer: "x")
        #expect(try PolicyFixtures.truth(of: "claims.name == \"\u{e9}\"", in: context) == .isFalse)
        #expect(try PolicyFixtures.truth(of: "claims.name == \"e\u{301}\"", in: context) == .holds)
    }

    @Test func stringEscapesAreDecoded() throws {
        let context = PolicyContext(claims: ["text": "a\"b'c\\d\ne\tf"], issuer: "x")
        let expression = #"claims.text == "a\"b'c\\d\ne\tf" && claims.text == 'a"b\'c\\d\ne\tf'"#
        #expect(try PolicyFixtures.truth(of: expression, in: context) == .holds)
    }

    @Test func anExpressionMaySpanLines() throws {
        let expression = "claims.team in [\n    \"ops\",\n    \"dev\",\n]"
        #expect(try PolicyFixtures.truth(of: expression) == .holds)
    }
}
