import Config
import Foundation
import HTTP1
import KeySets

extension GatewayRuntime {
    /// Puts `newConfiguration` in force on every loop (SIGHUP), or throws and changes
    /// nothing; returns what it could not apply (a changed `listen` or `admin` needs a
    /// restart).
    ///
    /// Called off the loops. Routes, issuers, limits and logging take effect at once;
    /// requests under way finish under the configuration they started with. Issuers whose
    /// key source is unchanged keep their sets (a `jwks_file` is read again and replaced
    /// only when its bytes changed), and when no issuer block changed, the loops keep their
    /// verified tokens. The TLS certificate and key are read again; connections accepted
    /// from then on are served the new ones.
    public func reload(_ newConfiguration: ProxyConfiguration) throws(StartError) -> [String] {
        let newTLSContext = try reloadedTLSContext(for: newConfiguration)
        let newCompiled: GatewayConfiguration
        switch GatewayConfiguration.compile(newConfiguration) {
        case .success(let compiled): newCompiled = compiled
        case .failure(let errors): throw StartError(description: errors.description)
        }
        var unapplied: [String] = []
        if newConfiguration.listeners != configuration.listeners {
            unapplied.append("listen changed: the listeners stay as they are until a restart")
        }
        if newConfiguration.admin != configuration.admin {
            unapplied.append("admin changed: the admin listener stays as it is until a restart")
        }
        let logChange = try accessLogChange(to: newConfiguration)
        let newRegistry = try keySetRegistry(for: newCompiled)
        let change = LoopContext.Change(
            configuration: newCompiled, registry: newRegistry,
            keepsGate: newRegistry === registry
                && newConfiguration.issuers == configuration.issuers,
            unchangedIssuers: unchangedIssuers(newConfiguration, newCompiled),
            limits: Self.serverLimits(newConfiguration.limits, loopCount: loopCount),
            accessLog: logChange.map { descriptor in
                descriptor.map { (descriptor: $0, format: newConfiguration.logFormat) }
            }, tlsContext: newTLSContext)
        let contexts = lock.withLock { loops }
        let done = DispatchSemaphore(value: 0)
        for context in contexts {
            context.loop.execute {
                context.apply(change)
                done.signal()
            }
        }
        for _ in contexts { done.wait() }
        if newRegistry !== registry { registry?.stop() }
        if let logChange, let old = accessLogDescriptor, old > STDERR_FILENO {
            close(old)
            accessLogDescriptor = logChange
        } else if let logChange {
            accessLogDescriptor = logChange
        }
        lock.withLock { registry = newRegistry }
        compiled = newCompiled
        configuration = newConfiguration
        if let newTLSContext { tlsContext = newTLSContext }
        return unapplied
    }

    /// A context read afresh from the new `tls` block's files for the HTTPS listeners in
    /// force (which stay until a restart); nil when none serves TLS or the block is gone.
    private func reloadedTLSContext(for newConfiguration: ProxyConfiguration)
        throws(StartError) -> TLSContext?
    {
        guard tlsContext != nil, let files = newConfiguration.tls else { return nil }
        do {
            return try TLSContext(certificateFile: files.certificateFile, keyFile: files.keyFile)
        } catch {
            throw StartError(description: "tls: \(error.description)")
        }
    }

    /// The issuer blocks written the same, with the same secret and the same key source, in
    /// the configuration in force and in the new one.
    private func unchangedIssuers(
        _ newConfiguration: ProxyConfiguration, _ newCompiled: GatewayConfiguration
    ) -> Set<String> {
        var unchanged: Set<String> = []
        for issuer in newConfiguration.issuers {
            let name = issuer.name
            guard configuration.issuers.first(where: { $0.name == name }) == issuer,
                compiled.issuers.first(where: { $0.name == name })?.hmacSecret
                    == newCompiled.issuers.first(where: { $0.name == name })?.hmacSecret,
                compiled.keySources.first(where: { $0.name == name })
                    == newCompiled.keySources.first(where: { $0.name == name })
            else { continue }
            unchanged.insert(name)
        }
        return unchanged
    }

    /// The access log's new descriptor when its place or format changed (nil inside for
    /// `off`); nil when nothing changed.
    private func accessLogChange(to newConfiguration: ProxyConfiguration) throws(StartError)
        -> Int32??
    {
        guard
            newConfiguration.accessLog != configuration.accessLog
                || newConfiguration.logFormat != configuration.logFormat
        else { return nil }
        switch newConfiguration.accessLog {
        case .off: return .some(nil)
        case .standardError: return STDERR_FILENO
        case .standardOutput: return STDOUT_FILENO
        case .file(let path): return try Self.openAccessLog(path)
        }
    }

    /// The registry for `newCompiled`'s key sources: the one in force when they are the
    /// same (its files read again), else a new one that carries over every unchanged source.
    private func keySetRegistry(for newCompiled: GatewayConfiguration) throws(StartError)
        -> KeySetRegistry?
    {
        guard !newCompiled.keySources.isEmpty else { return nil }
        if let registry, newCompiled.keySources == compiled.keySources {
            registry.reloadFiles()
            return registry
        }
        let fetcher: CurlDocumentFetcher
        if let existing = self.fetcher {
            fetcher = existing
        } else {
            do {
                fetcher = try CurlDocumentFetcher()
            } catch {
                throw StartError(description: "cannot start the key fetcher: \(error)")
            }
            self.fetcher = fetcher
        }
        let fresh = KeySetRegistry(
            sources: newCompiled.keySources, fetcher: fetcher, carryingOver: registry)
        reportFailedFetches(of: fresh)
        fresh.start(on: fetcher.eventLoop)
        fresh.reloadFiles()
        return fresh
    }
}
