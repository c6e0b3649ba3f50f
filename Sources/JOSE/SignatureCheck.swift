import COpenSSL

/// The signature layer: one signature over one message, with no token around it.
public enum SignatureCheck {
    /// Whether `signature` is a valid `algorithm` signature of `message` under `key`.
    ///
    /// ES* signatures are raw R‖S; a DER-encoded one is refused. HMAC algorithms are not
    /// checked here (see `macMatches`).
    public static func verifies(
        _ signature: [UInt8], over message: [UInt8], with key: KeyHandle,
        algorithm: SignatureAlgorithm
    ) -> Bool {
        message.withUnsafeBufferPointer {
            verifies(signature, over: $0, with: key, algorithm: algorithm)
        }
    }

    static func verifies(
        _ signature: [UInt8], over message: UnsafeBufferPointer<UInt8>, with key: KeyHandle,
        algorithm: SignatureAlgorithm
    ) -> Bool {
        guard let scheme = algorithm.scheme else { return false }
        return tgssl_verify(
            key.pointer, scheme, algorithm.digestBits, message.baseAddress, message.count,
            signature, signature.count) == 1
    }

    /// Whether `mac` is the HMAC of `message` under a caller-supplied `secret`, compared in
    /// constant time.
    public static func macMatches(
        _ mac: [UInt8], over message: [UInt8], secret: [UInt8], algorithm: SignatureAlgorithm
    ) -> Bool {
        message.withUnsafeBufferPointer {
            macMatches(mac, over: $0, secret: secret, algorithm: algorithm)
        }
    }

    static func macMatches(
        _ mac: [UInt8], over message: UnsafeBufferPointer<UInt8>, secret: [UInt8],
        algorithm: SignatureAlgorithm
    ) -> Bool {
        guard algorithm.isHMAC, !secret.isEmpty else { return false }
        var expected = [UInt8](repeating: 0, count: 64)
        let length = tgssl_hmac(
            algorithm.digestBits, secret, secret.count, message.baseAddress, message.count,
            &expected)
        return length > 0 && mac.count == length && CRYPTO_memcmp(mac, expected, length) == 0
    }
}
