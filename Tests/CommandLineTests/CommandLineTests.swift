import Foundation
import JOSE
import Testing

/// `tokengate verify`, the usage errors and `--version`/`--help`, run through the built binary
/// as a user runs them (DESIGN.md, "Command line").
@Suite struct CommandLineTests {
    let workspace: Workspace
    let issuer = "https://issuer.example"

    init() throws {
        workspace = try Workspace()
    }

    /// Claims with every kind of JSON value, valid for ten minutes from now.
    private func goodClaims(issuer: String? = nil, audience: String = "\"loki\"") -> String {
        let now = Int(Date().timeIntervalSince1970)
        return """
            {"iss":"\(issuer ?? self.issuer)","aud":\(audience),\
            "sub":"repo:acme/alerts:ref:refs/heads/main","iat":\(now),"nbf":\(now),\
            "exp":\(now + 600),"kubernetes.io":{"namespace":"monitoring","ids":[1,2.5]},\
            "ok":true,"none":null}
            """
    }

    /// `verify` with the suite's issuer and audience `loki`.
    private func verify(_ jwks: String, _ rest: [String], input: String? = nil) throws
        -> ProcessOutcome
    {
        try Tokengate.run(
            ["verify", "--jwks", jwks, "--issuer", issuer, "--audience", "loki"] + rest,
            input: input, in: workspace)
    }

    /// Where `verify` gets its token from.
    enum TokenInput: String, CaseIterable {
        case argument
        case dashReadsStandardInput
        case noArgumentReadsStandardInput
    }

