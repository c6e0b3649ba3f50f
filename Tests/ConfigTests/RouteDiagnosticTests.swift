import Testing

@testable import Config

/// Route block mistakes, each giving exactly the listed `LINE:COLUMN: message` diagnostics.
@Suite struct RouteDiagnosticTests {
    private static let routeCases: [(text: String, expected: [String])] = [
        (
            text: baseConfiguration
                + "route \"r/x\" {\n    path /\n    upstream http://h\n    allow true\n}\n",
            expected: [#"6:7: "r/x" is not a valid route name: use letters, digits, -, _ and ."#]
        ),
        (
            text: withRoute(validRouteLines)
                + "route r {\n    path /x\n    upstream http://h\n    allow true\n}\n",
            expected: [#"11:7: route "r" is already defined on line 6"#]
        ),
        (
            text: withRoute(["allow true"]),
            expected: [
                #"6:1: route "r" needs "path PREFIX""#, #"6:1: route "r" needs "upstream URL""#,
            ]
        ),
        (
            text: withRoute(["path v2", "upstream http://h", "allow true"]),
            expected: [#"7:10: a path starts with /: "v2""#]
        ),
        (
            text: withRoute(["path /", "upstream ftp://h", "allow true"]),
            expected: [#"8:14: "ftp://h" is not an http:// or https:// URL"#]
        ),
        (
            text: withRoute(["path /", "upstream http://h/?x=1", "allow true"]),
            expected: ["8:14: an upstream URL takes no query"]
        ),
        (
            text: withRoute(["path /", "upstream http://h/a/../b", "allow true"]),
            expected: [
                #"8:14: "/a/../b" holds an empty, . or .. segment, "#
                    + #"which normalised requests never do"#
            ]
        ),
        (
            text: withRoute(["path /", "upstream http://h", "issuers main github", "allow true"]),
            expected: [#"9:18: no issuer block is named "github""#]
        ),
        (
            text: withRoute(["path /", "upstream http://h", "issuers main main", "allow true"]),
            expected: [#"9:18: issuer "main" is listed twice"#]
        ),
        (
            text: withRoute(["path /", "upstream http://h"]),
            expected: [
                #"6:1: route "r" needs an allow line or "auth off" "#
                    + #"("allow true" admits any valid token)"#
            ]
        ),
        (
            text:
                "listen 127.0.0.1:1\nroute r {\n    path /\n    "
                + "upstream http://h\n    allow true\n}\n",
            expected: [#"2:1: route "r" needs a token, but no issuer block is defined"#]
        ),
        (
            text: withRoute(["path /", "upstream http://h", "auth maybe", "allow true"]),
            expected: [#"9:10: expected required or off, not "maybe""#]
        ),
        (
            text: withRoute([
                "path /", "upstream http://h", "auth off", "allow true", "token_from basic",
            ]),
            expected: [
                #"10:5: allow has no effect on a route with "auth off""#,
                #"11:5: token_from has no effect on a route with "auth off""#,
            ]
        ),
        (
            text: withRoute(["path /", "upstream http://h", "methods GET/", "allow true"]),
            expected: [#"9:13: "GET/" is not a valid method"#]
        ),
        (
            text: withRoute(["path /", "upstream http://h", "methods get GET", "allow true"]),
            expected: ["9:17: method GET is listed twice"]
        ),
        (
            text: withRoute(["path /", "upstream http://h", "token_from cookie", "allow true"]),
            expected: [#"9:16: expected one of bearer, basic, not "cookie""#]
        ),
        (
            text: withRoute(["path /", "upstream http://h", "token_from basic basic", "allow true"]
            ), expected: ["9:22: token source basic is listed twice"]
        ),
        (
            text: withRoute(validRouteLines + ["set_header Host x"]),
            expected: ["10:16: tokengate handles the Host header itself; a route may not change it"]
        ),
        (
            text: withRoute(validRouteLines + ["remove_header Proxy-Authorization"]),
            expected: [
                "10:19: tokengate handles the Proxy-Authorization "
                    + "header itself; a route may not change it"
            ]
        ),
        (
            text: withRoute(validRouteLines + ["set_header X-A 1", "set_header x-a 2"]),
            expected: ["11:16: header x-a is already handled by set_header"]
        ),
        (
            text: withRoute(validRouteLines + ["set_header X-A 1", "remove_header X-A"]),
            expected: ["11:19: header X-A is already handled by set_header"]
        ),
        (
            text: withRoute(validRouteLines + ["set_header X-A \"a\u{1}b\""]),
            expected: ["10:20: a header value holds no control characters"]
        ),
        (
            text: withRoute(validRouteLines + ["response_header X-A 1", "response_header X-A 2"]),
            expected: ["11:21: response header X-A is already set"]
        ),
        (
            text: withRoute(validRouteLines + ["forward_token on", "set_header Authorization x"]),
            expected: ["11:16: set_header Authorization conflicts with forward_token on"]
        ),
        (
            text: withRoute(validRouteLines + ["upstream_ca_file /ca.pem"]),
            expected: ["10:22: upstream_ca_file needs an https upstream"]
        ),
        (
            text: withRoute(validRouteLines + ["host logs.example.com:443"]),
            expected: [#"10:10: a host pattern names no port: "logs.example.com:443""#]
        ),
        (
            text: withRoute(validRouteLines + ["max_body lots"]),
            expected: [
                #"10:14: "lots" is not a size: write a whole number of "#
                    + #"bytes, or one with KiB, MiB or GiB (64KiB)"#
            ]
        ),
        (
            text: withRoute(validRouteLines + ["expiry_grace 1y"]),
            expected: [
                #"10:18: "1y" is not a duration: write a whole number and ms, s, m, h or d (30s)"#
            ]
        ),
        (
            text: withRoute(validRouteLines + ["allow"]),
            expected: ["10:5: missing argument: allow EXPRESSION"]
        ),
        (
            text: withRoute(validRouteLines + ["set_header X-A"]),
            expected: ["10:5: missing argument: set_header NAME VALUE"]
        ),
        (
            text: withRoute(validRouteLines + ["preserve_host yes"]),
            expected: [#"10:19: expected on or off, not "yes""#]
        ),
        (
            text: withRoute(validRouteLines + ["path /other"]),
            expected: [#"10:5: "path" is given twice; the first is on line 7"#]
        ),
        (
            text: withRoute(validRouteLines + ["limits {", "}"]),
            expected: [
                #"10:5: "limits" is not allowed in a route block; it belongs at the top level"#
            ]
        ),
    ]

    @Test(arguments: routeCases)
    func reportsRouteMistakes(text: String, expected: [String]) {
        #expect(problems(text) == expected)
    }
}
