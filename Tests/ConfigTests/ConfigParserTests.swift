import Testing

@testable import Config

@Suite struct ConfigParserTests {
    private func parse(_ text: String) -> ([ConfigDirective], [String]) {
        var reader = ConfigReader(text: text, fileName: "test.conf")
        var parser = ConfigParser()
        let directives = parser.parse(reader.read())
        let errors = ConfigurationErrors(reader.diagnostics + parser.diagnostics)
        let found = errors.diagnostics.map {
            "\($0.location.line):\($0.location.column): \($0.message)"
        }
        return (directives, found)
    }

    @Test func buildsNestedBlocksWithTheirArguments() throws {
        let (directives, found) = parse(
            """
            listen 127.0.0.1:8080 tls
            route "my route" {
                path /x
                allow {a} == b
            }
            """)
        #expect(found.isEmpty)
        #expect(directives.map(\.name.text) == ["listen", "route"])
        #expect(directives[0].arguments.map(\.text) == ["127.0.0.1:8080", "tls"])
        #expect(directives[0].block == nil)
        let block = try #require(directives[1].block)
        #expect(directives[1].arguments.map(\.text) == ["my route"])
        #expect(block.map(\.name.text) == ["path", "allow"])
        #expect(block[1].arguments.map(\.text) == ["{a} == b"])
    }

    @Test func keepsAQuotedBraceAsAWord() {
        let (directives, found) = parse(#"set_header X "{""#)
        #expect(found.isEmpty)
        #expect(directives.first?.arguments.map(\.text) == ["X", "{"])
        #expect(directives.first?.block == nil)
    }

    @Test(arguments: [
        (text: "listen x\n}\n", expected: [#"2:1: unexpected "}": no block is open"#]),
        (text: "route r {\n  path /\n", expected: [#"1:9: this "{" is never closed"#]),
        (
            text: "a {\n b {\n",
            expected: [#"1:3: this "{" is never closed"#, #"2:4: this "{" is never closed"#]
        ),
        (
            text: "route r { path / }\n",
            expected: [#"1:9: "{" must end its line"#]
        ),
        (text: "route r {\n path / }\n}\n", expected: [#"2:9: "}" must stand alone on its line"#]),
        (text: "{\n}\n", expected: [#"1:1: a block needs a directive name before "{""#]),
        (text: "a {\n} b\n}\n", expected: [#"2:1: "}" must stand alone on its line"#]),
        (text: "a {\n  }   # end of a\n", expected: []),
        (
            text: "a \"unclosed {\n",
            expected: ["1:3: unterminated quoted word: the closing \" is missing"]
        ),
    ])
    func reportsBadBlockStructure(text: String, expected: [String]) {
        #expect(parse(text).1 == expected)
    }

    @Test func placesTextGivenToOtherModulesCharacterByCharacter() {
        let text = SourceText("a\nbc", at: SourceLocation(file: "f", line: 3, column: 7))
        #expect(text.location(atOffset: 0) == SourceLocation(file: "f", line: 3, column: 7))
        #expect(text.location(atOffset: 3) == SourceLocation(file: "f", line: 4, column: 2))
        #expect(text.location(atOffset: 4) == SourceLocation(file: "f", line: 4, column: 3))
        #expect(text.location(atOffset: 99) == SourceLocation(file: "f", line: 4, column: 3))
    }

    @Test func checksTheContentsOfAnUnclosedBlock() {
        #expect(
            problems(baseConfiguration + "route r {\n    path /\n    bogus 1\n") == [
                "6:1: route \"r\" needs \"upstream URL\"",
                "6:1: route \"r\" needs an allow line or \"auth off\" (\"allow true\" admits "
                    + "any valid token)",
                "6:9: this \"{\" is never closed",
                "8:5: unknown directive \"bogus\"",
            ])
    }
}
