import Policy
import Testing

@Suite struct ExpressionLoadErrorTests {
    // Columns count from 1 at the start of the expression: the first token that does not
    // parse, or one past the end when the text ends early.
    @Test(arguments: [
        (expression: "claims.repository ==", column: 21, message: "found the end"),
        (expression: #"claims.a == "x" &&"#, column: 19, message: "found the end"),
        (expression: #"(claims.a == "x""#, column: 17, message: "expected an operator or \")\""),
        (expression: "[1, 2", column: 6, message: "found the end"),
        (expression: "has(claims.a", column: 13, message: "found the end"),
        (expression: "claims.", column: 8, message: "expected a name"),
        (expression: "", column: 1, message: "expected a value"),
        (expression: "   ", column: 4, message: "expected a value"),
        (expression: #"claims.a == "x")"#, column: 16, message: "found \")\""),
        (expression: "claims..x", column: 8, message: "expected a name, found \".\""),
        (expression: #"claims.a == "x" "y""#, column: 17, message: "found a string"),
        (expression: "claims.a == 1.5", column: 15, message: "expected a name, found 5"),
        (expression: "claims.a == == 1", column: 13, message: "expected a value"),
        (expression: "claims.a ! 1", column: 10, message: "found \"!\""),
        (expression: #"claims.in == "x""#, column: 8, message: "found \"in\""),
        (expression: "claims.a == {}", column: 13, message: "found \"{\""),
        (expression: #"claims.a = "x""#, column: 10, message: "compare with \"==\""),
        (expression: "claims.a & true", column: 10, message: "use \"&&\""),
        (expression: "claims.a | true", column: 10, message: "use \"||\""),
        (expression: "claims.a + 1", column: 10, message: "unexpected character \"+\""),
        (expression: #"claims.a == "abc"#, column: 13, message: "string is not closed"),
        (expression: "claims.a == 'x\n'", column: 13, message: "not closed on its line"),
        (expression: #"claims.a == "x\q""#, column: 15, message: "unknown escape"),
        (expression: "claims.a == 9007199254740992", column: 13, message: "larger than"),
    ])
    func syntaxErrorsPointAtTheFirstTokenThatDoesNotParse(
        expression: String, column: Int, message: String
    ) throws {
        let error = try #require(PolicyFixtures.loadError(of: expression))
        #expect(error.column == column)
        #expect(error.offset == column - 1)
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test(arguments: [
        (expression: #"user == "x""#, column: 1, message: "unknown name \"user\""),
        (expression: "claims.a == x", column: 13, message: "unknown name \"x\""),
        (expression: "request == 1", column: 1, message: "request is not a value"),
        (expression: #"request.user == "x""#, column: 9, message: "no field \"user\""),
        (expression: #"request.headers["X-Team"] == "a""#, column: 16, message: "lower case"),
        (expression: #"request.headers.authorization == "x""#, column: 17, message: "never holds"),
        (expression: #"has(request.headers.cookie)"#, column: 21, message: "never holds"),
        (expression: "lower(claims.a)", column: 1, message: "unknown function \"lower\""),
        (expression: "claims.a.lower()", column: 10, message: "unknown function \"lower\""),
        (expression: #"startsWith(claims.a, "x")"#, column: 1, message: "called on a string"),
        (expression: "claims.a.size() == 1", column: 10, message: "written as a function"),
        (
            expression: "size(claims.a, claims.b) == 1", column: 1,
            message: "takes 1 argument, found 2"
        ),
        (expression: "size() == 1", column: 1, message: "found 0"),
        (expression: "has(claims.a, claims.b)", column: 1, message: "found 2"),
        (expression: "claims.a.startsWith()", column: 10, message: "found 0"),
        (expression: #"claims.a.contains("x", "y")"#, column: 10, message: "found 2"),
        (expression: #"has(claims["a"])"#, column: 5, message: "has() takes a member"),
        (expression: "has(request.method)", column: 1, message: "cannot test request fields"),
        (expression: #""a" == 1"#, column: 5, message: "cannot compare a string with a number"),
        (expression: "issuer == true", column: 8, message: "cannot compare"),
        (expression: #"1 < "2""#, column: 3, message: "cannot compare"),
        (expression: "claims.aud < [1]", column: 12, message: "not a list"),
        (expression: #""x" in "xyz""#, column: 5, message: "right of \"in\" needs a list or a map"),
        (expression: #"1 in request.headers"#, column: 3, message: "needs a string"),
        (expression: "!issuer", column: 1, message: "needs a bool, not a string"),
        (expression: "claims.a && 1", column: 10, message: "right of \"&&\""),
        (expression: "issuer.name == 1", column: 8, message: "a string has no members"),
        (expression: "issuer[0] == 1", column: 7, message: "cannot be indexed"),
        (expression: "size(1) == 1", column: 1, message: "size() needs"),
        (expression: #"request.method.startsWith(1)"#, column: 27, message: "needs a string"),
        (expression: #"claims.aud["x"] == 1 && [1][true]"#, column: 28, message: "list's index"),
        (expression: "size(claims.a)", column: 1, message: "must give true or false"),
        (expression: #"  "text""#, column: 3, message: "must give true or false"),
    ])
    func namesFunctionsAndTypesAreCheckedAtLoad(
        expression: String, column: Int, message: String
    ) throws {
        let error = try #require(PolicyFixtures.loadError(of: expression))
        #expect(error.column == column)
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test(arguments: [
        (expression: #"claims.a.matches("(a")"#, column: 18, message: "does not compile"),
        (expression: #"claims.a.matches("a{2,1}")"#, column: 18, message: "does not compile"),
        (expression: #"claims.a.matches("(a)\\1")"#, column: 18, message: "back-reference"),
        (expression: #"claims.a.matches("^(x+)-\\2$")"#, column: 18, message: "back-reference"),
        (expression: "claims.a.matches(claims.b)", column: 18, message: "string literal"),
    ])
    func regularExpressionsAreCheckedAtLoad(expression: String, column: Int, message: String)
        throws
    {
        let error = try #require(PolicyFixtures.loadError(of: expression))
        #expect(error.column == column)
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test(arguments: [
        #"claims.a.matches("[\\1]")"#,
        #"claims.a.matches("\\\\1")"#,
        #"claims.a.matches("[]\\1]x")"#,
        #"claims.a.matches("[[:digit:]\\1]")"#,
    ])
    func aBackslashDigitThatIsNoBackReferenceCompiles(expression: String) {
        #expect(PolicyFixtures.loadError(of: expression) == nil)
    }

    @Test func nestingIsBoundedSoThatNoConfigurationExhaustsTheStack() throws {
        let deep = String(repeating: "(", count: 500) + "true" + String(repeating: ")", count: 500)
        let error = try #require(PolicyFixtures.loadError(of: deep))
        #expect(error.message.contains("nests too deeply"))
        let long = Array(repeating: "claims.admin", count: 500).joined(separator: " || ")
        #expect(PolicyFixtures.loadError(of: long)?.message.contains("nests too deeply") == true)
        let shallow = String(repeating: "(", count: 20) + "true" + String(repeating: ")", count: 20)
        #expect(PolicyFixtures.loadError(of: shallow) == nil)
    }

    @Test func columnsCountUnicodeScalarsAndOffsetsMatchTheText() throws {
        let error = try #require(PolicyFixtures.loadError(of: #"claims.a == "é" =="#))
        #expect(error.column == 19)
        #expect(error.description == "19: expected a value, found the end of the expression")
    }
}
