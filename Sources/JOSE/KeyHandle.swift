import COpenSSL

/// Owns one OpenSSL key (`EVP_PKEY`) and frees it when the last reference goes.
///
/// `@unchecked Sendable`: the key is never changed after it is built, and OpenSSL 3 allows
/// one `EVP_PKEY` to be used by many threads at once for verification and signing, each
/// operation with its own context.
public final class KeyHandle: @unchecked Sendable {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// The kind of key.
    var kind: tgssl_key_kind {
        tgssl_key_kind_of(pointer)
    }

    /// Size of the key in bits (the modulus for RSA, the field for EC).
    public var bits: Int {
        Int(EVP_PKEY_get_bits(pointer))
    }

    /// The JOSE curve name of an EC key (`P-256`, `P-384`, `P-521`), else nil.
    var ecCurve: String? {
        var name = [CChar](repeating: 0, count: 16)
        guard tgssl_ec_group_name(pointer, &name, name.count) == 1 else { return nil }
        return String(
            decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
            as: UTF8.self)
    }

    /// Whether both handles hold the same public key.
    func hasSamePublicKey(as other: KeyHandle) -> Bool {
        tgssl_keys_equal(pointer, other.pointer) == 1
    }
}

/// The text of the oldest OpenSSL error, emptying the thread's error queue.
func takeOpenSSLError() -> String {
    var text = [CChar](repeating: 0, count: 256)
    guard tgssl_take_error(&text, text.count) == 1 else { return "no detail from OpenSSL" }
    return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
