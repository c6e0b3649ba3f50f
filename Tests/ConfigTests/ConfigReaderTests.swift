import Testing

@testable import Config

@Suite struct ConfigReaderTests {
    @Test func cutsLinesIntoWordsWithTheirColumns() {
        let lines = configWords("listen  127.0.0.1:8080\ttls\n\n   admin 127.0.0.1:9901\n")
        #expect(
            lines.map { $0.map(\.text) } == [
                ["listen", "127.0.0.1:8080", "tls"], ["admin", "127.0.0.1:9901"],
            ])
        #expect(lines[0].map(\.location.column) == [1, 9, 24])
        #expect(lines[1].map(\.location.line) == [3, 3])
        #expect(lines[1].map(\.location.column) == [4, 10])
    }

    @Test(arguments: [
        (text: #"a "b c""#, expected: ["a", "b c"]),
        (text: #"a "say \"hi\"""#, expected: ["a", #"say "hi""#]),
        (text: #"a "back\\slash""#, expected: ["a", #"back\slash"#]),
        (text: #"a "keeps \n as written""#, expected: ["a", #"keeps \n as written"#]),
        (text: #"a """#, expected: ["a", ""]),
        (text: #"a back\slash"#, expected: ["a", #"back\slash"#]),
    ])
    func readsQuotedAndBareWords(text: String, expected: [String]) {
        #expect(words(text) == [expected])
    }

    @Test(arguments: [
        (
            text: "admin 127.0.0.1:9901   # /metrics /healthz",
            expected: [["admin", "127.0.0.1:9901"]]
        ),
        (text: "# a whole line\nlisten x", expected: [["listen", "x"]]),
        (text: "a b#c", expected: [["a", "b#c"]]),
        (text: ##"a "#not a comment" b"##, expected: [["a", "#not a comment", "b"]]),
        (text: "a ${x # y} b", expected: [["a", "${x # y}", "b"]]),
        (text: "a\t#tab before it", expected: [["a"]]),
    ])
    func startsCommentsOnlyAtTheStartOfAWordOutsideQuotes(text: String, expected: [[String]]) {
        #expect(words(text) == expected)
    }

    @Test(arguments: [
        (text: "allow claims.team == '#ops'", expected: "claims.team == '#ops'"),
        (text: ##"allow claims.team == "#ops" # ops only"##, expected: ##"claims.team == "#ops""##),
        (
            text: #"allow claims.a == "x" && claims.b == 'it\'s'"#,
            expected: #"claims.a == "x" && claims.b == 'it\'s'"#
        ),
        (text: "allow   true   ", expected: "true"),
        (text: "allow a{b} # c", expected: "a{b}"),
        (text: ##"allow claims.x == "a\"#b""##, expected: ##"claims.x == "a\"#b""##),
    ])
    func takesTheRawRestOfAnAllowLineAsOneExpression(text: String, expected: String) {
        #expect(words(text) == [["allow", expected]])
    }

    @Test func placesAnExpressionAtItsFirstCharacter() throws {
        let expression = try #require(configWords("  allow   claims.sub == 'x'").first?.last)
        #expect(expression.kind == .expression)
        #expect(expression.location.column == 11)
        #expect(expression.source.location(atOffset: 10).column == 21)
        #expect(expression.source.location(atOffset: 17).column == 28)
    }

    @Test func continuesAnAllowLineWhileABracketIsOpen() throws {
        let text = """
            allow (claims.a == "x" ||   # first choice
                   claims.b in ["y",
                                "z)"])
            path /x
            """
        let lines = configWords(text)
        #expect(
            lines.map { $0.map(\.text) } == [
                [
                    "allow",
                    "(claims.a == \"x\" ||\n       claims.b in [\"y\",\n"
                        + String(repeating: " ", count: 20) + "\"z)\"])",
                ],
                ["path", "/x"],
            ])
        let source = lines[0][1].source
        let offset = try #require(source.text.unicodeScalars.firstIndex(of: "b"))
        let scalarOffset = source.text.unicodeScalars.distance(
            from: source.text.unicodeScalars.startIndex, to: offset)
        #expect(
            source.location(atOffset: scalarOffset)
                == SourceLocation(file: "test.conf", line: 2, column: 15))
        #expect(source.location(atOffset: source.text.unicodeScalars.count).line == 3)
    }

    @Test(arguments: [
        (
            text: #"set_header X ${claims["kubernetes.io"].namespace}"#,
            expected: #"${claims["kubernetes.io"].namespace}"#
        ),
        (
            text: #"set_header X ${ claims["a b"] + 'c d' }"#,
            expected: #"${ claims["a b"] + 'c d' }"#
        ),
        (text: #"set_header X ${claims["}"]}-tail"#, expected: #"${claims["}"]}-tail"#),
        (
            text: #"set_header X "team-${claims["team"]} of ${issuer}""#,
            expected: #"team-${claims["team"]} of ${issuer}"#
        ),
        (text: #"set_header X cost$$5${x}"#, expected: #"cost$$5${x}"#),
        (text: #"set_header X a$${b"#, expected: #"a$${b"#),
        (text: #"set_header X ${size([1, [2]])}"#, expected: #"${size([1, [2]])}"#),
    ])
    func scansATemplateExpressionAsOneUnit(text: String, expected: String) {
        #expect(words(text) == [["set_header", "X", expected]])
    }

    @Test func readsCRLFLineEndings() {
        #expect(
            words("listen 127.0.0.1:80\r\nadmin 127.0.0.1:81\r\n") == [
                ["listen", "127.0.0.1:80"], ["admin", "127.0.0.1:81"],
            ])
    }

    @Test(arguments: [
        (text: #"a "open"#, at: "1:3", message: "unterminated quoted word"),
        (text: #"a "x"y"#, at: "1:6", message: "a blank must follow the closing quote"),
        (text: #"a b"c"#, at: "1:4", message: "a double quote may only start a word"),
        (text: "a b${c", at: "1:4", message: "unterminated ${...}"),
        (text: #"a ${c["d}"#, at: "1:7", message: "unterminated quote inside ${...}"),
        (text: "a ${c(]}", at: "1:7", message: #""]" closes no open bracket in ${...}"#),
        (text: "x\nallow claims.a == 'b", at: "2:19", message: "unterminated quote in expression"),
        (
            text: "allow (a ||\n  b", at: "2:4",
            message: #"expression ends while "(" from line 1 column 7 is still open"#
        ),
    ])
    func reportsLexicalErrorsWhereTheyStart(text: String, at place: String, message: String) {
        var reader = ConfigReader(text: text, fileName: "test.conf")
        _ = reader.read()
        let found = reader.diagnostics.map {
            "\($0.location.line):\($0.location.column): \($0.message)"
        }
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("\(place): \(message)") == true, "\(found)")
    }

    @Test func stopsAnOpenExpressionBeforeALoneClosingBrace() {
        let text = "route r {\n    allow (claims.a\n}\nlisten 127.0.0.1:1\n"
        var reader = ConfigReader(text: text, fileName: "test.conf")
        let lines = reader.read().map { $0.map(\.text) }
        #expect(
            lines == [
                ["route", "r", "{"], ["allow", "(claims.a"], ["}"], ["listen", "127.0.0.1:1"],
            ])
        #expect(reader.diagnostics.map(\.location.line) == [2])
        #expect(reader.diagnostics.map(\.location.column) == [20])
    }
}
