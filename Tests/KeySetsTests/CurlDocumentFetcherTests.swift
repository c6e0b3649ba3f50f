import Foundation
import JOSE
import Testing

@testable import KeySets

extension CurlDocumentFetcher {
    /// One fetcher thread for every test in the target.
    static let shared: CurlDocumentFetcher? = try? CurlDocumentFetcher()
}

/// The libcurl fetcher against `jwks_server.py` on 127.0.0.1: advertised lifetimes, error
/// statuses, the 1 MiB cap, the 10-second limit, the plain-http rule, and a whole registry
/// doing discovery end to end.
@Suite struct CurlDocumentFetcherTests {
    func fetch(_ url: String) async throws -> Result<FetchedDocument, KeyFetchError> {
        let fetcher = try #require(CurlDocumentFetcher.shared)
        return await withCheckedContinuation { continuation in
            fetcher.fetch(url, caFile: nil) { continuation.resume(returning: $0) }
        }
    }

    @Test func cacheControlMaxAgeIsReported() async throws {
        let keys = try TestKeys("k1")
        let server = try JWKSServer(jwks: keys.jwks())

        let document = try await fetch(server.url("/jwks")).get()
        #expect(document.maxAge == 120)
        #expect(keyIDs(try KeySet(jwks: document.body)) == ["k1"])
    }

    @Test func expiresHeaderIsHonoured() async throws {
        let keys = try TestKeys("k1")
        let server = try JWKSServer(jwks: keys.jwks())

        let document = try await fetch(server.url("/jwks/expires")).get()
        #expect(document.maxAge == 300)
        #expect(document.body == Array(keys.jwks().utf8))
    }

    @Test(arguments: ["/missing", "/jwks/", "/.well-known/jwks.json"])
    func statusOtherThan200IsAFailure(path: String) async throws {
        let server = try JWKSServer(jwks: "{}")

        let result = try await fetch(server.url(path))
        #expect(throws: KeyFetchError("the source answered 404")) { try result.get() }
    }

    struct SizeCase: Sendable {
        var length: Int
        var isAccepted: Bool
    }

    @Test(arguments: [
        SizeCase(length: 0, isAccepted: true),
        SizeCase(length: 1 << 20, isAccepted: true),
        SizeCase(length: (1 << 20) + 1, isAccepted: false),
        SizeCase(length: 8 << 20, isAccepted: false),
    ])
    func documentsOverOneMebibyteAreRefused(_ example: SizeCase) async throws {
        let server = try JWKSServer(jwks: "{}")

        let result = try await fetch(server.url("/bytes/\(example.length)"))
        switch result {
        case .success(let document):
            #expect(example.isAccepted)
            #expect(document.body.count == example.length)
        case .failure(let error):
            #expect(!example.isAccepted, "\(error)")
        }
    }

    @Test func sourceThatNeverAnswersFailsWithinTheFetchLimit() async throws {
        let server = try JWKSServer(jwks: "{}")
        let fetcher = try #require(CurlDocumentFetcher.shared)
        let clock = ContinuousClock()
        let started = clock.now

        // The time is taken in the completion itself: on a loaded machine the awaiting task
        // may resume much later than the fetcher gave up.
        let (result, elapsed) = await withCheckedContinuation { continuation in
            fetcher.fetch(server.url("/silent"), caFile: nil) {
                continuation.resume(returning: ($0, clock.now - started))
            }
        }
        #expect(throws: KeyFetchError.self) { try result.get() }
        #expect(elapsed < .seconds(15))
        #expect(elapsed > .seconds(5))
    }

    @Test func closedPortIsAFailure() async throws {
        var port = 0
        do {
            let server = try JWKSServer(jwks: "{}")
            port = server.port
        }

        let result = try await fetch("http://127.0.0.1:\(port)/jwks")
        #expect(throws: KeyFetchError.self) { try result.get() }
    }

    struct RefusalCase: Sendable {
        var url: String
        var isRefused: Bool
    }

    @Test(arguments: [
        RefusalCase(url: "http://example.com/jwks", isRefused: true),
        RefusalCase(url: "HTTP://EXAMPLE.COM/jwks", isRefused: true),
        RefusalCase(url: "http://10.0.0.1:8080/jwks", isRefused: true),
        RefusalCase(url: "ftp://127.0.0.1/jwks", isRefused: true),
        RefusalCase(url: "file:///etc/passwd", isRefused: true),
        RefusalCase(url: "example.com/jwks", isRefused: true),
        RefusalCase(url: "http://127.0.0.1:8080/", isRefused: false),
        RefusalCase(url: "http://127.0.0.1/jwks", isRefused: false),
        RefusalCase(url: "http://localhost:9000/certs", isRefused: false),
        RefusalCase(url: "http://[::1]:9000/certs", isRefused: false),
        RefusalCase(url: "https://auth.example/certs", isRefused: false),
        RefusalCase(url: "HTTPS://auth.example/certs", isRefused: false),
    ])
    func plainHTTPIsRefusedExceptToLoopback(_ example: RefusalCase) {
        #expect((CurlDocumentFetcher.refusal(of: example.url) != nil) == example.isRefused)
    }

    /// Hosts that begin like a loopback address but name another machine.
    @Test(arguments: [
        "http://127.0.0.1.nip.io/jwks",
        "http://127.0.0.1@attacker.example/jwks",
        "http://localhost:80@attacker.example/jwks",
        "http://127.0.0.1:80@attacker.example/jwks",
    ])
    func plainHTTPToAHostThatOnlyLooksLikeLoopbackIsRefused(url: String) {
        #expect(CurlDocumentFetcher.refusal(of: url) != nil)
    }

    @Test func refusedURLFailsWithoutAFetch() async throws {
        let result = try await fetch("http://example.com/jwks")

        #expect(throws: KeyFetchError("plain http to example.com is refused: use https")) {
            try result.get()
        }
    }

    @Test func registryDiscoversAndLoadsALocalIssuerEndToEnd() async throws {
        let keys = try TestKeys("k1")
        let server = try JWKSServer(jwks: keys.jwks())
        let fetcher = try #require(CurlDocumentFetcher.shared)
        let source = IssuerKeySource(
            name: "local", issuer: server.url(""), location: .discovery, caFile: nil,
            policy: KeyRefreshPolicy())
        let registry = KeySetRegistry(sources: [source], fetcher: fetcher)
        let events = EventRecorder(registry)
        let loop = fetcher.eventLoop
        loop.execute { registry.start(on: loop) }

        #expect(await eventually(within: 12) { events.count > 0 })
        #expect(events.failures.isEmpty)
        let snapshot = try #require(registry.snapshot(for: "local"))
        #expect(keyIDs(snapshot.keySet) == ["k1"])
        #expect(snapshot.expiresAt.map { $0 - snapshot.loadedAt } == 120)
        #expect(signatureChecks(keys.token(signedBy: "k1"), against: snapshot.keySet))
        #expect(events.publishedVersions == [1])
    }
}
