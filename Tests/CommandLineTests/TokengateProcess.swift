import Foundation
import JOSE

/// What one run of a program left behind: its exit status and both output streams.
struct ProcessOutcome {
    let status: Int32
    let standardOutput: [UInt8]
    let standardError: [UInt8]

    /// Standard output as text.
    var output: String { String(decoding: standardOutput, as: UTF8.self) }

    /// Standard error as text.
    var error: String { String(decoding: standardError, as: UTF8.self) }

    /// The lines of standard error, without their newlines.
    var errorLines: [Substring] {
        error.split(separator: "\n", omittingEmptySubsequences: false).dropLast(
            error.hasSuffix("\n") ? 1 : 0)
    }

    /// Standard output parsed as one JSON object, or nil when it is not one.
    var outputObject: JSONObject? {
        try? JSONParser.parseObject(standardOutput)
    }
}

/// A failure of the test machinery itself (no binary, a program that hung), never a verdict
/// on tokengate's answers.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
}

/// The `tokengate` executable under test, run as a user would run it.
enum Tokengate {
    /// The binary: `TOKENGATE_BIN` when set, else the one built next to the test bundle.
    static func executable() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["TOKENGATE_BIN"], !path.isEmpty {
            guard isExecutableFile(path) else {
                throw HarnessError(
                    description: "TOKENGATE_BIN is \(path), which is not an executable file")
            }
            return URL(fileURLWithPath: path)
        }
        let starts = [CommandLine.arguments.first, Bundle.main.executablePath].compactMap { $0 }
        for start in starts {
            var directory = URL(fileURLWithPath: start).standardizedFileURL
                .deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = directory.appendingPathComponent("tokengate").path
                if isExecutableFile(candidate) { return URL(fileURLWithPath: candidate) }
                directory = directory.deletingLastPathComponent()
            }
        }
        throw HarnessError(
            description: "no tokengate binary: set TOKENGATE_BIN, or build it with "
                + "`swift build` beside the tests (looked near \(starts))")
    }

    /// Runs `tokengate` with `arguments` in `workspace`; `input` becomes its standard input,
    /// which is empty otherwise.
    static func run(_ arguments: [String], input: String? = nil, in workspace: Workspace)
        throws -> ProcessOutcome
    {
        try workspace.run(try executable(), arguments, input: input.map { Array($0.utf8) })
    }
}

/// A fresh temporary directory for one test, removed when the test is done with it.
final class Workspace {
    let directory: URL
    private var runCount = 0

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tokengate-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: false)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The full path of `name` inside the workspace.
    func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// Writes `text` to `name` and returns its full path.
    @discardableResult
    func write(_ text: String, to name: String) throws -> String {
        try Data(text.utf8).write(to: directory.appendingPathComponent(name))
        return path(name)
    }

    /// Generates a private key of `kind` with `openssl genpkey` and returns its path.
    func generateKey(_ kind: KeyKind, named name: String) throws -> String {
        let outcome = try runOpenSSL(["genpkey"] + kind.genpkeyOptions + ["-out", path(name)])
        guard outcome.status == 0 else {
            throw HarnessError(description: "openssl genpkey failed: \(outcome.error)")
        }
        return path(name)
    }

    /// Runs the openssl command line tool and returns what it did.
    func runOpenSSL(_ arguments: [String], input: [UInt8]? = nil) throws -> ProcessOutcome {
        try run(URL(fileURLWithPath: "/usr/bin/openssl"), arguments, input: input)
    }

    /// Runs a program with files for its standard streams, so that no pipe can fill up or
    /// be held open by another test's child, and gives up after a minute.
    func run(_ program: URL, _ arguments: [String], input: [UInt8]?) throws -> ProcessOutcome {
        runCount += 1
        let stem = path(".run-\(runCount)")
        let created = [(".in", Data(input ?? [])), (".out", Data()), (".err", Data())].map {
            FileManager.default.createFile(atPath: stem + $0.0, contents: $0.1)
        }
        guard !created.contains(false),
            let standardInput = FileHandle(forReadingAtPath: stem + ".in"),
            let standardOutput = FileHandle(forWritingAtPath: stem + ".out"),
            let standardError = FileHandle(forWritingAtPath: stem + ".err")
        else { throw HarnessError(description: "cannot open the files for \(program.path)") }
        defer {
            try? standardInput.close()
            try? standardOutput.close()
            try? standardError.close()
        }

        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardInput = standardInput
        process.standardOutput = standardOutput
        process.standardError = standardError
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                throw HarnessError(description: "\(program.path) \(arguments) did not exit")
            }
            usleep(2_000)
        }

        guard process.terminationReason == .exit else {
            throw HarnessError(
                description: "\(program.lastPathComponent) \(arguments) was killed by signal "
                    + "\(process.terminationStatus)")
        }
        return ProcessOutcome(
            status: process.terminationStatus,
            standardOutput: Array(try Data(contentsOf: URL(fileURLWithPath: stem + ".out"))),
            standardError: Array(try Data(contentsOf: URL(fileURLWithPath: stem + ".err"))))
    }
}

