import Foundation
import HTTP1
import JOSE
import Testing

@testable import KeySets

/// The registry against a key source in memory and a clock moved by hand: discovery,
/// `jwks_url`, `jwks_file`, rotation, the kid-miss storm of field case F09, staleness and
/// key sets that must not be published.
@Suite struct KeySetRegistryTests {
    static let issuer = "https://auth.example/realms/corp"
    static let discoveryURL = issuer + "/.well-known/openid-configuration"
    static let jwksURL = issuer + "/protocol/openid-connect/certs"

    /// A registry over one source named `corp`, its fake fetcher, clock and subscriber.
    struct Fixture {
        let registry: KeySetRegistry
        let fetcher = FakeDocumentFetcher()
        let clock = ManualClock()
        let events: EventRecorder
        /// Never run: `start` fetches at once, and only kid misses fetch again.
        let idleLoop: EventLoop

        init(
            location: IssuerKeySource.Location = .url(KeySetRegistryTests.jwksURL),
            issuer: String = KeySetRegistryTests.issuer, caFile: String? = nil,
            policy: KeyRefreshPolicy = KeyRefreshPolicy()
        ) throws {
            let source = IssuerKeySource(
                name: "corp", issuer: issuer, location: location, caFile: caFile, policy: policy)
            let manualClock = clock
            registry = KeySetRegistry(sources: [source], fetcher: fetcher) { manualClock.now }
            events = EventRecorder(registry)
            idleLoop = try EventLoop()
        }

        func start() {
            registry.start(on: idleLoop)
        }

        var snapshot: KeySetSnapshot? {
            registry.snapshot(for: "corp")
        }
    }

    static func discoveryDocument(issuer: String, jwksURI: String?) -> String {
        var document = JSONObject()
        document.set("issuer", .string(issuer))
        if let jwksURI { document.set("jwks_uri", .string(jwksURI)) }
        return JSONValue.object(document).serialized
    }

    // MARK: Where the keys come from

    struct DiscoveryCase: Sendable {
        var issuer: String
        var discoveryURL: String
    }

    @Test(arguments: [
        DiscoveryCase(issuer: issuer, discoveryURL: discoveryURL),
        DiscoveryCase(
            issuer: "https://auth.example/application/o/app/",
            discoveryURL: "https://auth.example/application/o/app/.well-known/openid-configuration"
        ),
    ])
    func discoveryFindsTheKeySetThroughJWKSURI(_ example: DiscoveryCase) throws {
        let keys = try TestKeys("k1")
        let fixture = try Fixture(location: .discovery, issuer: example.issuer, caFile: "/ca.pem")
        let document = Self.discoveryDocument(issuer: example.issuer, jwksURI: Self.jwksURL)
        fixture.fetcher.serve(example.discoveryURL, document)
        fixture.fetcher.serve(Self.jwksURL, keys.jwks(), maxAge: 300)
        fixture.start()

        let snapshot = try #require(fixture.snapshot)
        #expect(keyIDs(snapshot.keySet) == ["k1"])
        #expect(snapshot.version == 1)
        #expect(snapshot.expiresAt == snapshot.loadedAt + 300)
        #expect(fixture.fetcher.requests.map(\.url) == [example.discoveryURL, Self.jwksURL])
        #expect(fixture.fetcher.requests.map(\.caFile) == ["/ca.pem", "/ca.pem"])
        #expect(fixture.events.publishedVersions == [1])
    }

    @Test(arguments: [
        "https://auth.example/realms/other",
        "https://auth.example/realms/corp/",
        "HTTPS://AUTH.EXAMPLE/realms/corp",
        "https://auth.example/realms/cor",
    ])
    func discoveryNamingAnotherIssuerIsRefused(documentIssuer: String) throws {
        let keys = try TestKeys("k1")
        let fixture = try Fixture(location: .discovery)
        let document = Self.discoveryDocument(issuer: documentIssuer, jwksURI: Self.jwksURL)
        fixture.fetcher.serve(Self.discoveryURL, document)
        fixture.fetcher.serve(Self.jwksURL, keys.jwks())
        fixture.start()

        #expect(fixture.snapshot == nil)
        #expect(fixture.fetcher.callCount(Self.jwksURL) == 0)
        #expect(fixture.events.publishedVersions.isEmpty)
        #expect(fixture.events.failures.count == 1)
    }

    @Test(arguments: [
        #"{"issuer":"https://auth.example/realms/corp"}"#,
        #"{"issuer":"https://auth.example/realms/corp","jwks_uri":42}"#,
        #"{"jwks_uri":"https://auth.example/realms/corp/protocol/openid-connect/certs"}"#,
        "<html>sign in</html>",
        "",
    ])
    func discoveryWithoutJWKSURIOrIssuerIsAFailure(document: String) throws {
        let keys = try TestKeys("k1")
        let fixture = try Fixture(location: .discovery)
        fixture.fetcher.serve(Self.discoveryURL, document)
        fixture.fetcher.serve(Self.jwksURL, keys.jwks())
        fixture.start()

        #expect(fixture.snapshot == nil)
        #expect(fixture.fetcher.callCount(Self.jwksURL) == 0)
        #expect(fixture.events.failures.count == 1)
    }

