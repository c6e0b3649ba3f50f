import Foundation
import JOSE

/// The `verify` command: checks one token against a key set file.
enum VerifyCommand {
    static func run(_ words: [String]) throws {
        let arguments = try CommandLineArguments(
            words,
            options: [
                "--jwks", "--issuer", "--audience", "--at", "--config", "--route", "--method",
                "--path", "--host",
            ],
            flags: ["--signature-only"])
        var now = Date().timeIntervalSince1970
        if let at = try arguments.value("--at") {
            guard at.allSatisfy({ $0.isASCIIDigit || $0 == "." }), let time = Double(at),
                time.isFinite
            else {
                throw CommandOutcome.usage("--at takes seconds since the epoch, not \(at)")
            }
            now = time
        }
        let token = try readToken(try arguments.singlePositional())
        if arguments.values["--config"] != nil || arguments.values["--route"] != nil {
            return try RouteVerifyCommand.run(arguments, token: token, now: now)
        }
        let jwksPath = try arguments.required("--jwks")
        let jwks = try readFile(jwksPath)

        let keySet: KeySet
        do {
            keySet = try KeySet(jwks: jwks)
        } catch {
            throw CommandOutcome.refused("issuer keys unavailable: \(jwksPath): \(error)")
        }
        let rules = ClaimRules(
            issuer: try arguments.value("--issuer"),
            audiences: arguments.values["--audience"])
        let verifier = TokenVerifier(keySet: keySet, rules: rules)

        if arguments.flags.contains("--signature-only") {
            switch verifier.verifySignature(token) {
            case .success(let signed):
                Terminal.printLine(String(decoding: signed.jws.payload, as: UTF8.self))
            case .failure(let rejection):
                throw CommandOutcome.refused(rejection.detail)
            }
            return
        }
        switch verifier.verify(token, at: now) {
        case .success(let verified):
            Terminal.printLine(JSONValue.object(verified.claims).serialized)
        case .failure(let rejection):
            throw CommandOutcome.refused(rejection.detail)
        }
    }

    /// The token from the argument, or from standard input for `-` or none; surrounding
    /// whitespace (a trailing newline from a file or `echo`) is dropped.
    private static func readToken(_ argument: String?) throws -> [UInt8] {
        var raw: [UInt8]
        if let argument, argument != "-" {
            raw = Array(argument.utf8)
        } else {
            guard let input = readStandardInput(limit: CompactJWS.maximumLength + 2) else {
                throw CommandOutcome.refused(
                    "malformed token: standard input holds more than "
                        + "\(CompactJWS.maximumLength) bytes")
            }
            raw = input
        }
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        let trimmed = raw.drop(while: isSpace).reversed().drop(while: isSpace).reversed()
        guard !trimmed.isEmpty else { throw CommandOutcome.usage("no token given") }
        return Array(trimmed)
    }
}
