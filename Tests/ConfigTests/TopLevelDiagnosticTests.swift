import Testing

@testable import Config

/// Top-level mistakes, each giving exactly the listed `LINE:COLUMN: message` diagnostics.
@Suite struct TopLevelDiagnosticTests {
    private static let topLevelCases: [(text: String, expected: [String])] = [
        (
            text: "admin 127.0.0.1:1\n",
            expected: [#"1:1: the configuration needs "listen ADDRESS:PORT [tls]""#]
        ),
        (
            text: baseConfiguration + "frobnicate on\n",
            expected: [#"6:1: unknown directive "frobnicate""#]
        ),
        (
            text: baseConfiguration + "path /x\n",
            expected: [#"6:1: "path" is not allowed at the top level; it belongs in a route block"#]
        ),
        (
            text: baseConfiguration + "limits\n",
            expected: [#"6:1: "limits" needs a block: limits { ... }"#]
        ),
        (
            text: baseConfiguration + "admin 127.0.0.1:9 {\n}\n",
            expected: [#"6:1: "admin" takes no block: admin ADDRESS:PORT"#]
        ),
        (
            text: baseConfiguration + "log_format json\nlog_format logfmt\n",
            expected: [#"7:1: "log_format" is given twice; the first is on line 6"#]
        ),
        (
            text: baseConfiguration + "admin\n",
            expected: ["6:1: missing argument: admin ADDRESS:PORT"]
        ),
        (
            text: baseConfiguration + "listen 127.0.0.1:9 tls extra\n",
            expected: ["6:24: too many arguments: listen ADDRESS:PORT [tls]"]
        ),
        (
            text: "listen localhost:80\n",
            expected: [
                #"1:8: "localhost" is not an IP address: write an IPv4 "#
                    + #"address or an IPv6 one in brackets"#
            ]
        ),
        (
            text: "listen 127.0.0.1:99999\n",
            expected: [#"1:8: "99999" is not a port number from 1 to 65535"#]
        ),
        (
            text: "listen 127.0.0.1:80 ssl\n",
            expected: [#"1:21: expected "tls" or nothing after the address"#]
        ),
        (
            text: "listen 127.0.0.1:80\nlisten 127.0.0.1:80\n",
            expected: ["2:8: 127.0.0.1:80 is already a listener on line 1"]
        ),
        (
            text: "listen 127.0.0.1:80\nlisten [::]:8443 tls\n",
            expected: [#"2:18: a tls listener needs a "tls { ... }" block with its certificate"#]
        ),
        (
            text: "listen 127.0.0.1:1\ntls {\n    certificate /c\n}\n",
            expected: [#"2:1: the tls block needs "key PATH""#]
        ),
        (
            text: "listen 127.0.0.1:1\nadmin 127.0.0.1:1\n",
            expected: ["2:7: the admin address 127.0.0.1:1 is also a proxy listener"]
        ),
        (
            text: baseConfiguration + "log_format xml\n",
            expected: [#"6:12: expected one of logfmt, json, not "xml""#]
        ),
        (
            text: baseConfiguration + "limits {\n    header_timeout 10\n}\n",
            expected: [
                #"7:20: "10" is not a duration: write a whole number and ms, s, m, h or d (30s)"#
            ]
        ),
        (
            text: baseConfiguration + "limits {\n    idle_timeout 0s\n}\n",
            expected: ["7:18: a duration of 0 is not allowed here"]
        ),
        (
            text: baseConfiguration + "limits {\n    max_header_bytes 64KB\n}\n",
            expected: [
                #"7:22: "64KB" is not a size: write a whole number of "#
                    + #"bytes, or one with KiB, MiB or GiB (64KiB)"#
            ]
        ),
        (
            text: baseConfiguration + "limits {\n    max_connections 0\n}\n",
            expected: [#"7:21: "0" is not a count of 1 or more"#]
        ),
        (
            text: baseConfiguration + "limits {\n    path /\n}\n",
            expected: [
                #"7:5: "path" is not allowed in the limits block; it belongs in a route block"#
            ]
        ),
    ]

    @Test(arguments: topLevelCases)
    func reportsTopLevelMistakes(text: String, expected: [String]) {
        #expect(problems(text) == expected)
    }
}
