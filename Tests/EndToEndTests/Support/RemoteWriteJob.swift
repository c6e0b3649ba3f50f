import Foundation

/// DESIGN.md's second job, Mimir ingest, set up with real Prometheus: a receiver standing
/// in for Mimir, tokengate before it, the issuers whose tokens the senders present, and the
/// senders a test starts.
///
/// - The receiver is Prometheus with `--web.enable-remote-write-receiver`; its query API
///   shows whose series arrived, by the external label `sender` each sender sets.
/// - Issuer `cluster-a` is a Kubernetes cluster's service-account issuer, its key set in a
///   `jwks_file` as pasted from `kubectl get --raw /openid/v1/jwks`; issuer `edge-oauth` an
///   authorization server that grants client credentials, its key set in a file too, with
///   a stand-in token endpoint; issuer `cluster-b` a cluster whose key set URL nothing
///   answers, so its keys are never loaded.
/// - Every route takes `POST` only and maps its path to the receiver's `/api/v1/write`
///   (`strip_prefix on`): `mimir-push` at `/api/v1/push` is DESIGN.md's own; `edge-push`
///   at `/edge/api/v1/push` admits the OAuth2 client; `keyless-push` at
///   `/keyless/api/v1/push` takes cluster-b's tokens; `echo-push` at `/echo/api/v1/push`
///   is mimir-push's twin before an echo upstream, which records the headers a push
///   carries past tokengate (Prometheus' receiver ignores `X-Scope-OrgID`).
///
/// Tokens are signed with the harness' P-256 test keys (ES256; a cluster may sign its
/// service-account tokens so, though RS256 is the usual).
final class RemoteWriteJob {
    /// The `iss` of cluster A's service-account tokens.
    static let clusterIssuer = "https://oidc.cluster-a.example.test"
    /// The `iss` of cluster B, whose keys are never loaded.
    static let keylessIssuer = "https://oidc.cluster-b.example.test"
    /// The `iss` of the authorization server's tokens.
    static let edgeIssuer = "https://login.example.test/realms/ops"
    /// The audience every issuer block accepts.
    static let audience = "mimir"
    /// The one service account `mimir-push` admits, as its `sub`.
    static let admittedSubject = "system:serviceaccount:monitoring:prometheus"
    /// The OAuth2 client `edge-push` admits.
    static let edgeClientID = "prometheus-edge"
    /// The secret that client authenticates to the token endpoint with.
    static let edgeClientSecret = "edge-client-secret-4417"
    /// The tenant `edge-push` sets.
    static let edgeTenant = "edge"

    /// The Prometheus that stores what is written to it.
    let receiver: PrometheusServer
    /// Cluster A's key, the echo upstream and the daemon.
    let proxy: AuthenticatedProxy
    /// The authorization server's token endpoint.
    let tokenEndpoint: OAuthTokenEndpoint
    private let directory: TemporaryDirectory
    private var senders: [PrometheusServer] = []

    /// Starts the receiver, the token endpoint, the echo upstream and the daemon, and waits
    /// until cluster A's keys are in place.
    init() throws {
        receiver = try PrometheusServer(
            name: "receiver", configuration: PrometheusConfiguration.receiver,
            arguments: ["--web.enable-remote-write-receiver"])
        directory = try TemporaryDirectory(prefix: "remote-write")
        let edgeKey = try IssuerKey(keyID: "edge-1")
        let edgeKeySetPath = try directory.write(try edgeKey.keySet(), to: "edge.jwks.json")
        tokenEndpoint = try OAuthTokenEndpoint(
            clientID: Self.edgeClientID, clientSecret: Self.edgeClientSecret,
            token: try edgeKey.mint(claims: Self.edgeClaims(), ttl: "1h"))
        let unanswered = try FreePort.next()
        let write = receiver.origin + "/api/v1/write"
        proxy = try AuthenticatedProxy(
            key: try IssuerKey(keyID: "cluster-a-1"), keysLoadedFor: Self.clusterIssuer
        ) { context in
            let echoWrite = context.upstreams["echo"]!.origin + "/api/v1/write"
            let tenantFromToken = #"${claims["kubernetes.io"].namespace}"#
            let admitsPrometheus = "claims.sub == \"\(Self.admittedSubject)\""
            return ConfigurationText.listen
                + context.issuerBlock(
                    "cluster-a", issuer: Self.clusterIssuer, audience: Self.audience)
                + ConfigurationText.issuer(
                    "edge-oauth",
                    [
                        "issuer \(Self.edgeIssuer)", "jwks_file \(edgeKeySetPath)",
                        "audience \(Self.audience)",
                    ])
                + ConfigurationText.issuer(
                    "cluster-b",
                    [
                        "issuer \(Self.keylessIssuer)",
                        "jwks_url http://127.0.0.1:\(unanswered)/openid/v1/jwks",
                        "audience \(Self.audience)",
                    ])
                + Self.pushRoute(
                    "mimir-push", path: "/api/v1/push", to: write, issuer: "cluster-a",
                    allow: admitsPrometheus, tenant: tenantFromToken)
                + Self.pushRoute(
                    "edge-push", path: "/edge/api/v1/push", to: write, issuer: "edge-oauth",
                    allow: "claims.azp == \"\(Self.edgeClientID)\"", tenant: Self.edgeTenant)
                + Self.pushRoute(
                    "keyless-push", path: "/keyless/api/v1/push", to: write,
                    issuer: "cluster-b", allow: admitsPrometheus, tenant: tenantFromToken)
                + Self.pushRoute(
                    "echo-push", path: "/echo/api/v1/push", to: echoWrite, issuer: "cluster-a",
                    allow: admitsPrometheus, tenant: tenantFromToken)
        }
    }

