import Testing

@testable import Config

@Suite struct ValueTests {
    @Test(arguments: [
        (text: "500ms", expected: Duration.milliseconds(500)),
        (text: "30s", expected: .seconds(30)),
        (text: "5m", expected: .seconds(300)), (text: "1h", expected: .seconds(3600)),
        (text: "7d", expected: .seconds(604_800)), (text: "0s", expected: .zero),
    ])
    func readsDurations(text: String, expected: Duration) throws {
        #expect(try ConfigValues.duration(text) == expected)
    }

    @Test(arguments: [
        "", "30", "s", "1.5s", "-1s", "10 s", "5min", "1w", "30S", "99999999999999999d",
    ])
    func refusesMalformedDurations(text: String) {
        #expect(throws: ValueError.self) { try ConfigValues.duration(text) }
    }

    @Test(arguments: [
        (text: "512", expected: 512), (text: "64KiB", expected: 65536),
        (text: "10MiB", expected: 10_485_760), (text: "1GiB", expected: 1_073_741_824),
    ])
    func readsSizes(text: String, expected: Int) throws {
        #expect(try ConfigValues.size(text) == expected)
    }

    @Test(arguments: ["", "KiB", "64KB", "64kib", "1.5MiB", "10M", "1TiB", "-1"])
    func refusesMalformedSizes(text: String) {
        #expect(throws: ValueError.self) { try ConfigValues.size(text) }
    }

    @Test(arguments: [
        (text: "127.0.0.1:8080", host: "127.0.0.1", port: 8080),
        (text: "0.0.0.0:80", host: "0.0.0.0", port: 80),
        (text: "[::]:8443", host: "::", port: 8443),
        (text: "[0:0::1]:65535", host: "::1", port: 65535),
    ])
    func readsListenAddresses(text: String, host: String, port: Int) throws {
        #expect(try ListenAddress.parse(text) == ListenAddress(host: host, port: port))
    }

    @Test(arguments: [
        "127.0.0.1", ":8080", "localhost:8080", "127.0.0.1:0", "127.0.0.1:65536", "[::]",
        "::1:8080", "[::1:8080", "256.0.0.1:80", "127.0.0.1:80x", "[]:80",
    ])
    func refusesMalformedListenAddresses(text: String) {
        #expect(throws: ValueError.self) { try ListenAddress.parse(text) }
    }

    @Test(arguments: [
        (
            text: "http://127.0.0.1:3100",
            expected: HTTPURL(scheme: .http, host: "127.0.0.1", port: 3100)
        ),
        (
            text: "HTTPS://Mimir.Internal",
            expected: HTTPURL(scheme: .https, host: "mimir.internal", port: 443)
        ),
        (
            text: "http://h/api/v1/write",
            expected: HTTPURL(scheme: .http, host: "h", port: 80, path: "/api/v1/write")
        ),
        (
            text: "https://[::1]:8443/k?a=b",
            expected: HTTPURL(scheme: .https, host: "::1", port: 8443, path: "/k", query: "a=b")
        ),
    ])
    func takesURLsApart(text: String, expected: HTTPURL) throws {
        #expect(try HTTPURL.parse(text) == expected)
    }

    @Test func writesURLsOutAgain() throws {
        #expect(
            try HTTPURL.parse("https://[::1]:8443/k?a=b").description == "https://[::1]:8443/k?a=b")
        #expect(try HTTPURL.parse("http://h:80/x").description == "http://h/x")
    }

    @Test(arguments: [
        "ftp://h", "h:80", "http://", "http://user:pw@h", "http://h/#frag", "http://h:0",
        "http://h a", "http://[::1", "http://h_%/x",
    ])
    func refusesURLsThatAreNotPlainHTTP(text: String) {
        #expect(throws: ValueError.self) { try HTTPURL.parse(text) }
    }

    @Test(arguments: [
        (pattern: "logs.example.com", host: "LOGS.example.com", matches: true),
        (pattern: "logs.example.com", host: "x.logs.example.com", matches: false),
        (pattern: "*.example.com", host: "a.example.com", matches: true),
        (pattern: "*.example.com", host: "a.b.example.com", matches: true),
        (pattern: "*.example.com", host: "example.com", matches: false),
        (pattern: "*.example.com", host: "badexample.com", matches: false),
        (pattern: "[::1]", host: "[::1]", matches: true),
    ])
    func matchesHostPatterns(pattern: String, host: String, matches: Bool) throws {
        #expect(try HostPattern.parse(pattern).matches(host) == matches)
    }

    @Test(arguments: [
        "", "*", "*.", "a.*.com", "example.com:8080", "a..b", "exa mple.com", "*example.com",
    ])
    func refusesMalformedHostPatterns(text: String) {
        #expect(throws: ValueError.self) { try HostPattern.parse(text) }
    }

    @Test(arguments: [
        (text: "/", expected: "/"), (text: "/v2/", expected: "/v2"), (text: "/v2", expected: "/v2"),
        (text: "/loki/api/v1/rules", expected: "/loki/api/v1/rules"),
        (text: "/a%2Fb", expected: "/a%2Fb"),
    ])
    func readsRoutePathsWithoutTheTrailingSlash(text: String, expected: String) throws {
        #expect(try ConfigValues.routePath(text) == expected)
    }

    @Test(arguments: [
        "v2", "/a//b", "/a/../b", "/./a", "/a?b", "/a b", "/%2fx", "/%7Euser", "/%zz", "/%00",
    ])
    func refusesPathsThatNormalisedRequestsNeverHave(text: String) {
        #expect(throws: ValueError.self) { try ConfigValues.routePath(text) }
    }
}