private func isExecutableFile(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        && !isDirectory.boolValue && FileManager.default.isExecutableFile(atPath: path)
}

/// The kinds of private key `mint` and `jwks` take, as `openssl genpkey` makes them.
enum KeyKind: String, CaseIterable, Sendable {
    case rsa2048
    case p256
    case p384
    case p521
    case ed25519

    /// The options of `openssl genpkey` that make such a key.
    var genpkeyOptions: [String] {
        switch self {
        case .rsa2048: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]
        case .p256: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
        case .p384: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]
        case .p521: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"]
        case .ed25519: ["-algorithm", "ED25519"]
        }
    }

    /// The bytes of one coordinate of an EC public point, nil for other keys.
    var coordinateSize: Int? {
        switch self {
        case .p256: 32
        case .p384: 48
        case .p521: 66
        case .rsa2048, .ed25519: nil
        }
    }

    /// The JWK `crv` of an EC or OKP key.
    var curveName: String? {
        switch self {
        case .p256: "P-256"
        case .p384: "P-384"
        case .p521: "P-521"
        case .ed25519: "Ed25519"
        case .rsa2048: nil
        }
    }
}

/// RFC 7638 thumbprints worked out from openssl's view of a key, with no code of tokengate:
/// the public numbers, the canonical member text, the digest and its base64url are all
/// made here or by the openssl command.
enum IndependentThumbprint {
    /// The required public members of the key in `keyPath`, in the RFC's lexicographic order.
    static func members(of keyPath: String, kind: KeyKind, in workspace: Workspace) throws
        -> [(name: String, value: String)]
    {
        let der = try openSSLOutput(
            ["pkey", "-in", keyPath, "-pubout", "-outform", "DER"], workspace)
        switch kind {
        case .rsa2048:
            let text = String(
                decoding: try openSSLOutput(
                    ["pkey", "-in", keyPath, "-text", "-noout"], workspace),
                as: UTF8.self)
            let modulus = String(
                decoding: try openSSLOutput(
                    ["rsa", "-in", keyPath, "-modulus", "-noout"], workspace),
                as: UTF8.self)
            guard let modulusHex = modulus.split(separator: "=").last,
                let modulusBytes = bytes(
                    hex: modulusHex.trimmingCharacters(in: .whitespacesAndNewlines)),
                let exponent = publicExponent(text)
            else { throw HarnessError(description: "cannot read the RSA numbers of \(keyPath)") }
            return [("e", base64URL(exponent)), ("kty", "RSA"), ("n", base64URL(modulusBytes))]
        case .p256, .p384, .p521:
            let size = kind.coordinateSize ?? 0
            let point = der.suffix(2 * size + 1)
            guard point.first == 0x04 else {
                throw HarnessError(description: "no uncompressed EC point in \(keyPath)")
            }
            return [
                ("crv", kind.curveName ?? ""), ("kty", "EC"),
                ("x", base64URL(Array(point.dropFirst().prefix(size)))),
                ("y", base64URL(Array(point.suffix(size)))),
            ]
        case .ed25519:
            return [("crv", "Ed25519"), ("kty", "OKP"), ("x", base64URL(Array(der.suffix(32))))]
        }
    }