    @Test func jwksURLIsFetchedDirectlyWithItsCAFile() throws {
        let keys = try TestKeys("k1", "k2")
        let fixture = try Fixture(caFile: "/etc/tokengate/corp-ca.pem")
        fixture.fetcher.serve(Self.jwksURL, keys.jwks(), maxAge: 120)
        fixture.start()

        let snapshot = try #require(fixture.snapshot)
        #expect(keyIDs(snapshot.keySet) == ["k1", "k2"])
        #expect(snapshot.expiresAt == fixture.clock.now + 120)
        #expect(fixture.fetcher.requests.map(\.url) == [Self.jwksURL])
        #expect(fixture.fetcher.requests.map(\.caFile) == ["/etc/tokengate/corp-ca.pem"])
    }

    @Test func jwksFileIsReadFromDiskAndNeverAges() throws {
        let keys = try TestKeys("k1")
        let directory = try TemporaryDirectory()
        let path = try directory.write("jwks.json", keys.jwks())
        let fixture = try Fixture(location: .file(path), policy: KeyRefreshPolicy(maxStale: 60))
        fixture.start()
        fixture.clock.advance(by: 365 * 86400)

        let snapshot = try #require(fixture.snapshot)
        #expect(keyIDs(snapshot.keySet) == ["k1"])
        #expect(snapshot.expiresAt == nil)
        #expect(fixture.fetcher.requests.isEmpty)
    }

    @Test func missingJWKSFileIsAFailure() throws {
        let fixture = try Fixture(location: .file("/nonexistent/keysets-tests/jwks.json"))
        fixture.start()

        #expect(fixture.snapshot == nil)
        #expect(fixture.events.failures.count == 1)
    }

    @Test func unknownIssuerHasNoSnapshotAndRefusesKidMisses() throws {
        let fixture = try Fixture()
        fixture.start()

        #expect(fixture.registry.snapshot(for: "nobody") == nil)
        #expect(fixture.registry.kidMissed(issuer: "nobody") == .refuse)
    }

    // MARK: Rotation and kid misses

    @Test func rotationPublishesTheNewSetAsTheNextVersion() throws {
        let keys = try TestKeys("k1", "k2")
        let fixture = try Fixture()
        fixture.fetcher.serve(Self.jwksURL, keys.jwks("k1"))
        fixture.start()
        #expect(!signatureChecks(keys.token(signedBy: "k2"), against: fixture.snapshot?.keySet))

        fixture.fetcher.serve(Self.jwksURL, keys.jwks("k1", "k2"))
        fixture.clock.advance(by: 5)
        #expect(fixture.registry.kidMissed(issuer: "corp") == .startRefresh)

        let snapshot = try #require(fixture.snapshot)
        #expect(snapshot.version == 2)
        #expect(keyIDs(snapshot.keySet) == ["k1", "k2"])
        #expect(signatureChecks(keys.token(signedBy: "k2"), against: snapshot.keySet))
        #expect(fixture.events.publishedVersions == [1, 2])
    }

    /// Field case F09: {k1} rotates to {k1, k2}; 500 tokens with `kid: k2` arrive while the
    /// refresh they started is under way, then 500 with `kid: nope`.
    @Test func fieldCaseF09KidMissStormCausesOneRefresh() throws {
        let keys = try TestKeys("k1", "k2")
        let interval = 30.0
        let fixture = try Fixture(policy: KeyRefreshPolicy(kidMissInterval: interval))
        fixture.fetcher.serve(Self.jwksURL, keys.jwks("k1"))
        fixture.start()
        #expect(fixture.fetcher.callCount(Self.jwksURL) == 1)

        fixture.fetcher.serve(Self.jwksURL, keys.jwks("k1", "k2"))
        fixture.fetcher.hold()
        var actions: [IssuerKeyState.KidMissAction] = []
        for _ in 0..<500 {
            fixture.clock.advance(by: 0.001)
            actions.append(fixture.registry.kidMissed(issuer: "corp"))
        }
        #expect(actions.first == .startRefresh)
        #expect(actions.dropFirst().allSatisfy { $0 == .waitForFetch })
        #expect(fixture.fetcher.callCount(Self.jwksURL) == 2)
        #expect(fixture.fetcher.heldCount == 1)

        fixture.fetcher.release()
        let rotated = try #require(fixture.snapshot)
        #expect(rotated.version == 2)
        #expect(signatureChecks(keys.token(signedBy: "k2"), against: rotated.keySet))
        #expect(fixture.events.publishedVersions == [1, 2])

        var junk: [IssuerKeyState.KidMissAction] = []
        for _ in 0..<500 {
            fixture.clock.advance(by: 0.001)
            junk.append(fixture.registry.kidMissed(issuer: "corp"))
        }
        #expect(junk.allSatisfy { $0 == .refuse })
        #expect(fixture.fetcher.callCount(Self.jwksURL) == 2)

        fixture.clock.advance(by: interval)
        for _ in 0..<500 { _ = fixture.registry.kidMissed(issuer: "corp") }
        #expect(fixture.fetcher.callCount(Self.jwksURL) == 3)
    }

