import Policy
import Testing

@Suite struct MatchesTests {
    static func context(_ value: String) -> PolicyContext {
        PolicyContext(claims: ["value": .string(value)], issuer: "x")
    }

    @Test(arguments: [
        (
            pattern: "^refs/heads/(main|release-[0-9]+)$", input: "refs/heads/main",
            expected: Truth.holds
        ),
        (
            pattern: "^refs/heads/(main|release-[0-9]+)$", input: "refs/heads/release-12",
            expected: .holds
        ),
        (
            pattern: "^refs/heads/(main|release-[0-9]+)$", input: "refs/heads/main2",
            expected: .isFalse
        ),
        (
            pattern: "^refs/heads/(main|release-[0-9]+)$", input: "x/refs/heads/main",
            expected: .isFalse
        ),
        (pattern: "release-[0-9]+", input: "refs/heads/release-3/fix", expected: .holds),
        (pattern: "release-[0-9]+", input: "refs/heads/main", expected: .isFalse),
        (pattern: "^a{2,3}$", input: "aaa", expected: .holds),
        (pattern: "[[:upper:]]", input: "lower", expected: .isFalse),
        (pattern: "", input: "anything", expected: .holds),
    ])
    func searchesUnanchoredUnlessAnchored(pattern: String, input: String, expected: Truth)
        throws
    {
        let expression = "claims.value.matches(\(PolicyValueText.quoted(pattern)))"
        #expect(try PolicyFixtures.truth(of: expression, in: Self.context(input)) == expected)
    }

    @Test func searchesAtMostOneKibibyte() throws {
        let expression = #"claims.value.matches("b$")"#
        let atLimit = String(repeating: "a", count: 1023) + "b"
        #expect(try PolicyFixtures.truth(of: expression, in: Self.context(atLimit)) == .holds)
        let overLimit = String(repeating: "a", count: 1024) + "b"
        #expect(try PolicyFixtures.truth(of: expression, in: Self.context(overLimit)) == .error)
        // The limit counts bytes: 512 two-byte characters fill it.
        let wide = String(repeating: "é", count: 512)
        #expect(
            try PolicyFixtures.truth(of: #"claims.value.matches("é$")"#, in: Self.context(wide))
                == .holds)
        let wider = wide + "é"
        #expect(
            try PolicyFixtures.truth(of: #"claims.value.matches("é$")"#, in: Self.context(wider))
                == .error)
    }

    @Test func anOverlongInputIsExplained() throws {
        let rule = try AllowRule(compiling: #"claims.value.matches("b")"#)
        let outcome = rule.evaluate(Self.context(String(repeating: "a", count: 2000)))
        let explanation = PolicyExplanation(
            reason: "claims.value is longer than 1024 bytes for matches",
            reasonWithValues: "claims.value is longer than 1024 bytes for matches")
        #expect(outcome == .error(explanation))
    }

    @Test func anInputWithANulIsAnErrorNotATruncatedSearch() throws {
        let expression = #"claims.value.matches("^ok$")"#
        #expect(try PolicyFixtures.truth(of: expression, in: Self.context("ok\u{0}evil")) == .error)
    }

    @Test func oneCompiledPatternServesConcurrentRequests() async throws {
        let rule = try AllowRule(compiling: #"claims.value.matches("^team-[a-z]+$")"#)
        let results = await withTaskGroup(of: Bool.self) { group in
            for task in 0..<8 {
                group.addTask {
                    (0..<200).allSatisfy { round in
                        let name = (task + round).isMultiple(of: 2) ? "team-ops" : "team-42"
                        return switch rule.evaluate(Self.context(name)) {
                        case .holds: name == "team-ops"
                        case .isFalse: name == "team-42"
                        case .error: false
                        }
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 8))
    }

    @Test func aBackReferenceIsRefusedAtLoad() throws {
        let error = try #require(PolicyFixtures.loadError(of: #"claims.value.matches("(a+)\\1")"#))
        #expect(error.message == "regular expression uses a back-reference")
        #expect(error.column == 22)
    }

    @Test func aPatternRegcompRejectsIsRefusedAtLoad() throws {
        let error = try #require(PolicyFixtures.loadError(of: #"claims.value.matches("[a")"#))
        #expect(error.message.hasPrefix("regular expression does not compile: "))
        #expect(error.column == 22)
    }
}

/// Writes a string as an expression's double-quoted literal.
enum PolicyValueText {
    static func quoted(_ text: String) -> String {
        var quoted = "\""
        for character in text {
            if character == "\\" || character == "\"" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }
}
