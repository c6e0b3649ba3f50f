/// Named echo upstreams and one daemon whose configuration routes to them: the set-up of
/// most end-to-end tests.
///
///     let fixture = try ProxyFixture(upstreams: ["public", "admin"]) { upstreams in
///         ConfigurationText.listen
///             + ConfigurationText.route("public", path: "/public", to: upstreams["public"]!)
///             + ConfigurationText.route("admin", path: "/admin", to: upstreams["admin"]!)
///     }
///     defer { fixture.stop() }
///     let response = try fixture.daemon.get("/public/x")
///     #expect(try fixture.targets(seenBy: "public") == ["/public/x"])
final class ProxyFixture {
    /// The upstreams by name.
    let upstreams: [String: EchoUpstream]
    /// The daemon.
    let daemon: TokengateDaemon

    /// Starts one echo upstream per name, then a daemon with the configuration that
    /// `configuration` writes for them.
    init(
        upstreams names: [String] = ["echo"],
        configuration: ([String: EchoUpstream]) -> String
    ) throws {
        var upstreams: [String: EchoUpstream] = [:]
        for name in names { upstreams[name] = try EchoUpstream(name: name) }
        self.upstreams = upstreams
        daemon = try TokengateDaemon(configuration: configuration(upstreams))
    }

    /// The upstream called `name`; a `HarnessError` for a name not started.
    func upstream(_ name: String) throws -> EchoUpstream {
        guard let upstream = upstreams[name] else { throw HarnessError("no upstream \(name)") }
        return upstream
    }

    /// The targets the upstream called `name` received, in order.
    func targets(seenBy name: String) throws -> [String] {
        try upstream(name).records().map(\.target)
    }

    /// Every request received, by upstream name (upstreams that saw none included).
    func targetsByUpstream() throws -> [String: [String]] {
        try upstreams.mapValues { try $0.records().map(\.target) }
    }

    /// Stops the daemon, then the upstreams.
    func stop() {
        daemon.stop()
        for upstream in upstreams.values { upstream.stop() }
    }
}

/// Pieces of proxy.conf that tests put together.
enum ConfigurationText {
    /// The listener on the daemon's free port.
    static let listen = "listen 127.0.0.1:\(TokengateDaemon.portPlaceholder)\n"

    /// An `auth off` route called `name` for `path` to `upstream` (its origin plus
    /// `basePath`), with further `directives` one per line.
    static func route(
        _ name: String, path: String, to upstream: EchoUpstream, basePath: String = "",
        _ directives: String...
    ) -> String {
        route(name, path: path, upstreamURL: upstream.origin + basePath, directives)
    }

    /// An `auth off` route called `name` for `path` to the URL `upstreamURL`.
    static func route(
        _ name: String, path: String, upstreamURL: String, _ directives: [String] = []
    ) -> String {
        let lines =
            ["route \(name) {", "    path \(path)", "    upstream \(upstreamURL)", "    auth off"]
            + directives.map { "    " + $0 } + ["}"]
        return lines.joined(separator: "\n") + "\n"
    }
}
