import Foundation
import Testing

extension ExclusiveTests {
    /// The Docker registry job of DESIGN.md ("The three jobs", 3), with real components: a
    /// CI job's skopeo pushes an image with a 50 MiB layer to Debian's `docker-registry`
    /// through tokengate's registry route, its GitHub-Actions-shaped token as the Basic
    /// password, and pulls it back.
    ///
    /// Tokens of another owner get 403, missing and forged ones a Basic challenge that
    /// skopeo answers; `expiry_grace` carries a slow push past its token's `exp`
    /// (`RegistryJobTests+ExpiryGrace.swift`). Serialized with the other heavy suites: it
    /// moves 50 MiB each way.
    @Suite(.serialized) struct RegistryJobTests {
        /// The random bytes in the pushed image's one layer.
        static let layerPayload = 50 << 20

        @Test func pushesAndPullsAFiftyMebibyteImageThroughTheGate() throws {
            let gate = try GatedRegistry()
            defer { gate.stop() }
            let images = try TemporaryDirectory(prefix: "registry-images")
            let started = ContinuousClock.now
            let local = try OCILayout.build(
                in: images, name: "local", tag: "v1", layerSizes: [Self.layerPayload])
            let layer = try #require(local.layers.first)
            let token = try gate.token()

            let beforePush = ContinuousClock.now
            let push = try Skopeo.copy(
                local.reference, to: gate.reference("acme/app:1"),
                options: ["--dest-tls-verify=false", "--dest-creds", "ci:\(token)"])
            let beforePull = ContinuousClock.now
            let pulledPath = images.path("pulled")
            let pull = try Skopeo.copy(
                gate.reference("acme/app:1"), to: "oci:\(pulledPath):1",
                options: ["--src-tls-verify=false", "--src-creds", "ci:\(token)"])
            let end = ContinuousClock.now
            print(
                "registry: built \(mebibytes(layer.size)) layer in \(beforePush - started), "
                    + "pushed in \(beforePull - beforePush), pulled in \(end - beforePull); "
                    + "tokengate peak RSS \(mebibytes(try gate.daemon.peakResidentBytes()))")

            #expect(layer.size > Self.layerPayload)
            try #require(push.status == 0, "\(push)")
            #expect(gate.registry.taggedManifest("acme/app", tag: "1") == local.manifest.digest)
            #expect(gate.registry.linksLayer("acme/app", digest: layer.digest))
            let stored = gate.registry.blobDataPath(layer.digest)
            try #require(FileManager.default.fileExists(atPath: stored), "no \(stored)")
            #expect(try "sha256:" + SHA256Sum.hex(ofFileAt: stored) == layer.digest)

            try #require(pull.status == 0, "\(pull)")
            let pulled = try OCILayout.read(path: pulledPath, tag: "1")
            #expect(pulled.manifest.digest == local.manifest.digest)
            #expect(pulled.config == local.config)
            #expect(pulled.layers == local.layers)
            let pulledLayer = pulled.blobPath(layer.digest)
            #expect(try "sha256:" + SHA256Sum.hex(ofFileAt: pulledLayer) == layer.digest)
        }

        /// Docker asks `HEAD` of a blob before it uploads it and believes its
        /// `Content-Length`; a new upload's `Location` must lead back through the gate.
        @Test func answersBlobHeadsAndStartsUploadsAsTheRegistryDoes() throws {
            let gate = try GatedRegistry()
            defer { gate.stop() }
            let images = try TemporaryDirectory(prefix: "registry-images")
            let local = try OCILayout.build(
                in: images, name: "local", tag: "v1", layerSizes: [1 << 20])
            let layer = try #require(local.layers.first)
            let token = try gate.token()
            let push = try Skopeo.copy(
                local.reference, to: gate.reference("acme/app:1"),
                options: ["--dest-tls-verify=false", "--dest-creds", "ci:\(token)"])
            try #require(push.status == 0, "\(push)")

            let head = try gate.curl(
                "/v2/acme/app/blobs/\(layer.digest)", method: "HEAD", password: token)
            let upload = try gate.curl(
                "/v2/acme/app/blobs/uploads/", method: "POST", password: token)

            #expect(head.status == 200)
            #expect(head.value(of: "content-length") == "\(layer.size)")
            #expect(head.value(of: "docker-content-digest") == layer.digest)
            #expect(head.values(of: GatedRegistry.apiVersionHeader) == ["registry/2.0"])
            #expect(upload.status == 202)
            let location = try #require(upload.value(of: "location"))
            #expect(
                location.hasPrefix("\(gate.daemon.origin)/v2/acme/app/blobs/uploads/"),
                "\(location)")
        }

        @Test func refusesATokenOfAnotherOwnerWith403() throws {
            let gate = try GatedRegistry()
            defer { gate.stop() }
            let images = try TemporaryDirectory(prefix: "registry-images")
            let local = try OCILayout.build(
                in: images, name: "local", tag: "v1", layerSizes: [4096])
            let token = try gate.token(owner: "other")

            let push = try Skopeo.copy(
                local.reference, to: gate.reference("acme/app:1"),
                options: ["--dest-tls-verify=false", "--dest-creds", "ci:\(token)"])
            let response = try gate.curl("/v2/", password: token)

            #expect(push.status != 0)
            #expect(push.standardError.contains("403 (Forbidden)"), "\(push)")
            #expect(response.status == 403)
            #expect(response.values(of: GatedRegistry.apiVersionHeader) == ["registry/2.0"])
            #expect(
                try response.errorMembers().description == "allow #1: claims.repository_owner")
            #expect(!FileManager.default.fileExists(atPath: gate.registry.repositoryPath("acme")))
            #expect(!gate.registry.log.contains("acme/app"), "\(gate.registry.log)")
        }

        /// On a route whose `token_from` starts with `basic`, every 401 challenges Basic,
        /// with the registry's API version header, so that Docker and skopeo send the token
        /// as a password (DESIGN.md, "On the wire").
        @Test func challengesMissingAndForgedCredentialsWithBasic() throws {
            let gate = try GatedRegistry()
            defer { gate.stop() }
            let images = try TemporaryDirectory(prefix: "registry-images")
            let local = try OCILayout.build(
                in: images, name: "local", tag: "v1", layerSizes: [4096])
            let forger = try IssuerKey(keyID: gate.proxy.key.keyID)
            let forged = try gate.token(signedBy: forger)

            let missing = try gate.curl("/v2/")
            let badSignature = try gate.curl("/v2/", password: forged)
            let anonymousPush = try Skopeo.copy(
                local.reference, to: gate.reference("acme/app:1"),
                options: ["--dest-tls-verify=false", "--dest-no-creds"])
            let forgedPush = try Skopeo.copy(
                local.reference, to: gate.reference("acme/app:1"),
                options: ["--dest-tls-verify=false", "--dest-creds", "ci:\(forged)"])

            for response in [missing, badSignature] {
                #expect(response.status == 401)
                #expect(response.values(of: "www-authenticate") == [#"Basic realm="tokengate""#])
                #expect(response.values(of: GatedRegistry.apiVersionHeader) == ["registry/2.0"])
            }
            #expect(try badSignature.errorMembers().error == "invalid_token")
            for push in [anonymousPush, forgedPush] {
                #expect(push.status != 0)
                #expect(push.standardError.contains("unauthorized"), "\(push)")
            }
            #expect(!FileManager.default.fileExists(atPath: gate.registry.repositoryPath("acme")))
            #expect(!gate.registry.log.contains("acme/app"), "\(gate.registry.log)")
        }
    }
}
