import Foundation

/// A real Docker registry behind tokengate's registry route, as in DESIGN.md's third job:
/// `token_from basic bearer`, `preserve_host on`, `Docker-Distribution-Api-Version` on
/// every response, and only tokens of GitHub Actions runs of the owner `acme`.
///
/// The issuer block stands in for GitHub's (`issuer`, `audience`) over a `jwks_file` of a
/// test key, with `leeway 0s`, so that a token is expired the moment its `exp` passes.
/// With `relayDelay`, a `DelayingRelay` sits between the daemon and the registry.
///
///     let gate = try GatedRegistry()
///     defer { gate.stop() }
///     let push = try Skopeo.copy(
///         image.reference, to: gate.reference("acme/app:1"),
///         options: ["--dest-tls-verify=false", "--dest-creds", "ci:" + gate.token()])
final class GatedRegistry {
    /// GitHub's OIDC issuer, as its tokens name it.
    static let issuer = "https://token.actions.githubusercontent.com"
    /// The audience the issuer block takes (a GitHub token's default is the owner's URL).
    static let audience = "https://github.com/acme"
    /// What the route sets on every response.
    static let apiVersionHeader = "Docker-Distribution-Api-Version"

    /// The registry.
    let registry: DockerRegistry
    /// The relay between the daemon and the registry, when there is one.
    let relay: DelayingRelay?
    /// The issuer key and the daemon.
    let proxy: AuthenticatedProxy

    /// Starts the registry, the relay when `relayDelay` is given, and the daemon with the
    /// registry route and its further `routeDirectives`.
    init(relayDelay: Duration? = nil, routeDirectives: [String] = []) throws {
        let registry = try DockerRegistry()
        let relay = try relayDelay.map { try DelayingRelay(toPort: registry.port, delay: $0) }
        let upstream = relay?.origin ?? registry.origin
        self.registry = registry
        self.relay = relay
        proxy = try AuthenticatedProxy(keysLoadedFor: Self.issuer) { context in
            ConfigurationText.listen
                + ConfigurationText.issuer(
                    "github",
                    [
                        "issuer \(Self.issuer)", "jwks_file \(context.keySetPath)",
                        "audience \(Self.audience)", "leeway 0s",
                    ])
                + Self.route(to: upstream, routeDirectives)
        }
    }

    /// The registry route of DESIGN.md to `upstream`, with `further` directives.
    private static func route(to upstream: String, _ further: [String]) -> String {
        let directives =
            [
                "path /v2/", "upstream \(upstream)", "preserve_host on", "issuers github",
                "token_from basic bearer", #"allow claims.repository_owner == "acme""#,
                "response_header \(apiVersionHeader) registry/2.0",
            ] + further
        return (["route registry {"] + directives.map { "    " + $0 } + ["}"])
            .joined(separator: "\n") + "\n"
    }

    /// The daemon.
    var daemon: TokengateDaemon { proxy.daemon }

    /// `docker://127.0.0.1:PORT/NAME:TAG` through the daemon, skopeo's name for an image
    /// there (`nameAndTag` is `acme/app:1`).
    func reference(_ nameAndTag: String) -> String {
        "docker://\(daemon.authority)/\(nameAndTag)"
    }

    /// A token shaped like one a GitHub Actions run of `acme/app` gets, but of the owner
    /// `owner`, signed by `key` (the test key the daemon trusts by default); it expires at
    /// `expiry` (seconds since the epoch) when given, else five minutes after it is made.
    func token(owner: String = "acme", expiry: Int? = nil, signedBy key: IssuerKey? = nil)
        throws -> String
    {
        let repository = "\(owner)/app"
        var members = [
            "sub": "repo:\(repository):ref:refs/heads/main", "repository": repository,
            "repository_owner": owner, "repository_id": "123", "repository_owner_id": "456",
            "ref": "refs/heads/main", "ref_type": "branch", "workflow": "release",
            "event_name": "push", "actor": "octocat", "run_id": "9876543210",
            "job_workflow_ref": "\(repository)/.github/workflows/release.yml@refs/heads/main",
            "runner_environment": "github-hosted",
        ]
        .sorted { $0.key < $1.key }
        .map { "\(TokenClaims.quoted($0.key)):\(TokenClaims.quoted($0.value))" }
        if let expiry {
            let now = Int(Date().timeIntervalSince1970)
            members += ["\"iat\":\(now)", "\"nbf\":\(now)", "\"exp\":\(expiry)"]
        }
        return try (key ?? proxy.key).mint(
            claims: TokenClaims.text(
                iss: Self.issuer, aud: Self.audience, members.joined(separator: ",")))
    }

    /// curl's answer to `METHOD path` through the daemon, with `ci:PASSWORD` as Basic
    /// credentials when `password` is given (HEAD is sent as curl's `-I`).
    func curl(_ path: String, method: String = "GET", password: String? = nil) throws
        -> HTTPResponse
    {
        let curl = try ShellCommand.curl()
        let credentials = password.map { " -u ci:\($0)" } ?? ""
        let request = method == "HEAD" ? "-I" : "-i -X \(method)"
        let result = try ShellCommand.run(
            "\(curl) -sS --max-time 20 \(request)\(credentials) '\(daemon.origin)\(path)'",
            timeout: .seconds(30))
        guard result.status == 0,
            let (response, _) = try HTTPResponse.parse(
                Array(result.standardOutput.utf8)[...], to: method, atEnd: true)
        else { throw HarnessError("curl \(method) \(path) failed: \(result)") }
        return response
    }

    /// Stops the daemon, the relay and the registry.
    func stop() {
        proxy.stop()
        relay?.stop()
        registry.stop()
    }
}
