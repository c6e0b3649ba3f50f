import Foundation
import JOSE

/// The `mint` command: signs claims with a local PEM key.
enum MintCommand {
    static func run(_ words: [String]) throws {
        let arguments = try CommandLineArguments(
            words, options: ["--key", "--claims", "--kid", "--alg", "--ttl"], flags: [])
        if let extra = arguments.positionals.first {
            throw CommandOutcome.usage("unexpected argument \(extra)")
        }
        let key = try loadSigningKey(try arguments.required("--key"))
        let algorithm = try chooseAlgorithm(try arguments.value("--alg"), for: key)
        let ttlText = try arguments.value("--ttl") ?? "5m"
        guard let ttl = DurationText.seconds(ttlText), ttl <= 100 * 365 * 86400 else {
            throw CommandOutcome.usage("--ttl takes a duration such as 30s, 5m or 1h, up to 36500d")
        }
        var claims = try readClaims(try arguments.required("--claims"))

        let now = Date().timeIntervalSince1970.rounded(.down)
        if !claims.contains("iat") { claims.set("iat", .number(now)) }
        if !claims.contains("nbf") { claims.set("nbf", .number(now)) }
        if !claims.contains("exp") { claims.set("exp", .number((now + ttl).rounded(.down))) }
        let keyID = try arguments.value("--kid") ?? key.thumbprint
        guard let token = key.mint(claims, algorithm: algorithm, keyID: keyID) else {
            throw CommandOutcome.refused("signing failed")
        }
        Terminal.printLine(token)
    }

    private static func chooseAlgorithm(_ name: String?, for key: SigningKey) throws
        -> SignatureAlgorithm
    {
        guard let name else {
            guard let algorithm = key.defaultAlgorithm else {
                throw CommandOutcome.usage("this key cannot sign tokens")
            }
            return algorithm
        }
        guard let algorithm = SignatureAlgorithm(rawValue: name), key.canSign(algorithm) else {
            throw CommandOutcome.usage("--alg \(name) cannot be used with this key")
        }
        return algorithm
    }

    /// Inline JSON, or `@FILE`.
    private static func readClaims(_ argument: String) throws -> JSONObject {
        let text =
            argument.hasPrefix("@")
            ? try readFile(String(argument.dropFirst()))
            : Array(argument.utf8)
        do {
            return try JSONParser.parseObject(text)
        } catch {
            throw CommandOutcome.usage("--claims is not a JSON object: \(error)")
        }
    }
}

/// Reads a PEM private key file for `mint` and `jwks`.
func loadSigningKey(_ path: String) throws -> SigningKey {
    let pem = String(decoding: try readFile(path), as: UTF8.self)
    do {
        return try SigningKey(pem: pem)
    } catch {
        throw CommandOutcome.unreadable("\(path): \(error)")
    }
}
