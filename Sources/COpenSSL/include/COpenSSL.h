// A thin C layer over OpenSSL 3 for the parts Swift cannot call directly: macros,
// OSSL_PARAM names (Swift would keep a dangling pointer to a bridged string), and
// the DER conversions of ECDSA signatures. Every symbol carries the `tgssl_` prefix.
#ifndef TOKENGATE_COPENSSL_H
#define TOKENGATE_COPENSSL_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

/// The kinds of public key tokengate verifies with.
typedef enum {
    TGSSL_KEY_OTHER = 0,
    TGSSL_KEY_RSA = 1,
    TGSSL_KEY_EC = 2,
    TGSSL_KEY_ED25519 = 3,
} tgssl_key_kind;

/// How a signature is made: the padding or curve family, and the digest size in bits
/// (0 for Ed25519, which hashes internally).
typedef enum {
    TGSSL_SCHEME_RSA_PKCS1 = 1,
    TGSSL_SCHEME_RSA_PSS = 2,
    TGSSL_SCHEME_ECDSA = 3,
    TGSSL_SCHEME_EDDSA = 4,
} tgssl_scheme;

/// An RSA public key from big-endian modulus and exponent bytes, or NULL.
EVP_PKEY *tgssl_rsa_public_key(const uint8_t *n, size_t n_len, const uint8_t *e, size_t e_len);

/// An EC public key on `group` ("P-256", "P-384", "P-521") from the affine coordinates,
/// each exactly the field size; NULL when the point is not on the curve.
EVP_PKEY *tgssl_ec_public_key(const char *group, const uint8_t *x, const uint8_t *y,
                              size_t coordinate_len);

/// An Ed25519 public key from its 32 raw bytes, or NULL.
EVP_PKEY *tgssl_ed25519_public_key(const uint8_t *x, size_t x_len);

/// The public key of a DER X.509 certificate, or NULL.
EVP_PKEY *tgssl_certificate_public_key(const uint8_t *der, size_t der_len);

/// A private key read from PEM text (PKCS#8, traditional RSA or EC), or NULL.
EVP_PKEY *tgssl_private_key_from_pem(const char *pem, size_t pem_len);

/// PEM (PKCS#8) text of a private key in a buffer the caller frees with tgssl_free.
char *tgssl_private_key_to_pem(EVP_PKEY *key, size_t *pem_len);

/// A fresh key: RSA of `bits`, an EC key on `group`, or Ed25519 (`kind` decides).
EVP_PKEY *tgssl_generate_key(tgssl_key_kind kind, int rsa_bits, const char *group);

/// Which kind of key this is.
tgssl_key_kind tgssl_key_kind_of(const EVP_PKEY *key);

/// The curve's field size in bytes for an EC key (32, 48, 66), else 0.
int tgssl_ec_field_bytes(const EVP_PKEY *key);

/// Writes the curve name ("P-256", ...) of an EC key; returns 0 on failure.
int tgssl_ec_group_name(const EVP_PKEY *key, char *name, size_t name_capacity);

/// Copies the affine coordinates of an EC public key, each `tgssl_ec_field_bytes` long.
int tgssl_ec_public_coordinates(const EVP_PKEY *key, uint8_t *x, uint8_t *y, size_t capacity);

/// Copies the big-endian modulus and public exponent of an RSA key; lengths are set on
/// return. Returns 0 when the buffers are too small or the key is not RSA.
int tgssl_rsa_public_numbers(const EVP_PKEY *key, uint8_t *n, size_t *n_len, uint8_t *e,
                             size_t *e_len);

/// Whether two public keys are the same key.
int tgssl_keys_equal(const EVP_PKEY *a, const EVP_PKEY *b);

/// Checks `signature` over `message`: 1 valid, 0 invalid, -1 the check could not run.
/// ECDSA signatures are the raw R||S of JWS (RFC 7518 §3.4), exactly twice the field size.
int tgssl_verify(EVP_PKEY *key, tgssl_scheme scheme, int digest_bits, const uint8_t *message,
                 size_t message_len, const uint8_t *signature, size_t signature_len);

/// Signs `message`; ECDSA signatures come out as raw R||S. Returns 1 on success.
int tgssl_sign(EVP_PKEY *key, tgssl_scheme scheme, int digest_bits, const uint8_t *message,
               size_t message_len, uint8_t *signature, size_t *signature_len);

/// HMAC-SHA-`digest_bits` of `message` under `secret`; returns the MAC length or 0.
size_t tgssl_hmac(int digest_bits, const uint8_t *secret, size_t secret_len,
                  const uint8_t *message, size_t message_len, uint8_t *mac);

/// SHA-256 of `data` into 32 bytes of `digest`. Returns 1 on success.
int tgssl_sha256(const uint8_t *data, size_t data_len, uint8_t *digest);

/// Writes the oldest queued OpenSSL error as text and empties the queue; 0 when none.
int tgssl_take_error(char *text, size_t text_capacity);

/// Frees memory OpenSSL allocated (OPENSSL_free is a macro).
void tgssl_free(void *pointer);

/// A server context for HTTPS listeners: TLS 1.2 and 1.3 only, ALPN `http/1.1`, partial
/// writes from a buffer that may move, renegotiation refused, the certificate chain (PEM,
/// leaf first) and the private key read from their files and checked against each other.
/// NULL on failure, with the reason written to `error`.
SSL_CTX *tgssl_server_context_new(const char *certificate_file, const char *key_file,
                                  char *error, size_t error_capacity);

/// What a non-blocking TLS operation could not finish, as negative results.
typedef enum {
    /// It waits for the socket to become readable.
    TGSSL_IO_WANT_READ = -1,
    /// It waits for the socket to become writable.
    TGSSL_IO_WANT_WRITE = -2,
    /// The peer closed the connection (close_notify or end of file).
    TGSSL_IO_CLOSED = -3,
    /// The session failed; it must not be used again, not even to shut down.
    TGSSL_IO_FAILED = -4,
} tgssl_io_status;

/// A server session on the accepted socket `fd`, or NULL.
SSL *tgssl_session_new(SSL_CTX *context, int fd);

/// Continues the handshake: 1 once it is done, else a `tgssl_io_status`.
int tgssl_session_handshake(SSL *session);

/// Reads decrypted bytes: how many (> 0), else a `tgssl_io_status`.
long tgssl_session_read(SSL *session, void *buffer, size_t capacity);

/// Writes bytes, one record or more: how many were taken (> 0), else a `tgssl_io_status`.
/// After WANT_*, the next call must offer at least the same bytes again.
long tgssl_session_write(SSL *session, const void *bytes, size_t count);

/// Sends close_notify without waiting for the peer's; call before closing the socket, and
/// only on an established session that has not failed.
void tgssl_session_close(SSL *session);

#endif
