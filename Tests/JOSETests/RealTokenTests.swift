import Foundation
import JOSE
import Testing

/// A projected service-account token from a real Kubernetes cluster, checked through the
/// `JOSE` API against that cluster's key set (`Tests/Fixtures/real`).
@Suite struct RealTokenTests {
    static let cluster = "https://kubernetes.default.svc.cluster.local"
    static let issuedAt: Double = 1_744_763_224
    static let expiresAt: Double = 1_744_763_824
    static let insideLifetime: Double = 1_744_763_300

    let token: [UInt8]
    let keySet: KeySet

    init() throws {
        token = try Fixture.bytes("real/k8s-sa.token").filter { $0 != 0x0A }
        keySet = try KeySet(jwks: try Fixture.bytes("real/k8s-sa.jwks.json"))
    }

    private func verifier(audience: String = cluster) -> TokenVerifier {
        TokenVerifier(
            keySet: keySet, rules: ClaimRules(issuer: Self.cluster, audiences: [audience]))
    }

    @Test func keySetImportsItsOneKey() {
        #expect(keySet.keys.count == 1)
        #expect(keySet.skipped.isEmpty)
        #expect(keySet.keys.first?.keyID == "LHVGP8kqzN1MuKRMTsroIcR-7hdicXWdpaquEWcAh9Q")
    }

    @Test func verifiesInsideItsLifetimeWithClaimsReachable() throws {
        let verified = try verifier().verify(token, at: Self.insideLifetime).get()
        #expect(verified.signed.algorithm == .rs256)
        #expect(verified.claims["sub"] == .string("system:serviceaccount:default:default"))
        #expect(verified.claims["iss"] == .string(Self.cluster))
        let kubernetes = try #require(verified.claims["kubernetes.io"]?.objectValue)
        #expect(kubernetes["namespace"] == .string("default"))
        let account = kubernetes["serviceaccount"]?.objectValue
        #expect(account?["name"] == .string("default"))
    }

    @Test(arguments: [
        (expiresAt + 59, nil as TokenRejection?),
        (expiresAt + 60, .expired(at: expiresAt)),
        (issuedAt - 60, nil),
        (issuedAt - 61, .notYetValid(until: issuedAt)),
    ])
    func leewayEdgesAroundItsLifetime(now: Double, rejection: TokenRejection?) {
        let result = verifier().verify(token, at: now)
        switch result {
        case .success: #expect(rejection == nil)
        case .failure(let actual): #expect(actual == rejection)
        }
    }

    @Test func isExpiredNow() {
        let now = Date().timeIntervalSince1970
        let result = verifier().verify(token, at: now)
        #expect(throws: TokenRejection.expired(at: Self.expiresAt)) { try result.get() }
    }

    @Test func refusedForAnotherAudience() {
        let result = verifier(audience: "mimir").verify(token, at: Self.insideLifetime)
        #expect(throws: TokenRejection.wrongAudience) { try result.get() }
    }

    @Test func refusedForAnotherIssuer() {
        let rules = ClaimRules(issuer: Self.cluster + "/", audiences: [Self.cluster])
        let result = TokenVerifier(keySet: keySet, rules: rules)
            .verify(token, at: Self.insideLifetime)
        #expect(
            throws: TokenRejection.wrongIssuer(actual: Self.cluster, expected: Self.cluster + "/")
        ) { try result.get() }
    }
}
