/// Turns the syntax tree into typed values, reporting every problem it finds.
///
/// The order is nginx's: each block's directives are sorted against its table, each value is
/// read, then the values are checked against each other. Resolution goes on past every
/// problem, so that all of them are reported.
final class ConfigResolver {
    /// The problems found so far.
    private(set) var diagnostics: [ConfigurationDiagnostic] = []
    /// The name diagnostics give the file.
    let fileName: String
    /// Whether the files the configuration names are opened to see that they can be read.
    let checksFiles: Bool
    /// The directory relative paths are taken from: the configuration file's, or the
    /// working directory (nil) when its name holds no `/`.
    let baseDirectory: String?

    /// Prepares to resolve the configuration read from `fileName`.
    init(fileName: String, checksFiles: Bool) {
        self.fileName = fileName
        self.checksFiles = checksFiles
        self.baseDirectory = fileName.lastIndex(of: "/").map { String(fileName[..<$0]) }
    }

    /// The configuration, or nil when a part of it that has no default is unusable; either
    /// way `diagnostics` then tells what is wrong.
    func resolve(_ directives: [ConfigDirective]) -> ProxyConfiguration? {
        let set = select(directives, in: .main)
        let listeners = resolveListeners(set)
        let tls = set.first("tls").flatMap(resolveTLS)
        let admin = set.first("admin").flatMap { value($0.arguments[0], ListenAddress.parse) }
        if let admin, let directive = set.first("admin"),
            listeners.contains(where: { $0.address == admin })
        {
            report(
                "the admin address \(admin) is also a proxy listener", at: directive.arguments[0])
        }
        let logFormat: LogFormat? = set.first("log_format").flatMap { keyword($0.arguments[0]) }
        let accessLog = set.first("access_log").flatMap { accessLogDestination($0.arguments[0]) }
        let limits = set.first("limits").map(resolveLimits)
        let issuers = resolveIssuers(set.all("issuer"))
        let routes = resolveRoutes(set.all("route"), issuers: issuers)

        if !set.wrote("listen") {
            report(
                "the configuration needs \"listen ADDRESS:PORT [tls]\"",
                at: SourceLocation(file: fileName, line: 1, column: 1))
        }
        let tlsWords = set.all("listen").compactMap { $0.arguments.dropFirst().first }
        for word in tlsWords where word.text == "tls" && !set.wrote("tls") {
            report("a tls listener needs a \"tls { ... }\" block with its certificate", at: word)
        }
        guard !listeners.isEmpty else { return nil }
        return ProxyConfiguration(
            listeners: listeners, tls: tls, admin: admin, logFormat: logFormat ?? .logfmt,
            accessLog: accessLog ?? .standardError, limits: limits ?? LimitsConfiguration(),
            issuers: issuers.configurations, routes: routes)
    }

    /// Checks one block's directives against the table of its kind: unknown names, blocks
    /// where none belongs or missing where one does, repeats, argument counts.
    func select(_ directives: [ConfigDirective], in kind: BlockKind) -> DirectiveSet {
        var set = DirectiveSet()
        var firstSeen: [String: ConfigWord] = [:]
        for directive in directives {
            let name = directive.name
            guard let rule = kind.rules[name.text] else {
                report(unknownDirectiveMessage(name.text, in: kind), at: name)
                continue
            }
            set.markWritten(name.text)
            if rule.hasBlock, directive.block == nil {
                report("\"\(name.text)\" needs a block: \(rule.usage)", at: name)
                continue
            }
            if !rule.hasBlock, directive.block != nil {
                report("\"\(name.text)\" takes no block: \(rule.usage)", at: name)
                continue
            }
            if !rule.isRepeatable, let first = firstSeen[name.text] {
                report(
                    "\"\(name.text)\" is given twice; the first is on line \(first.location.line)",
                    at: name)
                continue
            }
            firstSeen[name.text] = name
            guard hasArgumentCount(directive, rule) || rule.hasBlock else { continue }
            set.add(directive)
        }
        return set
    }

