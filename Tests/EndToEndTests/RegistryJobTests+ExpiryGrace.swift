import Foundation
import Testing

extension ExclusiveTests.RegistryJobTests {
    /// What a push made slow on purpose left behind.
    struct SlowPush {
        /// skopeo's outcome.
        var result: ShellCommand.Result
        /// The token's `exp`, seconds since the epoch.
        var expiry: Int
        /// The token.
        var token: String
        /// The image pushed.
        var image: OCILayout
        /// Every exchange the relay saw, in the order the requests came.
        var records: [RelayRecord]
    }

    /// How long the relay waits before each request: a small image's push through it is
    /// ten requests, about 7 s, of which the token lives the first two to three.
    static let relayDelay = Duration.milliseconds(700)
    /// How long after it is made the short-lived token expires (at most; `exp` is in
    /// whole seconds).
    static let tokenLifetime = 3

    /// Pushes a small image through `gate`, whose relay slows every request down, with a
    /// token that expires `tokenLifetime` seconds after the push starts.
    static func slowPush(through gate: GatedRegistry) throws -> SlowPush {
        let relay = try #require(gate.relay)
        let images = try TemporaryDirectory(prefix: "registry-images")
        let image = try OCILayout.build(in: images, name: "local", tag: "v1", layerSizes: [4096])
        let expiry = Int(Date().timeIntervalSince1970) + tokenLifetime
        let token = try gate.token(expiry: expiry)

        let started = ContinuousClock.now
        let result = try Skopeo.copy(
            image.reference, to: gate.reference("acme/app:slow"),
            options: ["--dest-tls-verify=false", "--dest-creds", "ci:\(token)"])
        let elapsed = ContinuousClock.now - started
        let records = try relay.records()
        let offsets = records.map { String(format: "%+.1f", $0.received - Double(expiry)) }
        print(
            "registry: slow push ended with \(result.status) after \(elapsed); requests "
                + "reached the registry at exp \(offsets.joined(separator: " ")) s")
        return SlowPush(
            result: result, expiry: expiry, token: token, image: image, records: records)
    }

    /// The `PUT`s that finished blob uploads after `time`, with 201: the `PATCH` of each
    /// upload was answered at `time` or later, and its `PUT` goes to the `Location` that
    /// answer gave, so skopeo sent the `PUT`, and tokengate checked it, after `time`.
    static func uploadsFinished(after time: Double, in records: [RelayRecord]) -> [RelayRecord] {
        records.filter { put in
            put.method == "PUT" && put.status == 201 && put.uploadID != nil
                && records.contains { patch in
                    patch.method == "PATCH" && patch.uploadID == put.uploadID
                        && (patch.answered ?? 0) >= time
                }
        }
    }

    /// Whether the relay saw the manifest go to the registry and get 201.
    static func manifestWasStored(_ records: [RelayRecord]) -> Bool {
        records.contains {
            $0.method == "PUT" && $0.target.contains("/manifests/") && $0.status == 201
        }
    }

    /// A push whose later requests come more than a second after its token's `exp`
    /// completes on a route with `expiry_grace`: each request is checked once, at its head,
    /// and an expired token within the grace still passes.
    @Test func expiryGraceCarriesASlowPushPastItsTokensExp() throws {
        let gate = try GatedRegistry(
            relayDelay: Self.relayDelay, routeDirectives: ["expiry_grace 1m"])
        defer { gate.stop() }

        let push = try Self.slowPush(through: gate)
        let afterwards = try gate.curl("/v2/", password: push.token)

        let first = try #require(push.records.first, "the relay saw nothing: \(push.result)")
        #expect(
            first.received < Double(push.expiry),
            "the first request came at \(first.received), after exp \(push.expiry)")
        let late = Self.uploadsFinished(after: Double(push.expiry + 1), in: push.records)
        #expect(!late.isEmpty, "no request checked a second after exp: \(push.records)")
        #expect(push.result.status == 0, "\(push.result)")
        #expect(Self.manifestWasStored(push.records), "\(push.records)")
        #expect(gate.registry.taggedManifest("acme/app", tag: "slow") == push.image.manifest.digest)
        #expect(afterwards.status == 200)
    }

    /// The same push without `expiry_grace` fails once its token has expired: skopeo asks
    /// for no new credential on a 401 in the middle of a push.
    @Test func slowPushFailsPastItsTokensExpWithoutExpiryGrace() throws {
        let gate = try GatedRegistry(relayDelay: Self.relayDelay)
        defer { gate.stop() }

        let push = try Self.slowPush(through: gate)
        let afterwards = try gate.curl("/v2/", password: push.token)

        let first = try #require(push.records.first, "the relay saw nothing: \(push.result)")
        #expect(
            first.received < Double(push.expiry),
            "the first request came at \(first.received), after exp \(push.expiry)")
        #expect(
            push.records.allSatisfy { $0.error == nil && $0.status != nil },
            "\(push.records)")
        #expect(push.result.status != 0)
        #expect(push.result.standardError.contains("unauthorized"), "\(push.result)")
        #expect(!Self.manifestWasStored(push.records), "\(push.records)")
        #expect(gate.registry.taggedManifest("acme/app", tag: "slow") == nil)
        #expect(afterwards.status == 401)
        #expect(try afterwards.errorMembers().description == "token expired")
    }
}
