import Foundation
import JOSE

/// One Wycheproof vector file, read with Foundation so that the reader shares no code with
/// the JSON parser under test.
struct WycheproofFile {
    /// The file name below `Tests/Fixtures/wycheproof`.
    let name: String
    /// The count the file declares; the cases read must add up to it.
    let numberOfTests: Int
    /// The test groups in file order.
    let groups: [WycheproofGroup]

    /// Reads `Tests/Fixtures/wycheproof/NAME`.
    init(_ name: String) throws {
        let data = Data(try Fixture.bytes("wycheproof/" + name))
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let count = root["numberOfTests"] as? Int,
            let groups = root["testGroups"] as? [[String: Any]]
        else { throw WycheproofFormatError(file: name, what: "no numberOfTests or testGroups") }
        self.name = name
        self.numberOfTests = count
        self.groups = try groups.enumerated().map { index, group in
            try WycheproofGroup(group, index: index, file: name)
        }
    }
}

/// One test group: a key and the cases checked with it.
struct WycheproofGroup {
    /// Position of the group in its file, counted from 0.
    let index: Int
    /// The group's `comment`, when it has one (the JWS file names its groups this way).
    let comment: String
    /// The public key as JSON text: `publicKeyJwk`, `keyJwk` or `public`; for an EC group
    /// that gives only `publicKey`, a JWK written from its `wx` and `wy`.
    let publicJWK: [UInt8]?
    /// Whether `publicJWK` was written by the test rather than taken from the file.
    let isJWKDerived: Bool
    /// The private JWK's `k`, decoded: the shared secret of an HMAC group.
    let secret: [UInt8]?
    /// `sha`, `mgf`, `mgfSha` and `sLen`, where the file gives them.
    let hash: String?
    let maskFunction: String?
    let maskHash: String?
    let saltLength: Int?
    /// The cases in file order.
    let cases: [WycheproofCase]

    init(_ group: [String: Any], index: Int, file: String) throws {
        self.index = index
        self.comment = group["comment"] as? String ?? ""
        var key = group["publicKeyJwk"] ?? group["keyJwk"] ?? group["public"]
        self.isJWKDerived = key == nil && group["publicKey"] != nil
        if isJWKDerived, let publicKey = group["publicKey"] as? [String: Any] {
            key = Self.ecJWK(publicKey)
        }
        self.publicJWK = try key.map { Array(try JSONSerialization.data(withJSONObject: $0)) }
        let secretText = (group["private"] as? [String: Any])?["k"] as? String
        self.secret = secretText.flatMap(Base64URL.decodeLenient)
        self.hash = group["sha"] as? String
        self.maskFunction = group["mgf"] as? String
        self.maskHash = group["mgfSha"] as? String
        self.saltLength = group["sLen"] as? Int
        guard let tests = group["tests"] as? [[String: Any]] else {
            throw WycheproofFormatError(file: file, what: "group \(index) has no tests")
        }
        self.cases = try tests.map { try WycheproofCase($0, file: file) }
    }

    /// The JWK (RFC 7518 §6.2.1) of a Wycheproof `EcPublicKey`: coordinates as big-endian
    /// integers of the curve's field size; nil for another kind of key.
    static func ecJWK(_ key: [String: Any]) -> [String: Any]? {
        let curves = [
            "secp256r1": ("P-256", 32), "secp384r1": ("P-384", 48), "secp521r1": ("P-521", 66),
        ]
        guard key["type"] as? String == "EcPublicKey",
            let (curve, size) = (key["curve"] as? String).flatMap({ curves[$0] }),
            let x = (key["wx"] as? String).flatMap(WycheproofCase.hex),
            let y = (key["wy"] as? String).flatMap(WycheproofCase.hex)
        else { return nil }
        func coordinate(_ bytes: [UInt8]) -> String {
            let digits = Array(bytes.drop { $0 == 0 })
            let padding = [UInt8](repeating: 0, count: max(0, size - digits.count))
            return Base64URL.encode(padding + digits)
        }
        return ["kty": "EC", "crv": curve, "x": coordinate(x), "y": coordinate(y)]
    }
}

/// One test case: a signature over a message, or a whole JWS, and Wycheproof's answer.
struct WycheproofCase {
    /// Wycheproof's answer for a case.
    enum Result: String {
        case valid
        case invalid
        case acceptable
    }

    let id: Int
    let comment: String
    let flags: [String]
    let result: Result
    /// `msg` and `sig` of a signature case, hex-decoded.
    let message: [UInt8]
    let signature: [UInt8]
    /// `jws` of a JSON Web Signature case, exactly as written.
    let jws: String

    init(_ test: [String: Any], file: String) throws {
        guard let id = test["tcId"] as? Int, let resultText = test["result"] as? String,
            let result = Result(rawValue: resultText)
        else { throw WycheproofFormatError(file: file, what: "a case without tcId or result") }
        self.id = id
        self.comment = test["comment"] as? String ?? ""
        self.flags = test["flags"] as? [String] ?? []
        self.result = result
        self.jws = test["jws"] as? String ?? ""
        guard let message = Self.hex(test["msg"] as? String ?? ""),
            let signature = Self.hex(test["sig"] as? String ?? "")
        else { throw WycheproofFormatError(file: file, what: "tcId \(id) has bad hex") }
        self.message = message
        self.signature = signature
    }

    /// Decodes lowercase or uppercase hex; nil for an odd length or a non-hex digit.
    static func hex(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// A vector file that does not have the shape the tests expect.
struct WycheproofFormatError: Error, CustomStringConvertible {
    let file: String
    let what: String

    var description: String { "\(file): \(what)" }
}
