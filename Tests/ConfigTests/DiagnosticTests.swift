import Testing

@testable import Config

/// How diagnostics come together, and what is deliberately not a mistake.
@Suite struct DiagnosticTests {
    @Test func reportsEveryProblemSortedByPlace() throws {
        let text = """
            listen 127.0.0.1:80 ssl
            log_format xml
            issuer gh {
                issuer https://token.actions.githubusercontent.com
                algorithms none
            }
            route a {
                path /a
                upstream http://127.0.0.1:3000
                issuers gh nobody
                allow claims.x == (1
            }
            route a {
                upstream ftp://x
                "set_header" X "unterminated
            }
            """
        let result = ProxyConfiguration.parse(text: text, fileName: "proxy.conf")
        guard case .failure(let errors) = result else {
            Issue.record("the configuration was accepted")
            return
        }
        #expect(
            errors.description == """
                proxy.conf:1:21: expected "tls" or nothing after the address
                proxy.conf:2:12: expected one of logfmt, json, not "xml"
                proxy.conf:3:1: issuer "gh" needs "audience VALUE..."
                proxy.conf:5:16: algorithm none is never accepted: a token must be signed
                proxy.conf:10:16: no issuer block is named "nobody"
                proxy.conf:11:25: expression ends while "(" from line 11 column 23 is still open
                proxy.conf:13:1: route "a" needs "path PREFIX"
                proxy.conf:13:1: route "a" needs an allow line or "auth off" ("allow true" admits \
                any valid token)
                proxy.conf:13:7: route "a" is already defined on line 7
                proxy.conf:14:14: "ftp://x" is not an http:// or https:// URL
                proxy.conf:15:20: unterminated quoted word: the closing " is missing
                """)
    }

    @Test func checksEveryValueOfABlockThatLacksARequiredDirective() {
        let route = withRoute([
            "upstream http://h", "methods GET/", "forward_token yes", "max_body 1TB", "allow true",
        ])
        #expect(
            problems(route) == [
                #"6:1: route "r" needs "path PREFIX""#,
                #"8:13: "GET/" is not a valid method"#,
                #"9:19: expected on or off, not "yes""#,
                #"10:14: "1TB" is not a size: write a whole number of bytes, or one with KiB, MiB "#
                    + "or GiB (64KiB)",
            ])
        let issuer = withIssuer(["issuer https://i", "leeway 1x", "ca_file \"\""])
        #expect(
            problems(issuer) == [
                #"2:1: issuer "i" needs "audience VALUE...""#,
                #"4:12: "1x" is not a duration: write a whole number and ms, s, m, h or d (30s)"#,
                "5:13: ca_file needs a path, not an empty word",
            ])
    }

    @Test func acceptsAnIssuerThatIsNotAURLWhenItsKeysAreOnDisk() throws {
        let text = withIssuer([
            "issuer kubernetes/serviceaccount", "audience any", "jwks_file /k.json",
        ])
        #expect(try configuration(text).issuers.first?.issuer == "kubernetes/serviceaccount")
        #expect(try configuration(text).issuers.first?.audience == .any)
    }

    @Test func acceptsPlainHTTPKeyFetchesOnlyFromThisMachine() throws {
        for url in ["http://127.0.0.1:5556/keys", "http://localhost/keys", "http://[::1]/keys"] {
            let text = withIssuer(["issuer https://i", "audience a", "jwks_url \(url)"])
            #expect(problems(text).isEmpty, "\(url)")
        }
    }
}

/// A diagnostic quotes words of the file; control characters among them (an escape sequence
/// that would repaint the terminal, a NUL) are shown escaped, never printed raw.
@Suite struct DiagnosticEscapingTests {
    @Test func showsControlCharactersOfTheFileEscaped() {
        let found = problems("listen 127.0.0.1:8080\n\u{1B}[31mroute x {\n}\nroute r\u{0}x {\n}\n")
        #expect(!found.isEmpty)
        for line in found {
            #expect(
                !line.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(line)")
        }
        #expect(found.contains { $0.contains("\\u{1B}[31mroute") }, "\(found)")
    }
}
