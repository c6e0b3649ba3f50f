extension ConfigResolver {
    /// The issuer blocks as routes see them.
    struct ResolvedIssuers {
        /// The usable issuer configurations, in file order.
        var configurations: [IssuerConfiguration] = []
        /// The name of every issuer block with a valid name of its own, usable or not, so
        /// that a route naming a broken issuer is not reported as well.
        var names: Set<String> = []
    }

    /// Resolves every `issuer NAME { ... }` block; names must differ.
    func resolveIssuers(_ directives: [ConfigDirective]) -> ResolvedIssuers {
        var issuers = ResolvedIssuers()
        var firstLines: [String: Int] = [:]
        for directive in directives {
            let nameWord = directive.arguments.first
            var name = nameWord.flatMap { blockName($0, kind: "issuer") }
            if let nameWord, let known = name {
                if let line = firstLines[known] {
                    report("issuer \"\(known)\" is already defined on line \(line)", at: nameWord)
                    name = nil
                } else {
                    firstLines[known] = nameWord.location.line
                    issuers.names.insert(known)
                }
            }
            if let issuer = resolveIssuer(directive, name: name) {
                issuers.configurations.append(issuer)
            }
        }
        return issuers
    }

    /// One issuer block; values that are wrong are reported and their defaults stand in,
    /// since the configuration as a whole is then refused anyway.
    private func resolveIssuer(_ directive: ConfigDirective, name: String?) -> IssuerConfiguration?
    {
        let set = select(directive.block ?? [], in: .issuer)
        let what =
            directive.arguments.first.map { "issuer \"\($0.text)\"" } ?? "this issuer block"
        for required in ["issuer", "audience"] {
            requireDirective(required, in: set, kind: .issuer, what: what, at: directive)
        }
        func word(_ name: String) -> ConfigWord? { set.first(name)?.arguments[0] }
        func duration(_ name: String, allowsZero: Bool = false) -> Duration? {
            word(name).flatMap { self.duration($0, allowsZero: allowsZero) }
        }

        let keys = resolveKeySource(set)
        let issuer = word("issuer").flatMap { issuerValue($0, fetched: keys.usesDiscovery) }
        let audience = set.first("audience").flatMap { audienceRequirement($0.arguments) }
        let algorithms = resolveAlgorithms(set)
        let leeway = duration("leeway", allowsZero: true)
        let refresh = duration("refresh")
        let kidMissInterval = duration("kid_miss_interval")
        let maxStale = duration("max_stale", allowsZero: true)
        let caFile = word("ca_file").flatMap { filePath($0, for: "ca_file") }

        guard let name, let issuer, let audience else { return nil }
        let defaults = IssuerConfiguration(name: name, issuer: issuer, audience: audience)
        return IssuerConfiguration(
            name: name, issuer: issuer, jwksURL: keys.url, jwksFile: keys.file,
            usesDiscovery: keys.usesDiscovery, audience: audience,
            algorithms: algorithms.names ?? defaults.algorithms,
            hmacSecretFile: algorithms.hmacSecretFile, leeway: leeway ?? defaults.leeway,
            refresh: refresh ?? defaults.refresh,
            kidMissInterval: kidMissInterval ?? defaults.kidMissInterval,
            maxStale: maxStale ?? defaults.maxStale, caFile: caFile)
    }

    /// Where the keys come from: `jwks_url`, `jwks_file` or discovery, one of them.
    private func resolveKeySource(
        _ set: DirectiveSet
    ) -> (url: HTTPURL?, file: String?, usesDiscovery: Bool) {
        let urlWord = set.first("jwks_url")?.arguments[0]
        let fileWord = set.first("jwks_file")?.arguments[0]
        let discoveryWord = set.first("discovery")?.arguments[0]
        let url = urlWord.flatMap { fetchURL($0, for: "jwks_url") }
        let file = fileWord.flatMap { filePath($0, for: "jwks_file") }
        let discovery = discoveryWord.flatMap(onOff)
        let usesDiscovery = discovery ?? (urlWord == nil && fileWord == nil)

        if let urlWord, let fileWord {
            let later = urlWord.location < fileWord.location ? fileWord : urlWord
            report(
                "jwks_url and jwks_file exclude each other: keys come from one source", at: later)
        } else if let discoveryWord, discovery == true, urlWord != nil || fileWord != nil {
            let other = urlWord == nil ? "jwks_file" : "jwks_url"
            report(
                "discovery on conflicts with \(other): keys come from one source", at: discoveryWord
            )
        } else if let discoveryWord, discovery == false, urlWord == nil, fileWord == nil,
            !set.wrote("hmac_secret_file")
        {
            report(
                "with discovery off, keys need jwks_url, jwks_file or hmac_secret_file",
                at: discoveryWord)
        }
        return (url, file, usesDiscovery)
    }

    /// The `issuer` value: compared exactly with `iss`, and when discovery uses it, a URL
    /// that may be fetched.
    private func issuerValue(_ word: ConfigWord, fetched: Bool) -> String? {
        guard !word.text.isEmpty else {
            report("issuer needs a value, not an empty word", at: word)
            return nil
        }
        if fetched {
            guard let url = fetchURL(word, for: "issuer (used for discovery)") else { return nil }
            guard url.query == nil else {
                report("an issuer used for discovery takes no query", at: word)
                return nil
            }
        }
        return word.text
    }

    private func audienceRequirement(_ words: [ConfigWord]) -> AudienceRequirement? {
        if let any = words.first(where: { $0.text == "any" }) {
            guard words.count == 1 else {
                report("\"any\" stands alone: it turns the audience check off", at: any)
                return nil
            }
            return .any
        }
        if let empty = words.first(where: { $0.text.isEmpty }) {
            report("an audience is not an empty word", at: empty)
            return nil
        }
        return .oneOf(words.map(\.text))
    }

    /// Reads `algorithms` and `hmac_secret_file`, which go together.
    ///
    /// An HS algorithm is accepted only with a secret, and a secret only with an HS
    /// algorithm. `names` is nil when `algorithms` is not given.
    private func resolveAlgorithms(
        _ set: DirectiveSet
    ) -> (names: [String]?, hmacSecretFile: String?) {
        let secretWord = set.first("hmac_secret_file")?.arguments[0]
        let secret = secretWord.flatMap { filePath($0, for: "hmac_secret_file") }
        let words = set.first("algorithms")?.arguments ?? []
        var names: [String] = []
        for word in words {
            if word.text.lowercased() == "none" {
                report("algorithm none is never accepted: a token must be signed", at: word)
            } else if !IssuerConfiguration.knownAlgorithms.contains(word.text) {
                let known = IssuerConfiguration.knownAlgorithms.joined(separator: " ")
                report("unknown algorithm \"\(word.text)\"; known are \(known)", at: word)
            } else if names.contains(word.text) {
                report("algorithm \(word.text) is listed twice", at: word)
            } else if word.text.hasPrefix("HS"), secretWord == nil {
                report(
                    "\(word.text) needs hmac_secret_file: an HMAC key is never taken from "
                        + "a key set",
                    at: word)
            } else {
                names.append(word.text)
            }
        }
        let listsHMAC = words.contains { $0.text.hasPrefix("HS") }
        if let secretWord, !listsHMAC {
            report(
                "hmac_secret_file is unused: add HS256, HS384 or HS512 to \"algorithms\"",
                at: secretWord)
        }
        return (set.wrote("algorithms") ? names : nil, secret)
    }
}
