import Foundation

/// An issuer key with its key set in a `jwks_file`, named echo upstreams, and one daemon
/// whose configuration the test writes around them: the set-up of most authentication
/// tests.
///
/// The daemon accepts connections before its issuers' first keys are in place (a
/// `jwks_file` too), and answers 503 until then; so the set-up adds a route of its own,
/// `/.keys-probe`, and returns once a token with a bad signature gets something else there.
/// The probe reaches no upstream and starts no key refresh (its `kid` is the issuer's).
///
///     let proxy = try AuthenticatedProxy { context in
///         ConfigurationText.listen + context.issuerBlock()
///             + ConfigurationText.authenticatedRoute(
///                 "api", path: "/api", to: context.upstreams["echo"]!, ["allow true"])
///     }
///     defer { proxy.stop() }
///     let response = try proxy.daemon.get("/api/x", fields: [try proxy.bearer()])
final class AuthenticatedProxy {
    /// The `iss` of the stand-in issuer.
    static let issuer = "https://issuer.test"
    /// The audience its issuer block accepts.
    static let audience = "tokengate-tests"

    /// What the configuration is written from.
    struct Context {
        /// The echo upstreams by name.
        var upstreams: [String: EchoUpstream]
        /// The key set file of `key`.
        var keySetPath: String

        /// `issuer NAME { ... }` over the key set file, with `issuer` and `audience`.
        func issuerBlock(
            _ name: String = "local", issuer: String = AuthenticatedProxy.issuer,
            audience: String = AuthenticatedProxy.audience
        ) -> String {
            ConfigurationText.issuer(
                name, ["issuer \(issuer)", "jwks_file \(keySetPath)", "audience \(audience)"])
        }
    }

    /// The key the issuer signs with.
    let key: IssuerKey
    /// The upstreams and the daemon.
    let fixture: ProxyFixture
    private let directory: TemporaryDirectory

    /// Writes the key set of `key` (a new one called `k1` by default), starts one echo
    /// upstream per name, then the daemon, and waits until the keys of the issuer
    /// `keysLoadedFor` are in place (nil: returns at once).
    init(
        key: IssuerKey? = nil, upstreams: [String] = ["echo"],
        keysLoadedFor probeIssuer: String? = AuthenticatedProxy.issuer,
        configuration: (Context) -> String
    ) throws {
        let key = try key ?? IssuerKey(keyID: "k1")
        self.key = key
        directory = try TemporaryDirectory(prefix: "auth")
        let keySetPath = try directory.write(try key.keySet(), to: "jwks.json")
        fixture = try ProxyFixture(upstreams: upstreams) { upstreams in
            configuration(Context(upstreams: upstreams, keySetPath: keySetPath))
                + ConfigurationText.authenticatedRoute(
                    "keys-probe", path: Self.probePath, to: upstreams[upstreams.keys.sorted()[0]]!,
                    ["allow false"])
        }
        if let probeIssuer { try waitForKeys(of: probeIssuer) }
    }

    private static let probePath = "/.keys-probe"

    /// Sends a token of `issuer` with the issuer's `kid` and a bad signature until the
    /// answer is not 503, for up to five seconds.
    private func waitForKeys(of issuer: String) throws {
        let forged = try IssuerKey(keyID: key.keyID).mint(
            claims: TokenClaims.text(iss: issuer, aud: Self.audience))
        let deadline = ContinuousClock.now + .seconds(5)
        while true {
            let response = try daemon.get(
                Self.probePath, fields: [("Authorization", "Bearer \(forged)")])
            guard response.status == 503 else { return }
            guard ContinuousClock.now < deadline else {
                throw HarnessError("the keys of \(issuer) were not loaded within 5 s")
            }
            usleep(20_000)
        }
    }

    /// The daemon.
    var daemon: TokengateDaemon { fixture.daemon }

    /// The upstream called `name`.
    func upstream(_ name: String = "echo") throws -> EchoUpstream {
        try fixture.upstream(name)
    }

    /// A token of the issuer for its audience, with further claim `members` (JSON text).
    func token(
        _ members: String = "", iss: String = AuthenticatedProxy.issuer,
        aud: String = AuthenticatedProxy.audience
    ) throws
        -> String
    {
        try key.mint(claims: TokenClaims.text(iss: iss, aud: aud, members))
    }

    /// `Authorization: Bearer TOKEN` with a token holding further claim `members`.
    func bearer(_ members: String = "") throws -> (String, String) {
        ("Authorization", "Bearer " + (try token(members)))
    }

    /// Stops the daemon, then the upstreams.
    func stop() {
        fixture.stop()
    }
}

extension ConfigurationText {
    /// `issuer NAME { ... }` with `directives` one per line.
    static func issuer(_ name: String, _ directives: [String]) -> String {
        block("issuer \(name)", directives)
    }

    /// A route called `name` for `path` to `upstream` that needs a token (`auth` is left at
    /// its default), with further `directives` one per line: at least one `allow`.
    static func authenticatedRoute(
        _ name: String, path: String, to upstream: EchoUpstream, _ directives: [String]
    ) -> String {
        block("route \(name)", ["path \(path)", "upstream \(upstream.origin)"] + directives)
    }

    private static func block(_ opening: String, _ directives: [String]) -> String {
        ([opening + " {"] + directives.map { "    " + $0 } + ["}"]).joined(separator: "\n") + "\n"
    }
}

extension HTTPResponse {
    /// The `error` and `error_description` of one of tokengate's JSON error bodies.
    func errorMembers() throws -> (error: String?, description: String?) {
        let object = try jsonObject()
        return (object["error"] as? String, object["error_description"] as? String)
    }

    /// Every header value and the body, for checks that something appears nowhere.
    var everythingSent: String {
        headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n") + "\n" + bodyText
    }
}