    /// The thumbprint: base64url of the SHA-256 of `{"m1":"v1",...}` with no whitespace.
    static func thumbprint(of keyPath: String, kind: KeyKind, in workspace: Workspace) throws
        -> String
    {
        let canonical =
            "{"
            + (try members(of: keyPath, kind: kind, in: workspace))
            .map { "\"\($0.name)\":\"\($0.value)\"" }.joined(separator: ",") + "}"
        let digest = try workspace.runOpenSSL(
            ["dgst", "-sha256", "-binary"], input: Array(canonical.utf8))
        guard digest.status == 0, digest.standardOutput.count == 32 else {
            throw HarnessError(description: "openssl dgst failed: \(digest.error)")
        }
        return base64URL(digest.standardOutput)
    }

    /// Base64url without padding, by way of Foundation's standard base64.
    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func openSSLOutput(_ arguments: [String], _ workspace: Workspace) throws
        -> [UInt8]
    {
        let outcome = try workspace.runOpenSSL(arguments)
        guard outcome.status == 0 else {
            throw HarnessError(description: "openssl \(arguments) failed: \(outcome.error)")
        }
        return outcome.standardOutput
    }

    private static func bytes(hex: String) -> [UInt8]? {
        let digits = Array((hex.count % 2 == 1 ? "0" : "") + hex)
        var result: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(digits[index...index + 1]), radix: 16) else {
                return nil
            }
            result.append(byte)
        }
        return result
    }

    /// The exponent from `publicExponent: 65537 (0x10001)`, as minimal big-endian bytes.
    private static func publicExponent(_ text: String) -> [UInt8]? {
        guard
            let line = text.split(separator: "\n").first(where: { $0.contains("publicExponent:") }),
            let number = line.split(separator: ":").last?.split(separator: " ").first,
            var value = UInt64(number)
        else { return nil }
        var result: [UInt8] = []
        while value > 0 {
            result.insert(UInt8(value & 0xFF), at: 0)
            value >>= 8
        }
        return result
    }
}

/// Reads the parts of a compact token the way a test needs them.
enum TokenParts {
    /// The decoded header and payload of `token`, or nil when it is not three segments of
    /// JSON objects.
    static func decode(_ token: String) -> (header: JSONObject, payload: JSONObject)? {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3,
            let header = Base64URL.decodeStrict(Array(segments[0].utf8)),
            let payload = Base64URL.decodeStrict(Array(segments[1].utf8)),
            let headerObject = try? JSONParser.parseObject(header),
            let payloadObject = try? JSONParser.parseObject(payload)
        else { return nil }
        return (headerObject, payloadObject)
    }

    /// A token with the given raw header and payload text and signature segment.
    static func assemble(header: String, payload: String, signature: String) -> String {
        Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8)) + "."
            + signature
    }
}

extension Workspace {
    /// Runs `tokengate jwks` for the key in `keyPath`, writes its output to `name` and
    /// returns the path of that file.
    func writeKeySet(of keyPath: String, keyID: String? = nil, to name: String = "jwks.json")
        throws -> String
    {
        let outcome = try Tokengate.run(
            ["jwks", "--key", keyPath] + (keyID.map { ["--kid", $0] } ?? []), in: self)
        guard outcome.status == 0 else {
            throw HarnessError(description: "tokengate jwks failed: \(outcome.error)")
        }
        try Data(outcome.standardOutput).write(to: directory.appendingPathComponent(name))
        return path(name)
    }

    /// Runs `tokengate mint` and returns the token it printed.
    func mint(key keyPath: String, claims: String, _ options: [String] = []) throws -> String {
        let outcome = try Tokengate.run(
            ["mint", "--key", keyPath, "--claims", claims] + options, in: self)
        guard outcome.status == 0, outcome.output.hasSuffix("\n") else {
            throw HarnessError(
                description: "tokengate mint \(options) exited \(outcome.status): "
                    + outcome.error)
        }
        return String(outcome.output.dropLast())
    }
}
