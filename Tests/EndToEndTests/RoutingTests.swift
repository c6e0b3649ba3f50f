import Foundation
import Testing

/// Route choice through the built daemon: normalised paths, hosts, prefixes, methods, and
/// the path and query the upstream receives (DESIGN.md "Route choice").
@Suite struct RoutingTests {
    @Test(arguments: [
        (sent: "/loki/api/v1/rules/team%2Fns", received: "/loki/api/v1/rules/team%2Fns"),
        (sent: "/loki/api/v1/rules/team%2fns", received: "/loki/api/v1/rules/team%2Fns"),
    ])
    func forwardsAnEncodedSlashAsPartOfOneSegmentF28(sent: String, received: String) throws {
        let fixture = try ProxyFixture(upstreams: ["loki"]) { upstreams in
            ConfigurationText.listen
                + ConfigurationText.route(
                    "loki-rules", path: "/loki/api/v1/rules", to: upstreams["loki"]!)
        }
        defer { fixture.stop() }
        let rules =
            "name: alerts\nrules:\n  - alert: HighErrorRate\n    expr: sum(rate(x[5m])) > 1\n"

        let response = try fixture.daemon.exchange(
            RawRequest.text(
                "POST", sent, host: fixture.daemon.authority,
                fields: [("Content-Type", "application/yaml")], body: rules))

        #expect(response.status == 200)
        let record = try fixture.upstream("loki").onlyRecord()
        #expect(record.method == "POST")
        #expect(record.target == received)
        #expect(record.body == rules)
        #expect(record.value(of: "content-type") == "application/yaml")
    }

    @Test(arguments: [
        (sent: "/public/../admin/x", upstream: "admin", received: "/admin/x"),
        (sent: "/public/%2e%2e/admin/x", upstream: "admin", received: "/admin/x"),
        (sent: "/public/%2E%2E/admin/x", upstream: "admin", received: "/admin/x"),
        (sent: "//admin/x", upstream: "admin", received: "/admin/x"),
        (sent: "/public//../admin", upstream: "admin", received: "/admin"),
        (sent: "/%61dmin/./x", upstream: "admin", received: "/admin/x"),
        (sent: "/admin/../public/x", upstream: "public", received: "/public/x"),
        (sent: "/public/x", upstream: "public", received: "/public/x"),
    ])
    func routesTheNormalisedPathAndForwardsItF31(
        sent: String, upstream: String, received: String
    ) throws {
        let fixture = try ProxyFixture(upstreams: ["public", "admin"]) { upstreams in
            ConfigurationText.listen
                + ConfigurationText.route("public", path: "/public", to: upstreams["public"]!)
                + ConfigurationText.route("admin", path: "/admin", to: upstreams["admin"]!)
        }
        defer { fixture.stop() }

        let response = try fixture.daemon.get(sent)

        #expect(response.status == 200)
        let other = upstream == "admin" ? "public" : "admin"
        #expect(try fixture.targets(seenBy: upstream) == [received])
        #expect(try fixture.targets(seenBy: other) == [])
    }

    @Test(arguments: [
        (host: "api.example.com", path: "/v1/long/x", upstream: "api"),
        (host: "API.Example.COM:8443", path: "/x", upstream: "api"),
        (host: "other.example.com", path: "/x", upstream: "wildcard"),
        (host: "a.b.example.com", path: "/v1/long/x", upstream: "wildcard"),
        (host: "example.com", path: "/x", upstream: "hostless"),
        (host: "badexample.com", path: "/x", upstream: "hostless"),
        (host: "127.0.0.1", path: "/v1/long", upstream: "hostless"),
    ])
    func choosesRoutesNamingTheHostBeforeHostlessOnes(
        host: String, path: String, upstream: String
    ) throws {
        let fixture = try ProxyFixture(upstreams: ["hostless", "api", "wildcard"]) { upstreams in
            ConfigurationText.listen
                + ConfigurationText.route("long", path: "/v1/long", to: upstreams["hostless"]!)
                + ConfigurationText.route("root", path: "/", to: upstreams["hostless"]!)
                + ConfigurationText.route(
                    "api", path: "/", to: upstreams["api"]!, "host api.example.com")
                + ConfigurationText.route(
                    "wildcard", path: "/", to: upstreams["wildcard"]!, "host *.example.com")
        }
        defer { fixture.stop() }

        let response = try fixture.daemon.get(path, host: host)

        #expect(response.status == 200)
        #expect(response.value(of: "x-upstream-name") == upstream)
        #expect(try fixture.targets(seenBy: upstream) == [path])
    }

