import Foundation
import HTTP1
import JOSE

/// Where one issuer's keys come from.
public struct IssuerKeySource: Sendable, Equatable {
    /// How the keys are found.
    public enum Location: Sendable, Equatable {
        /// A key set on disk (`jwks_file`), read at start and on reload.
        case file(String)
        /// A key set URL (`jwks_url`).
        case url(String)
        /// OIDC discovery of the issuer (`ISSUER/.well-known/openid-configuration`).
        case discovery
    }

    /// The issuer block's name.
    public let name: String
    /// The expected `iss`, also the base of discovery.
    public let issuer: String
    /// Where the keys are.
    public let location: Location
    /// Trust for fetching (`ca_file`).
    public let caFile: String?
    /// The refresh rules.
    public let policy: KeyRefreshPolicy

    /// A source with these parts.
    public init(
        name: String, issuer: String, location: Location, caFile: String?,
        policy: KeyRefreshPolicy
    ) {
        self.name = name
        self.issuer = issuer
        self.location = location
        self.caFile = caFile
        self.policy = policy
    }
}

/// What subscribers hear.
public enum KeySetEvent: Sendable {
    /// A new set for an issuer.
    case published(KeySetSnapshot)
    /// A fetch failed; requests waiting for it decide on the set they have.
    case fetchFailed(issuerName: String, reason: String)
}