    /// A route as DESIGN.md's `mimir-push`: `POST` only, its `path` mapped to the
    /// upstream's base path, tokens of one issuer, one `allow`, and the tenant header set.
    private static func pushRoute(
        _ name: String, path: String, to upstream: String, issuer: String, allow: String,
        tenant: String
    ) -> String {
        let directives = [
            "path \(path)", "methods POST", "upstream \(upstream)", "strip_prefix on",
            "issuers \(issuer)", "allow \(allow)", "set_header X-Scope-OrgID \(tenant)",
            "max_body 16MiB",
        ]
        return "route \(name) {\n" + directives.map { "    \($0)\n" }.joined() + "}\n"
    }

    /// The daemon's URL for `path`, where a sender writes.
    func url(_ path: String) -> String {
        proxy.daemon.origin + path
    }

    /// The path of a file holding a projected service-account token of `issuer` for
    /// `system:serviceaccount:NAMESPACE:SERVICEACCOUNT`, signed by cluster A's key; an
    /// expired one when `isExpired`.
    func serviceAccountTokenFile(
        namespace: String = "monitoring", serviceAccount: String = "prometheus",
        issuer: String = RemoteWriteJob.clusterIssuer, isExpired: Bool = false
    ) throws -> String {
        let claims = Self.serviceAccountClaims(
            namespace: namespace, serviceAccount: serviceAccount, issuer: issuer,
            isExpired: isExpired)
        let token = try proxy.key.mint(claims: claims, ttl: "1h")
        return try directory.write(token, to: "token-\(UUID().uuidString)")
    }

    /// Starts a sender whose series carry `sender: label` and that writes to
    /// `remoteWrites`; it is stopped by `stop`.
    @discardableResult
    func startSender(label: String, remoteWrites: [PrometheusConfiguration.RemoteWrite])
        throws -> PrometheusServer
    {
        let sender = try PrometheusServer(
            name: label,
            configuration: PrometheusConfiguration.sender(label: label, remoteWrites: remoteWrites))
        senders.append(sender)
        return sender
    }

    /// Stops the senders first, while their writes can still be answered, then the token
    /// endpoint, the daemon and its upstream, and the receiver.
    func stop() {
        for sender in senders { sender.stop() }
        tokenEndpoint.stop()
        proxy.stop()
        receiver.stop()
    }

    /// The claims of a projected service-account token as the Kubernetes API server
    /// issues them: an array `aud`, `sub` naming the account, and the nested
    /// `kubernetes.io` claims (namespace, pod, service account).
    static func serviceAccountClaims(
        namespace: String, serviceAccount: String, issuer: String, isExpired: Bool
    ) -> String {
        var claims: [String: Any] = [
            "iss": issuer, "aud": [audience, "https://kubernetes.default.svc.cluster.local"],
            "sub": "system:serviceaccount:\(namespace):\(serviceAccount)",
            "kubernetes.io": [
                "namespace": namespace,
                "pod": ["name": "\(serviceAccount)-0", "uid": UUID().uuidString.lowercased()],
                "serviceaccount": [
                    "name": serviceAccount, "uid": UUID().uuidString.lowercased(),
                ],
            ],
        ]
        if isExpired {
            let now = Int(Date().timeIntervalSince1970)
            claims["iat"] = now - 7200
            claims["nbf"] = now - 7200
            claims["exp"] = now - 3600
        }
        return jsonText(claims)
    }

    /// The claims of the authorization server's client credentials token: the client in
    /// `azp`, a service-account user as `sub`, and the granted `scope`.
    static func edgeClaims() -> String {
        jsonText([
            "iss": edgeIssuer, "aud": [audience], "azp": edgeClientID,
            "sub": "service-account-\(edgeClientID)", "scope": "remote-write",
        ])
    }

    private static func jsonText(_ object: [String: Any]) -> String {
        let data = try? JSONSerialization.data(
            withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data ?? Data("{}".utf8), as: UTF8.self)
    }
}