    // MARK: Failures

    @Test func failingSourceKeepsServingTheOldSetUntilMaxStale() throws {
        let keys = try TestKeys("k1")
        let policy = KeyRefreshPolicy(refresh: 600, kidMissInterval: 30, maxStale: 3600)
        let fixture = try Fixture(policy: policy)
        fixture.fetcher.serve(Self.jwksURL, keys.jwks())
        fixture.start()
        let loaded = try #require(fixture.snapshot)

        fixture.fetcher.fail(Self.jwksURL, "the source answered 503")
        fixture.clock.advance(by: 590)
        #expect(fixture.registry.kidMissed(issuer: "corp") == .startRefresh)
        #expect(fixture.events.failures == ["the source answered 503"])

        fixture.clock.advance(by: 10 + 3599)
        #expect(fixture.snapshot?.version == loaded.version)
        #expect(fixture.registry.kidMissed(issuer: "corp") == .startRefresh)
        #expect(fixture.snapshot?.version == loaded.version)

        fixture.clock.advance(by: 1)
        #expect(fixture.snapshot == nil)
        #expect(fixture.events.publishedVersions == [1])
    }

    @Test(arguments: [
        #"{"keys":[]}"#,
        #"{"keys":[{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQ","kid":"hmac"}]}"#,
        #"{"keys":[{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA","kid":"broken"}]}"#,
        #"{"keys":"none"}"#,
        #"{}"#,
        "[]",
        "not json",
    ])
    func emptyOrUnusableKeySetIsAFailureNotAPublication(document: String) throws {
        let keys = try TestKeys("k1")
        let fixture = try Fixture()
        fixture.fetcher.serve(Self.jwksURL, document)
        fixture.start()
        #expect(fixture.snapshot == nil)
        #expect(fixture.events.publishedVersions.isEmpty)
        #expect(fixture.events.failures.count == 1)

        fixture.fetcher.serve(Self.jwksURL, keys.jwks())
        fixture.clock.advance(by: 60)
        #expect(fixture.registry.kidMissed(issuer: "corp") == .startRefresh)
        #expect(fixture.snapshot?.version == 1)

        fixture.fetcher.serve(Self.jwksURL, document)
        fixture.clock.advance(by: 60)
        #expect(fixture.registry.kidMissed(issuer: "corp") == .startRefresh)
        #expect(fixture.snapshot?.version == 1)
        #expect(keyIDs(fixture.snapshot?.keySet) == ["k1"])
        #expect(fixture.events.publishedVersions == [1])
        #expect(fixture.events.failures.count == 2)
    }

    @Test func encryptionOnlyKeySetIsAFailure() throws {
        let keys = try TestKeys("k1")
        let fixture = try Fixture()
        let document = keys.jwks().replacingOccurrences(of: #""use":"sig""#, with: #""use":"enc""#)
        #expect(document.contains(#""use":"enc""#))
        fixture.fetcher.serve(Self.jwksURL, document)
        fixture.start()

        #expect(fixture.snapshot == nil)
        #expect(fixture.events.failures.count == 1)
    }

    // MARK: Scheduled refresh

    @Test func scheduledCheckRefreshesBeforeTheSetAgesOut() async throws {
        let keys = try TestKeys("k1", "k2")
        let running = try RunningLoop()
        defer { running.stop() }
        let fixture = try Fixture(policy: KeyRefreshPolicy(refresh: 600))
        fixture.fetcher.serve(Self.jwksURL, keys.jwks("k1"))
        let registry = fixture.registry
        let loop = running.loop
        loop.execute { registry.start(on: loop) }
        #expect(await eventually { fixture.snapshot?.version == 1 })
        let expiresAt = try #require(fixture.snapshot?.expiresAt)

        fixture.fetcher.serve(Self.jwksURL, keys.jwks("k1", "k2"))
        fixture.clock.advance(by: expiresAt - fixture.clock.now - 1)
        #expect(await eventually { fixture.snapshot?.version == 2 })
        #expect(fixture.fetcher.callCount(Self.jwksURL) == 2)
        #expect(keyIDs(fixture.snapshot?.keySet) == ["k1", "k2"])
    }
}
