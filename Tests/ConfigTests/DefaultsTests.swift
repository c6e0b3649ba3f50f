import Testing

@testable import Config

@Suite struct DefaultsTests {
    private let minimal =
        baseConfiguration + route("r", "path /", "upstream http://127.0.0.1", "allow true")

    @Test func defaultsTheTopLevel() throws {
        let configuration = try configuration(minimal)
        #expect(configuration.tls == nil)
        #expect(configuration.admin == nil)
        #expect(configuration.logFormat == .logfmt)
        #expect(configuration.accessLog == .standardError)
    }

    @Test func defaultsEveryLimit() throws {
        let limits = try configuration(minimal).limits
        #expect(limits.maxConnections == 10000)
        #expect(limits.headerTimeout == .seconds(10))
        #expect(limits.bodyTimeout == .seconds(60))
        #expect(limits.idleTimeout == .seconds(60))
        #expect(limits.maxHeaderBytes == 64 * 1024)
        #expect(limits.shutdownTimeout == .seconds(30))
        #expect(limits == LimitsConfiguration())
        let empty = try configuration(minimal + "limits {\n}\n").limits
        #expect(empty == LimitsConfiguration())
    }

    @Test func defaultsEveryIssuerDirective() throws {
        let issuer = try #require(try configuration(minimal).issuers.first)
        #expect(issuer.name == "main")
        #expect(issuer.jwksURL == nil)
        #expect(issuer.jwksFile == nil)
        #expect(issuer.usesDiscovery)
        #expect(
            issuer.algorithms == [
                "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
                "EdDSA",
            ])
        #expect(issuer.hmacSecretFile == nil)
        #expect(issuer.leeway == .seconds(60))
        #expect(issuer.refresh == .seconds(3600))
        #expect(issuer.kidMissInterval == .seconds(30))
        #expect(issuer.maxStale == .seconds(86400))
        #expect(issuer.caFile == nil)
    }

    @Test func defaultsEveryRouteDirective() throws {
        let route = try #require(try configuration(minimal).routes.first)
        #expect(route.hosts.isEmpty)
        #expect(route.methods.isEmpty)
        #expect(route.upstream.port == 80)
        #expect(route.upstream.path == "")
        #expect(!route.stripsPrefix)
        #expect(!route.preservesHost)
        #expect(route.requiresAuthentication)
        #expect(route.issuers == ["main"])
        #expect(route.tokenSources == [.bearer])
        #expect(route.setHeaders.isEmpty)
        #expect(route.removeHeaders.isEmpty)
        #expect(!route.forwardsToken)
        #expect(route.maxBodyBytes == nil)
        #expect(route.upstreamTimeout == .seconds(60))
        #expect(route.upstreamIdleTimeout == .seconds(300))
        #expect(route.upstreamCAFile == nil)
        #expect(route.expiryGrace == .zero)
        #expect(route.responseHeaders.isEmpty)
    }

    @Test func takesEveryIssuerInFileOrderWhenARouteNamesNone() throws {
        let text =
            baseConfiguration
            + "issuer second {\n    issuer https://b.example\n    audience any\n}\n"
            + route("r", "path /", "upstream http://127.0.0.1:3000", "allow true")
        #expect(try configuration(text).routes.first?.issuers == ["main", "second"])
    }

    @Test(arguments: [
        (source: "jwks_url https://keys.example/jwks", discovery: false),
        (source: "jwks_file /k.json", discovery: false),
        (source: "discovery on", discovery: true),
        (source: "jwks_url http://127.0.0.1:9000/keys\n    discovery off", discovery: false),
    ])
    func turnsDiscoveryOnOnlyWithoutAKeySetSource(source: String, discovery: Bool) throws {
        let text =
            "listen 127.0.0.1:1\nissuer i {\n    issuer https://i.example\n    audience a\n"
            + "    \(source)\n}\n"
        #expect(try configuration(text).issuers.first?.usesDiscovery == discovery)
    }

    @Test func readsEveryDirectiveWhenGiven() throws {
        let text = """
            listen 127.0.0.1:8080
            admin [::1]:9901
            log_format json
            access_log /var/log/tokengate/access.log
            limits {
                max_connections  50
                header_timeout   500ms
                body_timeout     2m
                idle_timeout     1h
                max_header_bytes 512
                shutdown_timeout 7d
            }
            issuer auth {
                issuer https://auth.example/application/o/app/
                jwks_url https://auth.example/keys?x=1
                audience a b
                algorithms ES256 HS256
                hmac_secret_file /run/secret
                leeway 0s
                refresh 10m
                kid_miss_interval 1m
                max_stale 0s
                ca_file /etc/ca.pem
            }
            route everything {
                host a.example *.b.example
                path /api/v1/push/
                methods get Post
                upstream https://up.example:8443/api/v1/write/
                strip_prefix on
                preserve_host off
                auth required
                issuers auth
                token_from bearer basic
                allow true
                allow claims.x == 1
                set_header X-Tenant "t-${claims.team}"
                remove_header Cookie
                forward_token on
                max_body 1GiB
                upstream_timeout 5s
                upstream_idle_timeout 30s
                upstream_ca_file /etc/up-ca.pem
                expiry_grace 10m
                response_header X-Served-By tokengate
            }
            """
        let configuration = try configuration(text)
        #expect(configuration.admin == ListenAddress(host: "::1", port: 9901))
        #expect(configuration.logFormat == .json)
        #expect(configuration.accessLog == .file("/var/log/tokengate/access.log"))
        #expect(
            configuration.limits
                == LimitsConfiguration(
                    maxConnections: 50, headerTimeout: .milliseconds(500),
                    bodyTimeout: .seconds(120),
                    idleTimeout: .seconds(3600), maxHeaderBytes: 512,
                    shutdownTimeout: .seconds(604_800)))

        let issuer = try #require(configuration.issuers.first)
        #expect(
            issuer
                == IssuerConfiguration(
                    name: "auth", issuer: "https://auth.example/application/o/app/",
                    jwksURL: HTTPURL(
                        scheme: .https, host: "auth.example", port: 443, path: "/keys", query: "x=1"
                    ),
                    audience: .oneOf(["a", "b"]), algorithms: ["ES256", "HS256"],
                    hmacSecretFile: "/run/secret", leeway: .zero, refresh: .seconds(600),
                    kidMissInterval: .seconds(60), maxStale: .zero, caFile: "/etc/ca.pem"))
        #expect(!issuer.usesDiscovery)

        let route = try #require(configuration.routes.first)
        #expect(route.hosts == [.exact("a.example"), .wildcard(domain: "b.example")])
        #expect(route.path == "/api/v1/push")
        #expect(route.methods == ["GET", "POST"])
        #expect(
            route.upstream
                == HTTPURL(scheme: .https, host: "up.example", port: 8443, path: "/api/v1/write"))
        #expect(route.stripsPrefix)
        #expect(!route.preservesHost)
        #expect(route.issuers == ["auth"])
        #expect(route.tokenSources == [.bearer, .basic])
        #expect(route.allowExpressions.map(\.text) == ["true", "claims.x == 1"])
        #expect(route.setHeaders.map(\.value.text) == ["t-${claims.team}"])
        #expect(route.removeHeaders == ["Cookie"])
        #expect(route.forwardsToken)
        #expect(route.maxBodyBytes == 1 << 30)
        #expect(route.upstreamTimeout == .seconds(5))
        #expect(route.upstreamIdleTimeout == .seconds(30))
        #expect(route.upstreamCAFile == "/etc/up-ca.pem")
        #expect(route.expiryGrace == .seconds(600))
        #expect(
            route.responseHeaders == [
                HeaderAssignment(name: "X-Served-By", value: route.responseHeaders[0].value)
            ])
    }
}
