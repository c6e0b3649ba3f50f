import Policy
import Testing

@Suite struct RouteTableTests {
    static let table = RouteTable<String>([
        .init(hosts: [], pathPrefix: "/", methods: [], route: "fallback"),
        .init(hosts: [], pathPrefix: "/v2/", methods: ["GET", "PUT"], route: "registry"),
        .init(hosts: [], pathPrefix: "/api/v1/push", methods: ["POST"], route: "push"),
        .init(hosts: [], pathPrefix: "/api", methods: [], route: "api"),
        .init(hosts: ["logs.example.com"], pathPrefix: "/", methods: [], route: "logs-host"),
        .init(hosts: ["*.example.com"], pathPrefix: "/api", methods: [], route: "wildcard-api"),
        .init(hosts: [], pathPrefix: "/dup", methods: [], route: "first"),
        .init(hosts: [], pathPrefix: "/dup/", methods: [], route: "second"),
    ])

    static func chosen(_ host: String?, _ path: String, _ method: String = "GET") -> String {
        switch table.choose(host: host, path: path, method: method) {
        case .route(let route): route
        case .methodNotAllowed(_, let allow): "405 " + allow.joined(separator: ",")
        case .notFound: "404"
        }
    }

    @Test(arguments: [
        (host: nil as String?, path: "/v2", expected: "registry"),
        (host: nil, path: "/v2/acme/app/blobs", expected: "registry"),
        (host: nil, path: "/v2x", expected: "fallback"),
        (host: nil, path: "/api/v1/push", expected: "405 POST"),
        (host: nil, path: "/api/v1/pushx", expected: "api"),
        (host: nil, path: "/api/v1", expected: "api"),
        (host: "logs.example.com", path: "/api/v1/push", expected: "logs-host"),
        (host: "a.b.example.com", path: "/api/x", expected: "wildcard-api"),
        (host: "example.com", path: "/api/x", expected: "api"),
        (host: "a.example.com", path: "/other", expected: "fallback"),
        (host: nil, path: "/dup/x", expected: "first"),
    ])
    func choosesHostRoutesFirstThenTheLongestPrefixAtASegmentBoundary(
        host: String?, path: String, expected: String
    ) {
        #expect(Self.chosen(host, path) == expected)
    }

    @Test func answersMethodNotAllowedWithGETAdmittingHEAD() {
        #expect(Self.chosen(nil, "/v2/x", "HEAD") == "registry")
        #expect(Self.chosen(nil, "/v2/x", "DELETE") == "405 GET,PUT,HEAD")
    }

    @Test func findsNothingWithoutAFallback() {
        let table = RouteTable<String>([
            .init(hosts: ["a.example"], pathPrefix: "/", methods: [], route: "a")
        ])
        guard case .notFound = table.choose(host: "b.example", path: "/", method: "GET") else {
            Issue.record("expected no route")
            return
        }
    }
}
