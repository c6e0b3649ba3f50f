extension ConfigResolver {
    /// Headers tokengate frames or forwards itself: a route may neither set nor remove them,
    /// since doing so would change how a message is framed or routed.
    static let reservedHeaders: Set<String> = [
        "connection", "content-length", "host", "keep-alive", "proxy-connection", "te",
        "trailer", "transfer-encoding", "upgrade",
    ]

    /// Resolves every `route NAME { ... }` block; names must differ.
    func resolveRoutes(
        _ directives: [ConfigDirective], issuers: ResolvedIssuers
    ) -> [RouteConfiguration] {
        var routes: [RouteConfiguration] = []
        var firstLines: [String: Int] = [:]
        for directive in directives {
            let nameWord = directive.arguments.first
            var name = nameWord.flatMap { blockName($0, kind: "route") }
            if let nameWord, let known = name {
                if let line = firstLines[known] {
                    report("route \"\(known)\" is already defined on line \(line)", at: nameWord)
                    name = nil
                } else {
                    firstLines[known] = nameWord.location.line
                }
            }
            if let route = resolveRoute(directive, name: name, issuers: issuers) {
                routes.append(route)
            }
        }
        return routes
    }

    /// One route block; values that are wrong are reported and their defaults stand in,
    /// since the configuration as a whole is then refused anyway.
    private func resolveRoute(
        _ directive: ConfigDirective, name: String?, issuers: ResolvedIssuers
    ) -> RouteConfiguration? {
        let set = select(directive.block ?? [], in: .route)
        let what = directive.arguments.first.map { "route \"\($0.text)\"" } ?? "this route block"
        for required in ["path", "upstream"] {
            requireDirective(required, in: set, kind: .route, what: what, at: directive)
        }
        func word(_ name: String) -> ConfigWord? { set.first(name)?.arguments[0] }
        func words(_ name: String) -> [ConfigWord] { set.first(name)?.arguments ?? [] }
        func onOff(_ name: String) -> Bool? { word(name).flatMap(self.onOff) }
        func duration(_ name: String, allowsZero: Bool = false) -> Duration? {
            word(name).flatMap { self.duration($0, allowsZero: allowsZero) }
        }

        let path = word("path").flatMap { value($0, ConfigValues.routePath) }
        let upstream = word("upstream").flatMap(upstreamURL)
        let hosts = words("host").compactMap { value($0, HostPattern.parse) }
        let methods = methods(words("methods"))
        let stripsPrefix = onOff("strip_prefix")
        let preservesHost = onOff("preserve_host")
        let forwardsToken = onOff("forward_token")
        let maxBodyBytes = word("max_body").flatMap(size)
        let upstreamTimeout = duration("upstream_timeout")
        let upstreamIdleTimeout = duration("upstream_idle_timeout")
        let upstreamCAFile = word("upstream_ca_file").flatMap {
            filePath($0, for: "upstream_ca_file")
        }
        if let caWord = word("upstream_ca_file"), upstream?.scheme == .http {
            report("upstream_ca_file needs an https upstream", at: caWord)
        }

        let auth = word("auth").flatMap { value($0, Self.authentication) }
        let requiresAuthentication = auth ?? true
        let routeIssuers = routeIssuerNames(words("issuers"), known: issuers)
        let tokenSources = tokenSources(words("token_from"))
        let expiryGrace = duration("expiry_grace", allowsZero: true)
        if requiresAuthentication {
            checkAuthentication(
                directive, what: what, set: set, hasIssuers: !issuers.names.isEmpty)
        } else {
            checkNoAuthentication(set)
        }
        let headers = resolveHeaders(set, forwardsToken: forwardsToken == true)

        guard let name, let path, let upstream else { return nil }
        let defaults = RouteConfiguration(name: name, path: path, upstream: upstream)
        return RouteConfiguration(
            name: name, hosts: hosts, path: path, methods: methods, upstream: upstream,
            stripsPrefix: stripsPrefix ?? defaults.stripsPrefix,
            preservesHost: preservesHost ?? defaults.preservesHost,
            requiresAuthentication: requiresAuthentication,
            issuers: requiresAuthentication
                ? routeIssuers ?? issuers.configurations.map(\.name) : [],
            tokenSources: tokenSources ?? defaults.tokenSources,
            allowExpressions: set.all("allow").map { $0.arguments[0].source },
            setHeaders: headers.set, removeHeaders: headers.removed,
            forwardsToken: forwardsToken ?? defaults.forwardsToken, maxBodyBytes: maxBodyBytes,
            upstreamTimeout: upstreamTimeout ?? defaults.upstreamTimeout,
            upstreamIdleTimeout: upstreamIdleTimeout ?? defaults.upstreamIdleTimeout,
            upstreamCAFile: upstreamCAFile, expiryGrace: expiryGrace ?? defaults.expiryGrace,
            responseHeaders: headers.response)
    }

    /// Reads `auth required|off` as whether a token is required.
    private static func authentication(_ text: String) throws(ValueError) -> Bool {
        switch text {
        case "required": true
        case "off": false
        default: throw ValueError("expected required or off, not \"\(text)\"")
        }
    }

    /// A route that needs a token needs an `allow` to pass it, and an issuer to verify it.
    private func checkAuthentication(
        _ directive: ConfigDirective, what: String, set: DirectiveSet, hasIssuers: Bool
    ) {
        if !set.wrote("allow") {
            report(
                "\(what) needs an allow line or \"auth off\" (\"allow true\" admits any "
                    + "valid token)",
                at: directive.name)
        }
        if !hasIssuers {
            report("\(what) needs a token, but no issuer block is defined", at: directive.name)
        }
    }

    /// On a route without tokens, directives about tokens would be silently ignored: they
    /// are mistakes, reported as such.
    private func checkNoAuthentication(_ set: DirectiveSet) {
        let tokenDirectives = ["allow", "issuers", "token_from", "forward_token", "expiry_grace"]
        for name in tokenDirectives {
            for directive in set.all(name) {
                report("\(name) has no effect on a route with \"auth off\"", at: directive.name)
            }
        }
    }

    /// The upstream URL, its base path without a trailing slash.
    private func upstreamURL(_ word: ConfigWord) -> HTTPURL? {
        guard let url = value(word, HTTPURL.parse) else { return nil }
        guard url.query == nil else {
            report("an upstream URL takes no query", at: word)
            return nil
        }
        var basePath = url.path
        if !basePath.isEmpty {
            guard
                let path = value(
                    word,
                    { (_: String) throws(ValueError) in
                        try ConfigValues.routePath(url.path)
                    })
            else { return nil }
            basePath = path == "/" ? "" : path
        }
        return HTTPURL(scheme: url.scheme, host: url.host, port: url.port, path: basePath)
    }

    /// The names on an `issuers` line, each of a defined issuer, none twice; nil when the
    /// line is not given.
    private func routeIssuerNames(_ words: [ConfigWord], known: ResolvedIssuers) -> [String]? {
        guard !words.isEmpty else { return nil }
        var names: [String] = []
        for word in words {
            if !known.names.contains(word.text) {
                report("no issuer block is named \"\(word.text)\"", at: word)
            } else if names.contains(word.text) {
                report("issuer \"\(word.text)\" is listed twice", at: word)
            } else {
                names.append(word.text)
            }
        }
        return names
    }

    /// The `methods`, upper-cased, none twice.
    private func methods(_ words: [ConfigWord]) -> [String] {
        var methods: [String] = []
        for word in words {
            guard
                let method = value(
                    word,
                    { (text: String) throws(ValueError) in
                        try ConfigValues.token(text, kind: "method").uppercased()
                    })
            else { continue }
            if methods.contains(method) {
                report("method \(method) is listed twice", at: word)
            } else {
                methods.append(method)
            }
        }
        return methods
    }

    /// The `token_from` sources in order, none twice; nil when the line is not given.
    private func tokenSources(_ words: [ConfigWord]) -> [TokenSource]? {
        guard !words.isEmpty else { return nil }
        var sources: [TokenSource] = []
        for word in words {
            guard let source: TokenSource = keyword(word) else { continue }
            if sources.contains(source) {
                report("token source \(source.rawValue) is listed twice", at: word)
            } else {
                sources.append(source)
            }
        }
        return sources
    }
}
