import Testing

@testable import Config

@Suite struct ContractExampleTests {
    private let example: ProxyConfiguration

    init() throws {
        example = try configuration(contractExample, fileName: "proxy.conf")
    }

    @Test func readsTheTopLevel() {
        #expect(
            example.listeners == [
                ListenerConfiguration(address: ListenAddress(host: "127.0.0.1", port: 8080)),
                ListenerConfiguration(
                    address: ListenAddress(host: "::", port: 8443), usesTLS: true),
            ])
        #expect(example.listeners.map(\.address.description) == ["127.0.0.1:8080", "[::]:8443"])
        #expect(
            example.tls
                == TLSConfiguration(
                    certificateFile: "/etc/tokengate/tls.crt", keyFile: "/etc/tokengate/tls.key"))
        #expect(example.admin == ListenAddress(host: "127.0.0.1", port: 9901))
        #expect(example.logFormat == .logfmt)
        #expect(example.accessLog == .standardError)
        #expect(
            example.limits
                == LimitsConfiguration(
                    maxConnections: 10000, headerTimeout: .seconds(10), bodyTimeout: .seconds(60),
                    idleTimeout: .seconds(60), maxHeaderBytes: 65536, shutdownTimeout: .seconds(30))
        )
    }

    @Test func readsTheIssuers() throws {
        #expect(example.issuers.map(\.name) == ["github", "cluster-a"])
        let github = try #require(example.issuer(named: "github"))
        #expect(
            github
                == IssuerConfiguration(
                    name: "github", issuer: "https://token.actions.githubusercontent.com",
                    audience: .oneOf(["https://github.com/acme"]), algorithms: ["RS256"],
                    leeway: .seconds(30)))
        #expect(github.usesDiscovery)

        let cluster = try #require(example.issuer(named: "cluster-a"))
        #expect(cluster.issuer == "https://kubernetes.default.svc.cluster.local")
        #expect(cluster.jwksFile == "/etc/tokengate/cluster-a.jwks.json")
        #expect(cluster.jwksURL == nil)
        #expect(!cluster.usesDiscovery)
        #expect(cluster.audience == .oneOf(["mimir"]))
        #expect(cluster.algorithms == IssuerConfiguration.defaultAlgorithms)
    }

    @Test func readsTheLokiRoute() throws {
        let route = try #require(example.route(named: "loki-rules"))
        #expect(route.hosts == [.exact("logs.example.com")])
        #expect(route.path == "/loki/api/v1/rules")
        #expect(route.upstream == HTTPURL(scheme: .http, host: "127.0.0.1", port: 3100))
        #expect(route.issuers == ["github"])
        #expect(
            route.allowExpressions.map(\.text) == [
                #"claims.repository == "acme/alerts" && claims.ref == "refs/heads/main""#
            ])
        #expect(
            route.allowExpressions.first?.location
                == SourceLocation(
                    file: "proxy.conf", line: 39, column: 15))
        #expect(route.setHeaders.map(\.name) == ["X-Scope-OrgID"])
        #expect(route.setHeaders.map(\.value.text) == ["acme"])
        #expect(route.requiresAuthentication)
    }

    @Test func readsTheMimirRoute() throws {
        let route = try #require(example.route(named: "mimir-push"))
        #expect(route.methods == ["POST"])
        #expect(route.upstream == HTTPURL(scheme: .http, host: "mimir.internal", port: 8080))
        #expect(route.issuers == ["cluster-a"])
        #expect(
            route.allowExpressions.map(\.text) == [
                #"claims.sub == "system:serviceaccount:monitoring:prometheus""#
            ])
        let tenant = try #require(route.setHeaders.first)
        #expect(tenant.name == "X-Scope-OrgID")
        #expect(tenant.value.text == #"${claims["kubernetes.io"].namespace}"#)
        #expect(tenant.value.location == SourceLocation(file: "proxy.conf", line: 49, column: 30))
        #expect(route.maxBodyBytes == 16 * 1024 * 1024)
    }

    @Test func readsTheRegistryRoute() throws {
        let route = try #require(example.route(named: "registry"))
        #expect(route.path == "/v2")
        #expect(route.preservesHost)
        #expect(route.tokenSources == [.basic, .bearer])
        #expect(route.allowExpressions.map(\.text) == [#"claims.repository_owner == "acme""#])
        #expect(route.responseHeaders.map(\.name) == ["Docker-Distribution-Api-Version"])
        #expect(route.responseHeaders.map(\.value.text) == ["registry/2.0"])
    }

    @Test func readsTheOpenHealthRoute() throws {
        let route = try #require(example.route(named: "health"))
        #expect(!route.requiresAuthentication)
        #expect(route.issuers.isEmpty)
        #expect(route.allowExpressions.isEmpty)
        #expect(route.path == "/ready")
        #expect(example.routes.map(\.name) == ["loki-rules", "mimir-push", "registry", "health"])
    }
}
