import Testing

@testable import Config

/// Issuer block mistakes, each giving exactly the listed `LINE:COLUMN: message` diagnostics.
@Suite struct IssuerDiagnosticTests {
    private static let issuerCases: [(text: String, expected: [String])] = [
        (
            text:
                "listen 127.0.0.1:1\nissuer \"a b\" {\n    issuer x\n  "
                + "  audience a\n    jwks_file /k\n}\n",
            expected: [#"2:8: "a b" is not a valid issuer name: use letters, digits, -, _ and ."#]
        ),
        (
            text: baseConfiguration + "issuer main {\n    issuer https://x\n    audience a\n}\n",
            expected: [#"6:8: issuer "main" is already defined on line 2"#]
        ),
        (
            text: withIssuer([]),
            expected: [
                #"2:1: issuer "i" needs "issuer URL""#,
                #"2:1: issuer "i" needs "audience VALUE...""#,
            ]
        ),
        (
            text: withIssuer([
                "issuer https://i", "audience a", "jwks_url https://i/k", "jwks_file /k",
            ]),
            expected: ["6:15: jwks_url and jwks_file exclude each other: keys come from one source"]
        ),
        (
            text: withIssuer(["issuer https://i", "audience a", "jwks_file /k", "discovery on"]),
            expected: ["6:15: discovery on conflicts with jwks_file: keys come from one source"]
        ),
        (
            text: withIssuer(["issuer https://i", "audience a", "discovery off"]),
            expected: [
                "5:15: with discovery off, keys need jwks_url, jwks_file or hmac_secret_file"
            ]
        ),
        (
            text: withIssuer(["issuer https://i", "audience a", "jwks_url http://keys.example/k"]),
            expected: [
                "5:14: jwks_url must use https: plain http is allowed only to loopback addresses"
            ]
        ),
        (
            text: withIssuer(["issuer http://auth.example", "audience a"]),
            expected: [
                "3:12: issuer (used for discovery) must use https: plain "
                    + "http is allowed only to loopback addresses"
            ]
        ),
        (
            text: withIssuer(["issuer https://i", "audience a any"]),
            expected: [#"4:16: "any" stands alone: it turns the audience check off"#]
        ),
        (
            text: withIssuer(["issuer https://i", "audience a", "algorithms RS256 none"]),
            expected: ["5:22: algorithm none is never accepted: a token must be signed"]
        ),
        (
            text: withIssuer(["issuer https://i", "audience a", "algorithms rs256"]),
            expected: [
                #"5:16: unknown algorithm "rs256"; known are RS256 RS384 RS512 PS256 "#
                    + #"PS384 PS512 ES256 ES384 ES512 EdDSA HS256 HS384 HS512"#
            ]
        ),
        (
            text: withIssuer(["issuer https://i", "audience a", "algorithms RS256 RS256"]),
            expected: ["5:22: algorithm RS256 is listed twice"]
        ),
        (
            text: withIssuer(["issuer https://i", "audience a", "algorithms HS256"]),
            expected: [
                "5:16: HS256 needs hmac_secret_file: an HMAC key is never taken from a key set"
            ]
        ),
        (
            text: withIssuer(["issuer https://i", "audience a", "hmac_secret_file /s"]),
            expected: [
                #"5:22: hmac_secret_file is unused: add HS256, HS384 or HS512 to "algorithms""#
            ]
        ),
        (
            text: withIssuer(["issuer https://i", "audience a", "leeway soon"]),
            expected: [
                #"5:12: "soon" is not a duration: write a whole number and ms, s, m, h or d (30s)"#
            ]
        ),
        (
            text: withIssuer(["issuer https://i", "audience a", "refresh 0s"]),
            expected: ["5:13: a duration of 0 is not allowed here"]
        ),
        (
            text: withIssuer(["issuer https://i", "audience a", "path /"]),
            expected: [
                #"5:5: "path" is not allowed in an issuer block; it belongs in a route block"#
            ]
        ),
    ]

    @Test(arguments: issuerCases)
    func reportsIssuerMistakes(text: String, expected: [String]) {
        #expect(problems(text) == expected)
    }
}