    @Test(arguments: TokenInput.allCases)
    func verifyPrintsClaimsOfGoodToken(input: TokenInput) throws {
        let key = try workspace.generateKey(.p256, named: "issuer.pem")
        let jwks = try workspace.writeKeySet(of: key)
        let claims = goodClaims(audience: #"["other","loki"]"#)
        let token = try workspace.mint(key: key, claims: claims)

        let outcome =
            switch input {
            case .argument: try verify(jwks, [token])
            case .dashReadsStandardInput: try verify(jwks, ["-"], input: token + "\n")
            case .noArgumentReadsStandardInput: try verify(jwks, [], input: token + "\n")
            }
        #expect(outcome.status == 0, "\(outcome.error)")
        #expect(outcome.outputObject == (try JSONParser.parseObject(Array(claims.utf8))))
        #expect(outcome.error.isEmpty)
    }

    /// A token `verify` must refuse, and what its one line on standard error must say.
    enum BadToken: String, CaseIterable {
        case expired
        case notYetValid
        case wrongAudience
        case wrongIssuer
        case unknownKeyID
        case signedByAnotherKey
        case tamperedPayload
        case malformedOneSegment
        case malformedSegmentAlphabet
        case algorithmNoneF06
        case algorithmNoneEmptySignatureF06
    }

    @Test(arguments: BadToken.allCases)
    func verifyRefusesBadTokenWithOneLineReason(badToken: BadToken) throws {
        let key = try workspace.generateKey(.p256, named: "issuer.pem")
        let jwks = try workspace.writeKeySet(of: key, keyID: "k1")
        let now = Int(Date().timeIntervalSince1970)
        let payload = #"{"iss":"\#(issuer)","aud":"loki","exp":\#(now + 600)}"#
        func mint(_ claims: String, _ options: [String] = ["--kid", "k1"]) throws -> String {
            try workspace.mint(key: key, claims: claims, options)
        }

        let token: String
        let wanted: [String]
        var exactLine: String?
        switch badToken {
        case .expired:
            token = try mint(#"{"iss":"\#(issuer)","aud":"loki","exp":1700000000}"#)
            exactLine = "token expired at 2023-11-14T22:13:20Z"
            wanted = []
        case .notYetValid:
            token = try mint(
                #"{"iss":"\#(issuer)","aud":"loki","nbf":\#(now + 3600),"exp":\#(now + 7200)}"#)
            wanted = ["not valid before"]
        case .wrongAudience:
            token = try mint(#"{"iss":"\#(issuer)","aud":"mimir","exp":\#(now + 600)}"#)
            wanted = ["aud"]
        case .wrongIssuer:
            token = try mint(#"{"iss":"https://other.example","aud":"loki"}"#)
            wanted = ["iss", "https://other.example", issuer]
        case .unknownKeyID:
            token = try mint(payload, ["--kid", "k2"])
            exactLine = #"no key with kid "k2" in the key set"#
            wanted = []
        case .signedByAnotherKey:
            let other = try workspace.generateKey(.p256, named: "other.pem")
            token = try workspace.mint(key: other, claims: payload, ["--kid", "k1"])
            exactLine = "signature does not verify"
            wanted = []
        case .tamperedPayload:
            var parts = try mint(payload).split(separator: ".").map(String.init)
            parts[1] = Base64URL.encode(Array(goodClaims().utf8))
            token = parts.joined(separator: ".")
            exactLine = "signature does not verify"
            wanted = []
        case .malformedOneSegment:
            token = "not-a-token"
            wanted = ["malformed"]
        case .malformedSegmentAlphabet:
            let parts = try mint(payload).split(separator: ".")
            token = parts[0] + ".e30+." + parts[2]
            wanted = ["malformed"]
        case .algorithmNoneF06:
            token = TokenParts.assemble(
                header: #"{"alg":"none","kid":"k1"}"#, payload: payload, signature: "c2ln")
            wanted = ["none"]
        case .algorithmNoneEmptySignatureF06:
            token = TokenParts.assemble(
                header: #"{"alg":"none"}"#, payload: payload, signature: "")
            wanted = []
        }

        let outcome = try verify(jwks, [token])
        #expect(outcome.status == 1)
        #expect(outcome.standardOutput.isEmpty)
        #expect(outcome.errorLines.count == 1, "\(outcome.error)")
        let line = outcome.errorLines.first.map(String.init) ?? ""
        if let exactLine { #expect(line == exactLine) }
        for fragment in wanted { #expect(line.contains(fragment), "\(line)") }
    }

    @Test func atReplaysExpiredTokenInsideItsLifetime() throws {
        let key = try workspace.generateKey(.ed25519, named: "issuer.pem")
        let jwks = try workspace.writeKeySet(of: key)
        let claims =
            #"{"iss":"\#(issuer)","aud":"loki","iat":1699999400,"nbf":1699999400,"#
            + #""exp":1700000000}"#
        let token = try workspace.mint(key: key, claims: claims)

        let today = try verify(jwks, [token])
        #expect(today.status == 1)
        #expect(today.errorLines == ["token expired at 2023-11-14T22:13:20Z"])

        let inside = try verify(jwks, ["--at", "1699999700", token])
        #expect(inside.status == 0, "\(inside.error)")
        #expect(inside.outputObject == (try JSONParser.parseObject(Array(claims.utf8))))

        let pastLeeway = try verify(jwks, ["--at", "1700000060", token])
        #expect(pastLeeway.status == 1)
        #expect(pastLeeway.errorLines == ["token expired at 2023-11-14T22:13:20Z"])
    }

    @Test func signatureOnlyAcceptsExpiredTokenAndPrintsPayload() throws {
        let key = try workspace.generateKey(.p384, named: "issuer.pem")
        let jwks = try workspace.writeKeySet(of: key)
        let claims =
            #"{"iss":"https://elsewhere.example","aud":"nobody","iat":1,"nbf":1,"exp":1700000000}"#
        let token = try workspace.mint(key: key, claims: claims)

        let outcome = try verify(jwks, ["--signature-only", token])
        #expect(outcome.status == 0, "\(outcome.error)")
        #expect(outcome.outputObject == (try JSONParser.parseObject(Array(claims.utf8))))
    }

    @Test func signatureOnlyStillRefusesBadSignature() throws {
        let key = try workspace.generateKey(.p256, named: "issuer.pem")
        let other = try workspace.generateKey(.p256, named: "other.pem")
        let jwks = try workspace.writeKeySet(of: key, keyID: "k1")
        let token = try workspace.mint(key: other, claims: #"{"exp":1700000000}"#, ["--kid", "k1"])

        let outcome = try verify(jwks, ["--signature-only", token])
        #expect(outcome.status == 1)
        #expect(outcome.standardOutput.isEmpty)
        #expect(outcome.errorLines == ["signature does not verify"])
    }

    @Test(arguments: [#"{"foo":1}"#, #"{"keys":5}"#, "[1]", "not json", ""])
    func verifyRefusesJWKSFileThatIsNotKeySet(document: String) throws {
        let key = try workspace.generateKey(.p256, named: "issuer.pem")
        let token = try workspace.mint(key: key, claims: goodClaims())
        let jwks = try workspace.write(document, to: "not-keys.json")

        let outcome = try verify(jwks, [token])
        #expect(outcome.status == 1)
        #expect(outcome.standardOutput.isEmpty)
        #expect(outcome.errorLines.count == 1, "\(outcome.error)")
        #expect(outcome.error.contains("key set"), "\(outcome.error)")
    }

    /// A command line that is wrong, or names a file that cannot be read: exit status 2.
    enum UsageMistake: String, CaseIterable {
        case unknownOption
        case missingJWKS
        case optionWithoutValue
        case mintOptionWithoutValue
        case twoTokens
        case unknownCommand
        case noCommand
        case unreadableJWKSPath
        case jwksPathIsDirectory
        case unreadableMintKey
        case mintKeyNotPEM
        case algorithmES384WithP256Key
        case claimsArray
        case claimsString
        case claimsTruncated
        case claimsDuplicateName
        case ttlNotDuration
        case atNotNumber
    }

    @Test(arguments: UsageMistake.allCases)
    func usageMistakeExitsTwo(mistake: UsageMistake) throws {
        let key = try workspace.generateKey(.p256, named: "issuer.pem")
        let jwks = try workspace.writeKeySet(of: key)
        let token = try workspace.mint(key: key, claims: goodClaims())
        let mint = ["mint", "--key", key, "--claims"]

        let (arguments, fragment): ([String], String?) =
            switch mistake {
            case .unknownOption: (["verify", "--jwks", jwks, "--bogus", token], "--bogus")
            case .missingJWKS: (["verify", token], "--jwks")
            case .optionWithoutValue: (["verify", token, "--jwks"], "--jwks")
            case .mintOptionWithoutValue: (mint, "--claims")
            case .twoTokens: (["verify", "--jwks", jwks, token, token], nil)
            case .unknownCommand: (["frobnicate"], "frobnicate")
            // `tokengate` alone is `run` with the default configuration, absent here.
            case .noCommand: ([], "/etc/tokengate/proxy.conf")
            case .unreadableJWKSPath:
                (["verify", "--jwks", workspace.path("missing.json"), token], "missing.json")
            case .jwksPathIsDirectory: (["verify", "--jwks", workspace.path("."), token], nil)
            case .unreadableMintKey:
                (["mint", "--key", workspace.path("missing.pem"), "--claims", "{}"], "missing.pem")
            case .mintKeyNotPEM:
                (
                    [
                        "mint", "--key", try workspace.write("no key here\n", to: "bad.pem"),
                        "--claims", "{}",
                    ], "bad.pem"
                )
            case .algorithmES384WithP256Key: (mint + ["{}", "--alg", "ES384"], "ES384")
            case .claimsArray: (mint + ["[1]"], "--claims")
            case .claimsString: (mint + [#""sub""#], "--claims")
            case .claimsTruncated: (mint + [#"{"sub":"#], "--claims")
            case .claimsDuplicateName: (mint + [#"{"sub":"a","sub":"b"}"#], "--claims")
            case .ttlNotDuration: (mint + ["{}", "--ttl", "5 minutes"], "--ttl")
            case .atNotNumber: (["verify", "--jwks", jwks, "--at", "yesterday", token], "--at")
            }

        let outcome = try Tokengate.run(arguments, in: workspace)
        #expect(outcome.status == 2, "\(outcome.error)")
        #expect(outcome.standardOutput.isEmpty)
        #expect(!outcome.error.isEmpty)
        if let fragment { #expect(outcome.error.contains(fragment), "\(outcome.error)") }
    }

    @Test func versionPrintsNameAndVersion() throws {
        let outcome = try Tokengate.run(["--version"], in: workspace)
        #expect(outcome.status == 0)
        let line = outcome.output.trimmingCharacters(in: .newlines)
        #expect(line.hasPrefix("tokengate "), "\(line)")
        #expect(line.dropFirst("tokengate ".count).first?.isNumber == true, "\(line)")
        #expect(!line.contains("\n"))
    }

    @Test func helpExitsZeroAndNamesCommands() throws {
        let outcome = try Tokengate.run(["--help"], in: workspace)
        #expect(outcome.status == 0, "\(outcome.error)")
        for command in ["verify", "mint", "jwks"] {
            #expect(outcome.output.contains(command))
        }
    }

    @Test func replaysRealKubernetesTokenWithAt() throws {
        let real = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/real")
        let jwks = real.appendingPathComponent("k8s-sa.jwks.json").path
        let token = try String(
            contentsOf: real.appendingPathComponent("k8s-sa.token"), encoding: .utf8)
        let cluster = "https://kubernetes.default.svc.cluster.local"
        func verify(_ options: [String]) throws -> ProcessOutcome {
            try Tokengate.run(
                ["verify", "--jwks", jwks, "--issuer", cluster, "--audience", cluster]
                    + options + ["-"],
                input: token, in: workspace)
        }

        let inside = try verify(["--at", "1744763300"])
        #expect(inside.status == 0, "\(inside.error)")
        #expect(inside.outputObject?["sub"] == .string("system:serviceaccount:default:default"))
        let kubernetes = inside.outputObject?["kubernetes.io"]?.objectValue
        #expect(kubernetes?["namespace"] == .string("default"))

        let today = try verify([])
        #expect(today.status == 1)
        #expect(today.errorLines == ["token expired at 2025-04-16T00:37:04Z"])
    }
}