    @Test(arguments: [
        (path: "/api/v2/x", upstream: "long"),
        (path: "/api/v2", upstream: "long"),
        (path: "/api/v2/", upstream: "long"),
        (path: "/api/v2x", upstream: "short"),
        (path: "/api/v1", upstream: "short"),
        (path: "/api", upstream: "short"),
    ])
    func choosesTheLongestPrefixAtASegmentBoundary(path: String, upstream: String) throws {
        let fixture = try ProxyFixture(upstreams: ["short", "long"]) { upstreams in
            ConfigurationText.listen
                + ConfigurationText.route("short", path: "/api", to: upstreams["short"]!)
                + ConfigurationText.route("long", path: "/api/v2/", to: upstreams["long"]!)
        }
        defer { fixture.stop() }

        let response = try fixture.daemon.get(path)

        #expect(response.status == 200)
        #expect(try fixture.targets(seenBy: upstream) == [path])
    }

    @Test(arguments: ["/apix", "/", "/other/api"])
    func answersNotFoundWhenNoRouteMatches(path: String) throws {
        let fixture = try ProxyFixture { upstreams in
            ConfigurationText.listen
                + ConfigurationText.route("api", path: "/api", to: upstreams["echo"]!)
        }
        defer { fixture.stop() }

        let response = try fixture.daemon.get(path)

        #expect(response.status == 404)
        #expect(try response.jsonObject()["error"] != nil)
        #expect(try fixture.targets(seenBy: "echo") == [])
    }

    @Test(arguments: [
        (method: "POST", path: "/read", status: 405, allow: ["GET", "HEAD"]),
        (method: "DELETE", path: "/write", status: 405, allow: ["POST", "PUT"]),
        (method: "HEAD", path: "/read", status: 200, allow: []),
        (method: "GET", path: "/read", status: 200, allow: []),
        (method: "PUT", path: "/write", status: 200, allow: []),
    ])
    func answersMethodNotAllowedWithAllowWhereGETAdmitsHEAD(
        method: String, path: String, status: Int, allow: [String]
    ) throws {
        let fixture = try ProxyFixture { upstreams in
            ConfigurationText.listen
                + ConfigurationText.route(
                    "read", path: "/read", to: upstreams["echo"]!, "methods GET")
                + ConfigurationText.route(
                    "write", path: "/write", to: upstreams["echo"]!, "methods POST PUT")
        }
        defer { fixture.stop() }

        let response = try fixture.daemon.exchange(
            RawRequest.text(method, path, host: fixture.daemon.authority), method: method)

        #expect(response.status == status)
        let allowed = response.values(of: "allow").flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(Set(allowed) == Set(allow))
        let methods = try fixture.upstream("echo").records().map(\.method)
        #expect(methods == (status == 200 ? [method] : []))
    }

    @Test func passesTheQueryStringUntouched() throws {
        let query = "b=2&a=1&c=%2f%2F&d=/../x&e=%7E&f=a+b&&g=%41;h"
        let fixture = try ProxyFixture { upstreams in
            ConfigurationText.listen
                + ConfigurationText.route("all", path: "/", to: upstreams["echo"]!)
        }
        defer { fixture.stop() }

        let response = try fixture.daemon.get("/q/./x?" + query)

        #expect(response.status == 200)
        #expect(try fixture.targets(seenBy: "echo") == ["/q/x?" + query])
    }

    @Test(arguments: [
        (sent: "/api/v1/push?x=1", received: "/api/v1/write?x=1"),
        (sent: "/api/v1/push/sub", received: "/api/v1/write/sub"),
        (sent: "/strip/a/b", received: "/a/b"),
        (sent: "/strip", received: "/"),
        (sent: "/loki/x?q", received: "/base/loki/x?q"),
        (sent: "/loki", received: "/base/loki"),
    ])
    func mapsThePathOntoTheUpstreamBasePathWithOrWithoutStripPrefix(
        sent: String, received: String
    ) throws {
        let fixture = try ProxyFixture { upstreams in
            let echo = upstreams["echo"]!
            return ConfigurationText.listen
                + ConfigurationText.route(
                    "push", path: "/api/v1/push", to: echo, basePath: "/api/v1/write",
                    "strip_prefix on")
                + ConfigurationText.route("strip", path: "/strip", to: echo, "strip_prefix on")
                + ConfigurationText.route("based", path: "/loki", to: echo, basePath: "/base")
        }
        defer { fixture.stop() }

        let response = try fixture.daemon.get(sent)

        #expect(response.status == 200)
        #expect(try fixture.targets(seenBy: "echo") == [received])
    }
}
