import Foundation
import Testing

/// The authenticating layer through the built daemon, with real requests.
///
/// Challenges and error bodies, policy denials, headers set from claims, the credential
/// kept from the upstream, paths routed by their normalised form, and `Expect:
/// 100-continue` answered only once a request is authorised (DESIGN.md, "On the wire" and
/// "Expressions"; field cases F22, F24, F25, F27, F31). Key sources and `check` are in
/// `AuthenticationTests+Issuers.swift`.
@Suite struct AuthenticationTests {
    /// What the registry route sets on every response (F22).
    static let registryHeader = "Docker-Distribution-Api-Version"

    /// One issuer over a key set file and a route of each kind, all to one echo upstream:
    /// `/api` allows one repository, `/tenant` sets `X-Scope-OrgID` from a claim, `/plain`
    /// allows any token, `/forward` passes the credential on, `/open` is `auth off`, and
    /// `/v2/` takes the token from Basic auth as a registry does.
    static func standardProxy() throws -> AuthenticatedProxy {
        try AuthenticatedProxy { context in
            let echo = context.upstreams["echo"]!
            return ConfigurationText.listen + context.issuerBlock()
                + ConfigurationText.authenticatedRoute(
                    "api", path: "/api", to: echo,
                    ["issuers local", #"allow claims.repository == "acme/alerts""#])
                + ConfigurationText.authenticatedRoute(
                    "tenant", path: "/tenant", to: echo,
                    ["allow true", "set_header X-Scope-OrgID ${claims.tenant}"])
                + ConfigurationText.authenticatedRoute(
                    "plain", path: "/plain", to: echo, ["allow true"])
                + ConfigurationText.authenticatedRoute(
                    "forward", path: "/forward", to: echo, ["allow true", "forward_token on"])
                + ConfigurationText.route("open", path: "/open", to: echo)
                + ConfigurationText.authenticatedRoute(
                    "registry", path: "/v2/", to: echo,
                    [
                        "token_from basic bearer", "allow true",
                        "response_header \(registryHeader) registry/2.0",
                    ])
        }
    }

    // MARK: Challenges and error bodies

    @Test func challengesARequestWithoutCredentialWithBearerRealm() throws {
        let proxy = try Self.standardProxy()
        defer { proxy.stop() }

        let response = try proxy.daemon.get("/api/x")

        #expect(response.status == 401)
        #expect(response.values(of: "www-authenticate") == [#"Bearer realm="tokengate""#])
        #expect(try proxy.upstream().records().isEmpty)
    }

    @Test(arguments: RejectedToken.allCases)
    func challengesARejectedTokenWithInvalidTokenAndItsDescription(token: RejectedToken) throws {
        let proxy = try Self.standardProxy()
        defer { proxy.stop() }
        let authorization = try token.authorization(for: proxy)

        let response = try proxy.daemon.get("/api/x", fields: [("Authorization", authorization)])

        #expect(response.status == 401)
        let members = try response.errorMembers()
        #expect(members.error == "invalid_token")
        let description = try #require(members.description)
        #expect(!description.isEmpty)
        #expect(
            response.values(of: "www-authenticate") == [
                #"Bearer error="invalid_token", error_description="\#(description)""#
            ])
        let credential = String(authorization.dropFirst("Bearer ".count))
        #expect(!response.everythingSent.contains(credential))
        #expect(try proxy.upstream().records().isEmpty)
    }

    /// F25: Prometheus drops a batch on 401 and retries on 5xx, so an expired token must
    /// get 401, with the contract's own example body.
    @Test func answersAnExpiredTokenWith401AndTokenExpiredBodyF25() throws {
        let proxy = try Self.standardProxy()
        defer { proxy.stop() }
        let token = try proxy.token(
            #""repository":"acme/alerts","# + TokenClaims.expiredAnHourAgo)

        let response = try proxy.daemon.get(
            "/api/x", fields: [("Authorization", "Bearer \(token)")])

        #expect(response.status == 401)
        let object = try response.jsonObject()
        #expect(object.count == 2)
        #expect(object["error"] as? String == "invalid_token")
        #expect(object["error_description"] as? String == "token expired")
        #expect(
            response.values(of: "www-authenticate") == [
                #"Bearer error="invalid_token", error_description="token expired""#
            ])
    }

    @Test func refusesAValidTokenThePolicyDeniesNamingTheRuleButNoClaimValue() throws {
        let proxy = try Self.standardProxy()
        defer { proxy.stop() }
        let repository = "acme/secret-repository-7731"

        let response = try proxy.daemon.get(
            "/api/x", fields: [try proxy.bearer(#""repository":"\#(repository)""#)])

        #expect(response.status == 403)
        let description = try #require(try response.errorMembers().description)
        #expect(description.contains("allow #1: claims.repository"), "\(description)")
        #expect(!response.everythingSent.contains(repository), "\(response.everythingSent)")
        #expect(!response.everythingSent.contains("secret-repository"))
        #expect(try proxy.upstream().records().isEmpty)
    }

    @Test func passesAGoodTokenToTheUpstream() throws {
        let proxy = try Self.standardProxy()
        defer { proxy.stop() }

        let response = try proxy.daemon.get(
            "/api/x?since=1", fields: [try proxy.bearer(#""repository":"acme/alerts""#)])

        #expect(response.status == 200)
        let record = try proxy.upstream().onlyRecord()
        #expect(record.method == "GET")
        #expect(record.target == "/api/x?since=1")
    }

    // MARK: Basic auth on a registry route

    /// F22: `docker login` asks for a password only when the 401 challenges Basic and
    /// carries the registry's version header; every 401 of the route does.
    @Test(arguments: [
        (authorization: String?.none, description: "no credential"),
        (
            authorization: "Basic " + Data("ci:not-a-token".utf8).base64EncodedString(),
            description: "a bad token as the password"
        ),
        (authorization: "Bearer not-a-token", description: "a bad bearer token"),
    ])
    func challengesBasicWithTheRegistryHeaderOnARegistryRouteF22(
        authorization: String?, description: String
    ) throws {
        let proxy = try Self.standardProxy()
        defer { proxy.stop() }

        let response = try proxy.daemon.get(
            "/v2/", fields: authorization.map { [("Authorization", $0)] } ?? [])

        #expect(response.status == 401, "\(description)")
        #expect(response.values(of: "www-authenticate") == [#"Basic realm="tokengate""#])
        #expect(response.values(of: Self.registryHeader) == ["registry/2.0"])
        #expect(try proxy.upstream().records().isEmpty)
    }

    @Test func curlWithTheTokenAsBasicPasswordPassesTheRegistryRoute() throws {
        let proxy = try Self.standardProxy()
        defer { proxy.stop() }
        let token = try proxy.token()
        let curl = try ShellCommand.curl()

        let result = try ShellCommand.run(
            "\(curl) -sS --max-time 10 -u ci:\(token) -o /dev/null -D - "
                + "\(proxy.daemon.origin)/v2/acme/app/manifests/latest",
            timeout: .seconds(15))

        #expect(result.status == 0, "\(result)")
        #expect(result.standardOutput.hasPrefix("HTTP/1.1 200"), "\(result)")
        #expect(result.standardOutput.contains("\(Self.registryHeader): registry/2.0"))
        let record = try proxy.upstream().onlyRecord()
        #expect(record.target == "/v2/acme/app/manifests/latest")
        #expect(record.values(of: "authorization") == [])
    }

    // MARK: Headers

    /// F27: the tenant header comes from the token alone, whatever the client sent.
    @Test(arguments: [
        [(String, String)](),
        [("X-Scope-OrgID", "team-b")],
        [("x-scope-orgid", "team-b"), ("X-Scope-OrgID", "team-c")],
    ])
    func replacesTheClientsTenantHeaderWithTheTokensClaimF27(sent: [(String, String)]) throws {
        let proxy = try Self.standardProxy()
        defer { proxy.stop() }

        let response = try proxy.daemon.get(
            "/tenant/push", fields: sent + [try proxy.bearer(#""tenant":"team-a""#)])

        #expect(response.status == 200)
        #expect(try proxy.upstream().onlyRecord().values(of: "x-scope-orgid") == ["team-a"])
    }

    @Test func writesAnIntegerClaimIntoASetHeaderTemplate() throws {
        let proxy = try Self.standardProxy()
        defer { proxy.stop() }

        let response = try proxy.daemon.get(
            "/tenant/push", fields: [try proxy.bearer(#""tenant":42"#)])

        #expect(response.status == 200)
        #expect(try proxy.upstream().onlyRecord().values(of: "x-scope-orgid") == ["42"])
    }

    /// A tenant header is never left out, guessed or used to inject another header: a
    /// template whose value is not a string or an integer denies the request.
    @Test(arguments: [
        (tenant: #"["team-a"]"#, kind: "a list"),
        (tenant: #"{"name":"team-a"}"#, kind: "an object"),
        (tenant: "true", kind: "a boolean"),
        (tenant: "1.5", kind: "a fraction"),
        (tenant: "null", kind: "null"),
        (tenant: #""team-a\r\nX-Injected: yes""#, kind: "a string with CR LF"),
    ])
    func deniesATemplateWhoseClaimIsNotAStringOrInteger(tenant: String, kind: String) throws {
        let proxy = try Self.standardProxy()
        defer { proxy.stop() }

        let response = try proxy.daemon.get(
            "/tenant/push",
            fields: [("X-Scope-OrgID", "team-b"), try proxy.bearer(#""tenant":\#(tenant)"#)])

        #expect(response.status == 403, "tenant as \(kind)")
        #expect(!response.everythingSent.contains("team-a"), "\(response.everythingSent)")
        #expect(try proxy.upstream().records().isEmpty)
    }

    @Test func deniesATemplateWhoseClaimIsMissing() throws {
        let proxy = try Self.standardProxy()
        defer { proxy.stop() }

        let response = try proxy.daemon.get(
            "/tenant/push", fields: [("X-Scope-OrgID", "team-b"), try proxy.bearer()])

        #expect(response.status == 403)
        #expect(try proxy.upstream().records().isEmpty)
    }

    @Test(arguments: [
        (path: "/plain/x", isForwarded: false, route: "an authenticated route"),
        (path: "/forward/x", isForwarded: true, route: "a route with forward_token on"),
        (path: "/open/x", isForwarded: true, route: "an auth off route"),
    ])
    func forwardsAuthorizationOnlyWithForwardTokenOrAuthOff(
        path: String, isForwarded: Bool, route: String
    ) throws {
        let proxy = try Self.standardProxy()
        defer { proxy.stop() }
        let authorization = try proxy.bearer()

        let response = try proxy.daemon.get(path, fields: [authorization])

        #expect(response.status == 200, "\(route)")
        #expect(
            try proxy.upstream().onlyRecord().values(of: "authorization")
                == (isForwarded ? [authorization.1] : []), "\(route)")
    }

    // MARK: Paths and uploads

    /// F31: a path that reaches `/admin` only once normalised is routed as `/admin/x`, so
    /// the `auth off` route of `/public` never opens it.
    @Test(arguments: ["/public/../admin/x", "/public/%2e%2e/admin/x", "//admin/x"])
    func routesByTheNormalisedPathSoAuthOffCannotBeClimbedOutOfF31(target: String) throws {
        let proxy = try AuthenticatedProxy(upstreams: ["public", "admin"]) { context in
            ConfigurationText.listen + context.issuerBlock()
                + ConfigurationText.route(
                    "public", path: "/public", to: context.upstreams["public"]!)
                + ConfigurationText.authenticatedRoute(
                    "admin", path: "/admin", to: context.upstreams["admin"]!, ["allow true"])
        }
        defer { proxy.stop() }

        let anonymous = try proxy.daemon.get(target)
        #expect(anonymous.status == 401)
        #expect(try proxy.fixture.targetsByUpstream() == ["public": [], "admin": []])

        let authenticated = try proxy.daemon.get(target, fields: [try proxy.bearer()])
        #expect(authenticated.status == 200)
        #expect(try proxy.fixture.targetsByUpstream() == ["public": [], "admin": ["/admin/x"]])
    }

    /// F24: `100 Continue` goes out once the token has passed, and the body follows.
    @Test func sendsContinueOnlyAfterAuthorisingAnUploadF24() throws {
        let proxy = try Self.standardProxy()
        defer { proxy.stop() }
        let length = 8 << 20
        let client = try StreamingClient(port: proxy.daemon.port)

        client.send(
            RawRequest.text(
                "PUT", "/plain/blobs/upload", host: proxy.daemon.authority,
                fields: [
                    try proxy.bearer(), ("Content-Length", "\(length)"),
                    ("Expect", "100-continue"),
                ]))
        let interim = try client.readHead(timeout: .seconds(5))
        let sent = PatternBody.send(length, framing: .contentLength, over: client)
        let response = try client.readResponse(to: "PUT")

        #expect(interim.status == 100)
        #expect(sent == length)
        #expect(response.status == 200)
        let record = try proxy.upstream().onlyRecord()
        #expect(record.bodyLength == length)
        #expect(record.values(of: "expect") == [])
    }

    /// F24: a denied upload is answered before its body is read, with no `100 Continue`,
    /// and the connection closes; the upstream sees nothing.
    @Test(arguments: UploadCredential.allCases)
    func refusesADeniedUploadWithoutContinueAndClosesF24(credential: UploadCredential) throws {
        let proxy = try Self.standardProxy()
        defer { proxy.stop() }
        let client = try StreamingClient(port: proxy.daemon.port)

        client.send(
            RawRequest.text(
                "PUT", "/api/blobs/upload", host: proxy.daemon.authority,
                fields: try credential.fields(for: proxy) + [
                    ("Content-Length", "\(200 << 20)"), ("Expect", "100-continue"),
                ]))
        let reply = client.readUntilClose(timeout: .seconds(5))

        #expect(reply.isClosed, "\(reply)")
        let response = try reply.response(to: "PUT")
        #expect(response.status == credential.status, "\(reply)")
        #expect(response.values(of: "connection").map { $0.lowercased() } == ["close"])
        #expect(!reply.text.contains("100 Continue"), "\(reply)")
        #expect(try proxy.upstream().records().isEmpty)
    }
}

/// Tokens that an authenticated route refuses with 401, each for one reason.
enum RejectedToken: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Not a JWT at all.
    case malformed
    /// Signed by another key that claims the issuer's `kid`.
    case foreignSignature
    /// For an audience the issuer block does not accept.
    case wrongAudience
    /// Signed with a `kid` the key set does not hold.
    case unknownKeyID
    /// Expired an hour ago.
    case expired

    var description: String { rawValue }

    /// The `Authorization` value that carries such a token to `proxy`'s `/api` route.
    func authorization(for proxy: AuthenticatedProxy) throws -> String {
        let claims = #""repository":"acme/alerts""#
        let token: String
        switch self {
        case .malformed:
            token = "not-a-token"
        case .foreignSignature:
            token = try IssuerKey(keyID: proxy.key.keyID).mint(
                claims: TokenClaims.text(
                    iss: AuthenticatedProxy.issuer, aud: AuthenticatedProxy.audience, claims))
        case .wrongAudience:
            token = try proxy.token(claims, aud: "someone-else")
        case .unknownKeyID:
            token = try IssuerKey(keyID: "k-unknown").mint(
                claims: TokenClaims.text(
                    iss: AuthenticatedProxy.issuer, aud: AuthenticatedProxy.audience, claims))
        case .expired:
            token = try proxy.token(claims + "," + TokenClaims.expiredAnHourAgo)
        }
        return "Bearer " + token
    }
}

/// What a denied upload carries, and the status it earns.
enum UploadCredential: String, CaseIterable, Sendable, CustomStringConvertible {
    /// No `Authorization` at all.
    case none
    /// A bearer value that is no token.
    case malformedToken
    /// A valid token that the route's `allow` refuses.
    case deniedByPolicy

    var description: String { rawValue }

    /// The status the daemon answers with.
    var status: Int { self == .deniedByPolicy ? 403 : 401 }

    /// The request's `Authorization` field, if any.
    func fields(for proxy: AuthenticatedProxy) throws -> [(String, String)] {
        switch self {
        case .none: []
        case .malformedToken: [("Authorization", "Bearer not-a-token")]
        case .deniedByPolicy: [try proxy.bearer(#""repository":"acme/other""#)]
        }
    }
}