/// Every issuer's key set: fetched, cached and refreshed ahead of expiry, published to every
/// event loop as immutable snapshots.
///
/// Only the fetcher's work and the lock-protected state
/// live here; no request ever waits on a lock held across I/O.
public final class KeySetRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var states: [String: IssuerKeyState] = [:]
    private let sources: [String: IssuerKeySource]
    private var subscribers: [@Sendable (KeySetEvent) -> Void] = []
    private let fetcher: KeyDocumentFetcher
    private let clock: @Sendable () -> Double
    /// The bytes each `jwks_file` held when last read, so that a reload keeps a set whose
    /// file did not change.
    private var fileContents: [String: [UInt8]] = [:]
    private var isStopped = false

    /// A registry over `sources`; nothing is fetched until `start`.
    ///
    /// An issuer whose source is the same in `previous` (a reload) keeps its state there:
    /// its set, its errors, its counts.
    public init(
        sources: [IssuerKeySource], fetcher: KeyDocumentFetcher,
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
        carryingOver previous: KeySetRegistry? = nil
    ) {
        self.sources = Dictionary(sources.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.fetcher = fetcher
        self.clock = clock
        let kept = previous?.statesToCarry(for: sources) ?? (states: [:], files: [:])
        for source in sources {
            states[source.name] =
                kept.states[source.name]
                ?? IssuerKeyState(issuerName: source.name, policy: source.policy)
        }
        fileContents = kept.files
    }

    /// The states and file contents of the issuers whose source is unchanged in `sources`;
    /// a fetch under way here is left to finish here, so the new registry starts its own.
    private func statesToCarry(for sources: [IssuerKeySource])
        -> (states: [String: IssuerKeyState], files: [String: [UInt8]])
    {
        lock.withLock {
            var kept: [String: IssuerKeyState] = [:]
            var files: [String: [UInt8]] = [:]
            for source in sources where self.sources[source.name] == source {
                guard var state = states[source.name] else { continue }
                state.abandonFetch()
                kept[source.name] = state
                files[source.name] = fileContents[source.name]
            }
            return (kept, files)
        }
    }

    /// Stops the scheduled refreshes (a reload replaced this registry); fetches under way
    /// finish and are heard only by this registry's subscribers.
    public func stop() {
        lock.withLock { isStopped = true }
    }

    /// Reads every `jwks_file` again (a reload) and publishes the sets whose file changed; a
    /// set whose file holds the same bytes keeps its snapshot and its verified tokens.
    public func reloadFiles() {
        for name in sources.keys.sorted() {
            guard case .file(let path) = sources[name]?.location,
                let data = FileManager.default.contents(atPath: path)
            else { continue }
            let changed: Bool = lock.withLock {
                guard fileContents[name] != Array(data), var state = states[name] else {
                    return false
                }
                state.fetchStarted()
                states[name] = state
                return true
            }
            if changed { load(name) }
        }
    }

    /// Adds a subscriber; it hears every event from now on, on any thread.
    public func subscribe(_ subscriber: @escaping @Sendable (KeySetEvent) -> Void) {
        lock.withLock { subscribers.append(subscriber) }
    }

    /// Reads the files, starts the first fetches, and checks once a second on `loop` for
    /// sets that are due for a refresh.
    public func start(on loop: EventLoop) {
        for name in sources.keys.sorted() { refreshIfDue(name) }
        scheduleChecks(on: loop)
    }

    private func scheduleChecks(on loop: EventLoop) {
        loop.schedule(at: EventLoop.now() + 1000) { [weak self] in
            guard let self, !lock.withLock({ isStopped }) else { return }
            for name in sources.keys.sorted() { refreshIfDue(name) }
            scheduleChecks(on: loop)
        }
    }

    /// The set `issuer`'s requests are checked against now, or nil (503).
    public func snapshot(for issuer: String) -> KeySetSnapshot? {
        let now = clock()
        return lock.withLock { states[issuer]?.usableSnapshot(at: now) }
    }

    /// The state of every issuer, for metrics and `/readyz`.
    public func states(at now: Double? = nil) -> [IssuerKeyState] {
        lock.withLock { states.keys.sorted().compactMap { states[$0] } }
    }

    /// Decides what a token with an unknown `kid` does, starting the refresh when it should.
    public func kidMissed(issuer: String) -> IssuerKeyState.KidMissAction {
        let now = clock()
        let action: IssuerKeyState.KidMissAction = lock.withLock {
            guard var state = states[issuer] else { return .refuse }
            let action = state.kidMissed(at: now)
            if action == .startRefresh { state.fetchStarted() }
            states[issuer] = state
            return action
        }
        if action == .startRefresh { load(issuer) }
        return action
    }

    private func refreshIfDue(_ name: String) {
        let now = clock()
        let due: Bool = lock.withLock {
            guard var state = states[name], state.isFetchDue(at: now) else { return false }
            state.fetchStarted()
            states[name] = state
            return true
        }
        if due { load(name) }
    }

    /// Loads `name`'s keys from its source; the state already says a fetch is under way.
    private func load(_ name: String) {
        guard let source = sources[name] else { return }
        switch source.location {
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                return finish(name, .failure(KeyFetchError("cannot read \(path)")), fromFile: true)
            }
            lock.withLock { fileContents[name] = Array(data) }
            finish(name, .success(FetchedDocument(body: Array(data), maxAge: nil)), fromFile: true)
        case .url(let url):
            fetcher.fetch(url, caFile: source.caFile) { [self] result in
                finish(name, result, fromFile: false)
            }
        case .discovery:
            discover(source)
        }
    }

    /// OIDC discovery: the document's `issuer` must be the configured one exactly, and its
    /// `jwks_uri` gives the key set.
    private func discover(_ source: IssuerKeySource) {
        var base = source.issuer
        while base.hasSuffix("/") { base.removeLast() }
        let url = base + "/.well-known/openid-configuration"
        fetcher.fetch(url, caFile: source.caFile) { [self] result in
            let document: FetchedDocument
            switch result {
            case .failure(let error): return finish(source.name, .failure(error), fromFile: false)
            case .success(let fetched): document = fetched
            }
            guard let object = try? JSONParser.parseObject(document.body),
                let issuer = object["issuer"]?.stringValue,
                let jwksURI = object["jwks_uri"]?.stringValue
            else {
                let error = KeyFetchError("discovery document lacks issuer or jwks_uri")
                return finish(source.name, .failure(error), fromFile: false)
            }
            guard issuer.utf8.elementsEqual(source.issuer.utf8) else {
                let error = KeyFetchError("discovery names another issuer")
                return finish(source.name, .failure(error), fromFile: false)
            }
            fetcher.fetch(jwksURI, caFile: source.caFile) { [self] result in
                finish(source.name, result, fromFile: false)
            }
        }
    }

    private func finish(
        _ name: String, _ result: Result<FetchedDocument, KeyFetchError>, fromFile: Bool
    ) {
        let now = clock()
        var parsed: Result<KeySet, KeyFetchError> = result.flatMap { document in
            do {
                return .success(try KeySet(jwks: document.body))
            } catch {
                return .failure(KeyFetchError("not a key set: \(error)"))
            }
        }
        if case .success(let keySet) = parsed, keySet.keys.isEmpty {
            parsed = .failure(KeyFetchError("the key set holds no usable key"))
        }
        let (event, listeners): (KeySetEvent?, [@Sendable (KeySetEvent) -> Void]) = lock.withLock {
            guard var state = states[name] else { return (nil, []) }
            let event: KeySetEvent
            switch parsed {
            case .success(let keySet):
                let maxAge = try? result.get().maxAge
                let parts = KeySetSnapshotParts(keySet: keySet, maxAge: maxAge, fromFile: fromFile)
                event = .published(state.fetchSucceeded(parts, at: now))
            case .failure(let error):
                state.fetchFailed(error.description, at: now)
                event = .fetchFailed(issuerName: name, reason: error.description)
            }
            states[name] = state
            return (event, subscribers)
        }
        guard let event else { return }
        for listener in listeners { listener(event) }
    }
}
