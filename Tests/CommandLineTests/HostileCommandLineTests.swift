import Foundation
import Testing

/// Regressions found by feeding the command line what a careless or hostile user would.
@Suite struct HostileCommandLineTests {
    let workspace: Workspace

    init() throws {
        workspace = try Workspace()
    }

    @Test func refusesStandardInputLongerThanAnyTokenWithoutReadingItAll() throws {
        let key = try workspace.generateKey(.p256, named: "ec.pem")
        let jwks = try workspace.writeKeySet(of: key)
        let outcome = try Tokengate.run(
            ["verify", "--jwks", jwks], input: String(repeating: "a", count: 2 << 20),
            in: workspace)
        #expect(outcome.status == 1)
        #expect(outcome.error.contains("more than 65536 bytes"), "\(outcome.error)")
    }

    @Test func readsTheKeySetFromANamedPipe() throws {
        let key = try workspace.generateKey(.p256, named: "ec.pem")
        let jwks = try Data(contentsOf: URL(fileURLWithPath: workspace.writeKeySet(of: key)))
        let token = try workspace.mint(key: key, claims: "{}")
        let fifo = workspace.path("jwks.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        // The writer blocks until tokengate opens the pipe, as `<(kubectl ...)` would.
        let writer = Thread {
            FileHandle(forWritingAtPath: fifo)?.write(jwks)
        }
        writer.start()
        let outcome = try Tokengate.run(["verify", "--jwks", fifo, token], in: workspace)
        #expect(outcome.status == 0, "\(outcome.error)")
    }

    @Test func mintRefusesAnRSAKeyTheVerifierWouldRefuse() throws {
        let outcome = try workspace.runOpenSSL([
            "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out",
            workspace.path("weak.pem"),
        ])
        #expect(outcome.status == 0)
        let minted = try Tokengate.run(
            ["mint", "--key", workspace.path("weak.pem"), "--claims", "{}"], in: workspace)
        #expect(minted.status == 2)
        #expect(minted.error.contains("1024 bits"), "\(minted.error)")
    }

    @Test func mintSignsWithKeysWhoseSignaturesExceedAKilobyte() throws {
        let key = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/rsa-8704-test-key.pem")
        let jwks = try workspace.writeKeySet(of: key.path)
        let token = try workspace.mint(key: key.path, claims: "{}")
        let outcome = try Tokengate.run(["verify", "--jwks", jwks, token], in: workspace)
        #expect(outcome.status == 0, "\(outcome.error)")
    }

    @Test(arguments: [
        ["--ttl", String(repeating: "9", count: 400) + "d"], ["--ttl", "999999999999d"],
        ["--ttl", "-5m"],
    ])
    func mintRefusesDurationsNoTokenCanCarry(options: [String]) throws {
        let key = try workspace.generateKey(.p256, named: "ec.pem")
        let outcome = try Tokengate.run(
            ["mint", "--key", key, "--claims", "{}"] + options, in: workspace)
        #expect(outcome.status == 2, "\(outcome.output)")
        #expect(outcome.standardOutput.isEmpty)
    }

    @Test(arguments: ["0x10", "+5", "-1", "nan", "inf", "1e20x"])
    func verifyRefusesClockValuesThatAreNotPlainSeconds(at: String) throws {
        let key = try workspace.generateKey(.p256, named: "ec.pem")
        let jwks = try workspace.writeKeySet(of: key)
        let token = try workspace.mint(key: key, claims: "{}")
        let outcome = try Tokengate.run(
            ["verify", "--jwks", jwks, "--at", at, token], in: workspace)
        #expect(outcome.status == 2)
    }

    @Test func reportsAnUnreadableFileInOneLineWithoutTheUsage() throws {
        let outcome = try Tokengate.run(
            ["verify", "--jwks", workspace.path("missing.json"), "token"], in: workspace)
        #expect(outcome.status == 2)
        #expect(outcome.errorLines.count == 1, "\(outcome.error)")
        #expect(!outcome.error.contains("usage"))
    }
}