    /// Reports a missing directive that `what` requires, at the name of its block.
    func requireDirective(
        _ name: String, in set: DirectiveSet, kind: BlockKind, what: String,
        at block: ConfigDirective
    ) {
        guard !set.wrote(name), let rule = kind.rules[name] else { return }
        report("\(what) needs \"\(rule.usage)\"", at: block.name)
    }

    /// Reports a problem at a word, unless the reader already reported one in it.
    func report(_ message: String, at word: ConfigWord) {
        guard !word.isDamaged else { return }
        report(message, at: word.location)
    }

    /// Reports a problem at a place.
    func report(_ message: String, at location: SourceLocation) {
        diagnostics.append(ConfigurationDiagnostic(location: location, message: message))
    }

    private func hasArgumentCount(_ directive: ConfigDirective, _ rule: DirectiveRule) -> Bool {
        let count = directive.arguments.count
        if count < rule.minimum {
            report("missing argument: \(rule.usage)", at: directive.name)
            return false
        }
        if count > rule.maximum {
            report("too many arguments: \(rule.usage)", at: directive.arguments[rule.maximum])
            return false
        }
        return true
    }

    private func unknownDirectiveMessage(_ name: String, in kind: BlockKind) -> String {
        guard let home = BlockKind.allCases.first(where: { $0.rules[name] != nil }) else {
            return "unknown directive \"\(name)\""
        }
        return "\"\(name)\" is not allowed \(kind.placement); it belongs \(home.placement)"
    }

    private func resolveListeners(_ set: DirectiveSet) -> [ListenerConfiguration] {
        var listeners: [ListenerConfiguration] = []
        var firstLines: [ListenAddress: Int] = [:]
        for directive in set.all("listen") {
            let word = directive.arguments[0]
            let usesTLS = directive.arguments.count == 2
            if usesTLS, directive.arguments[1].text != "tls" {
                report("expected \"tls\" or nothing after the address", at: directive.arguments[1])
            }
            guard let address = value(word, ListenAddress.parse) else { continue }
            if let line = firstLines[address] {
                report("\(address) is already a listener on line \(line)", at: word)
                continue
            }
            firstLines[address] = word.location.line
            listeners.append(ListenerConfiguration(address: address, usesTLS: usesTLS))
        }
        return listeners
    }

    private func resolveTLS(_ directive: ConfigDirective) -> TLSConfiguration? {
        let set = select(directive.block ?? [], in: .tls)
        for name in ["certificate", "key"] {
            requireDirective(name, in: set, kind: .tls, what: "the tls block", at: directive)
        }
        let certificate = set.first("certificate").flatMap {
            filePath($0.arguments[0], for: "certificate")
        }
        let key = set.first("key").flatMap { filePath($0.arguments[0], for: "key") }
        guard let certificate, let key else { return nil }
        return TLSConfiguration(certificateFile: certificate, keyFile: key)
    }

    private func resolveLimits(_ directive: ConfigDirective) -> LimitsConfiguration {
        let set = select(directive.block ?? [], in: .limits)
        let defaults = LimitsConfiguration()
        func duration(_ name: String) -> Duration? {
            set.first(name).flatMap { self.duration($0.arguments[0]) }
        }
        return LimitsConfiguration(
            maxConnections: set.first("max_connections").flatMap {
                value($0.arguments[0], ConfigValues.count)
            } ?? defaults.maxConnections,
            headerTimeout: duration("header_timeout") ?? defaults.headerTimeout,
            bodyTimeout: duration("body_timeout") ?? defaults.bodyTimeout,
            idleTimeout: duration("idle_timeout") ?? defaults.idleTimeout,
            maxHeaderBytes: set.first("max_header_bytes").flatMap { size($0.arguments[0]) }
                ?? defaults.maxHeaderBytes,
            shutdownTimeout: duration("shutdown_timeout") ?? defaults.shutdownTimeout)
    }

    private func accessLogDestination(_ word: ConfigWord) -> AccessLogDestination? {
        switch word.text {
        case "stderr": return .standardError
        case "stdout": return .standardOutput
        case "off": return .off
        default: return path(word, for: "access_log").map { .file($0) }
        }
    }
}
