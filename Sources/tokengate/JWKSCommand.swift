import JOSE

/// `tokengate jwks --key PEM [--kid KID]`: the public key set of a private key.
enum JWKSCommand {
    static func run(_ words: [String]) throws {
        let arguments = try CommandLineArguments(words, options: ["--key", "--kid"], flags: [])
        if let extra = arguments.positionals.first {
            throw CommandOutcome.usage("unexpected argument \(extra)")
        }
        let key = try loadSigningKey(try arguments.required("--key"))
        guard let jwk = key.publicJWK(keyID: try arguments.value("--kid")) else {
            throw CommandOutcome.unreadable("this key has no public JWK form")
        }
        var set = JSONObject()
        set.set("keys", .array([.object(jwk)]))
        Terminal.printLine(JSONValue.object(set).serialized)
    }
}
