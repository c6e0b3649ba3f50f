#include "COpenSSL.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/ecdsa.h>
#include <openssl/rsa.h>

// Digests are fetched once: OpenSSL 3 otherwise repeats an implicit fetch on every
// EVP_DigestVerifyInit, which costs more than parsing a whole token.
static EVP_MD *fetched_sha256;
static EVP_MD *fetched_sha384;
static EVP_MD *fetched_sha512;
static pthread_once_t digests_once = PTHREAD_ONCE_INIT;

static void fetch_digests(void) {
    fetched_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    fetched_sha384 = EVP_MD_fetch(NULL, "SHA384", NULL);
    fetched_sha512 = EVP_MD_fetch(NULL, "SHA512", NULL);
}

static const EVP_MD *digest_for(int bits) {
    pthread_once(&digests_once, fetch_digests);
    switch (bits) {
    case 256: return fetched_sha256;
    case 384: return fetched_sha384;
    case 512: return fetched_sha512;
    default: return NULL;
    }
}

static EVP_PKEY *key_from_params(const char *type, OSSL_PARAM_BLD *builder) {
    EVP_PKEY *key = NULL;
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(builder);
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    if (params == NULL || context == NULL || EVP_PKEY_fromdata_init(context) != 1 ||
        EVP_PKEY_fromdata(context, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
        key = NULL;
    }
    EVP_PKEY_CTX_free(context);
    OSSL_PARAM_free(params);
    return key;
}

EVP_PKEY *tgssl_rsa_public_key(const uint8_t *n, size_t n_len, const uint8_t *e, size_t e_len) {
    EVP_PKEY *key = NULL;
    BIGNUM *modulus = BN_bin2bn(n, (int)n_len, NULL);
    BIGNUM *exponent = BN_bin2bn(e, (int)e_len, NULL);
    OSSL_PARAM_BLD *builder = OSSL_PARAM_BLD_new();
    if (modulus != NULL && exponent != NULL && builder != NULL &&
        OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, modulus) == 1 &&
        OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, exponent) == 1) {
        key = key_from_params("RSA", builder);
    }
    OSSL_PARAM_BLD_free(builder);
    BN_free(modulus);
    BN_free(exponent);
    return key;
}

static const char *openssl_group_name(const char *jose_name) {
    if (strcmp(jose_name, "P-256") == 0) return "prime256v1";
    if (strcmp(jose_name, "P-384") == 0) return "secp384r1";
    if (strcmp(jose_name, "P-521") == 0) return "secp521r1";
    return NULL;
}

// The import decodes the point; the public check then confirms it lies on the curve and
// is not the point at infinity, whatever the provider's import does on its own.
static int public_key_is_valid(EVP_PKEY *key) {
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    int valid = context != NULL && EVP_PKEY_public_check(context) == 1;
    EVP_PKEY_CTX_free(context);
    return valid;
}

EVP_PKEY *tgssl_ec_public_key(const char *group, const uint8_t *x, const uint8_t *y,
                              size_t coordinate_len) {
    const char *name = openssl_group_name(group);
    if (name == NULL || coordinate_len == 0 || coordinate_len > 66) return NULL;
    uint8_t point[1 + 2 * 66];
    point[0] = 0x04;
    memcpy(point + 1, x, coordinate_len);
    memcpy(point + 1 + coordinate_len, y, coordinate_len);

    EVP_PKEY *key = NULL;
    OSSL_PARAM_BLD *builder = OSSL_PARAM_BLD_new();
    if (builder != NULL &&
        OSSL_PARAM_BLD_push_utf8_string(builder, OSSL_PKEY_PARAM_GROUP_NAME, name, 0) == 1 &&
        OSSL_PARAM_BLD_push_octet_string(builder, OSSL_PKEY_PARAM_PUB_KEY, point,
                                         1 + 2 * coordinate_len) == 1) {
        key = key_from_params("EC", builder);
    }
    OSSL_PARAM_BLD_free(builder);
    if (key != NULL && (tgssl_ec_field_bytes(key) != (int)coordinate_len ||
                        !public_key_is_valid(key))) {
        EVP_PKEY_free(key);
        key = NULL;
    }
    return key;
}

EVP_PKEY *tgssl_ed25519_public_key(const uint8_t *x, size_t x_len) {
    if (x_len != 32) return NULL;
    return EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, x, x_len);
}

EVP_PKEY *tgssl_certificate_public_key(const uint8_t *der, size_t der_len) {
    const unsigned char *cursor = der;
    X509 *certificate = d2i_X509(NULL, &cursor, (long)der_len);
    if (certificate == NULL) return NULL;
    EVP_PKEY *key = NULL;
    if (cursor == der + der_len) key = X509_get_pubkey(certificate);
    X509_free(certificate);
    return key;
}

// A passphrase callback that refuses: an encrypted key must fail, never prompt on a tty.
static int refuse_passphrase(char *buffer, int size, int rwflag, void *user) {
    (void)buffer; (void)size; (void)rwflag; (void)user;
    return -1;
}

EVP_PKEY *tgssl_private_key_from_pem(const char *pem, size_t pem_len) {
    BIO *bio = BIO_new_mem_buf(pem, (int)pem_len);
    if (bio == NULL) return NULL;
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, refuse_passphrase, NULL);
    BIO_free(bio);
    return key;
}

char *tgssl_private_key_to_pem(EVP_PKEY *key, size_t *pem_len) {
    BIO *bio = BIO_new(BIO_s_mem());
    char *copy = NULL;
    if (bio != NULL && PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL) == 1) {
        char *data = NULL;
        long length = BIO_get_mem_data(bio, &data);
        copy = OPENSSL_malloc((size_t)length + 1);
        if (copy != NULL) {
            memcpy(copy, data, (size_t)length);
            copy[length] = '\0';
            *pem_len = (size_t)length;
        }
    }
    BIO_free(bio);
    return copy;
}

EVP_PKEY *tgssl_generate_key(tgssl_key_kind kind, int rsa_bits, const char *group) {
    switch (kind) {
    case TGSSL_KEY_RSA: return EVP_RSA_gen((unsigned int)rsa_bits);
    case TGSSL_KEY_EC: {
        const char *name = openssl_group_name(group);
        return name == NULL ? NULL : EVP_EC_gen(name);
    }
    case TGSSL_KEY_ED25519: return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    default: return NULL;
    }
}

tgssl_key_kind tgssl_key_kind_of(const EVP_PKEY *key) {
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: return TGSSL_KEY_RSA;
    case EVP_PKEY_EC: return TGSSL_KEY_EC;
    case EVP_PKEY_ED25519: return TGSSL_KEY_ED25519;
    default: return TGSSL_KEY_OTHER;
    }
}

int tgssl_ec_field_bytes(const EVP_PKEY *key) {
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return 0;
    return (EVP_PKEY_get_bits(key) + 7) / 8;
}

int tgssl_ec_group_name(const EVP_PKEY *key, char *name, size_t name_capacity) {
    char openssl_name[64];
    size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, openssl_name,
                                       sizeof openssl_name, &length) != 1) {
        return 0;
    }
    const char *jose_name = NULL;
    if (strcmp(openssl_name, "prime256v1") == 0) jose_name = "P-256";
    if (strcmp(openssl_name, "secp384r1") == 0) jose_name = "P-384";
    if (strcmp(openssl_name, "secp521r1") == 0) jose_name = "P-521";
    if (jose_name == NULL || strlen(jose_name) + 1 > name_capacity) return 0;
    strcpy(name, jose_name);
    return 1;
}

int tgssl_ec_public_coordinates(const EVP_PKEY *key, uint8_t *x, uint8_t *y, size_t capacity) {
    int field = tgssl_ec_field_bytes(key);
    BIGNUM *bx = NULL, *by = NULL;
    int ok = field > 0 && (size_t)field <= capacity &&
             EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &bx) == 1 &&
             EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &by) == 1 &&
             BN_bn2binpad(bx, x, field) == field && BN_bn2binpad(by, y, field) == field;
    BN_free(bx);
    BN_free(by);
    return ok;
}

static int copy_bn_param(const EVP_PKEY *key, const char *name, uint8_t *out, size_t *len) {
    BIGNUM *value = NULL;
    if (EVP_PKEY_get_bn_param(key, name, &value) != 1) return 0;
    size_t needed = (size_t)BN_num_bytes(value);
    int ok = needed <= *len && BN_bn2bin(value, out) == (int)needed;
    *len = needed;
    BN_free(value);
    return ok;
}

int tgssl_rsa_public_numbers(const EVP_PKEY *key, uint8_t *n, size_t *n_len, uint8_t *e,
                             size_t *e_len) {
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) return 0;
    return copy_bn_param(key, OSSL_PKEY_PARAM_RSA_N, n, n_len) &&
           copy_bn_param(key, OSSL_PKEY_PARAM_RSA_E, e, e_len);
}

int tgssl_keys_equal(const EVP_PKEY *a, const EVP_PKEY *b) {
    return EVP_PKEY_eq(a, b) == 1;
}

// Wraps R||S (each `field` bytes) as the DER ECDSA-Sig-Value OpenSSL verifies.
static int raw_to_der(const uint8_t *raw, size_t field, uint8_t *der, size_t capacity) {
    ECDSA_SIG *signature = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(raw, (int)field, NULL);
    BIGNUM *s = BN_bin2bn(raw + field, (int)field, NULL);
    if (signature == NULL || r == NULL || s == NULL || ECDSA_SIG_set0(signature, r, s) != 1) {
        ECDSA_SIG_free(signature);
        BN_free(r);
        BN_free(s);
        return -1;
    }
    int length = i2d_ECDSA_SIG(signature, NULL);
    if (length > 0 && (size_t)length <= capacity) {
        uint8_t *cursor = der;
        length = i2d_ECDSA_SIG(signature, &cursor);
    } else {
        length = -1;
    }
    ECDSA_SIG_free(signature);
    return length;
}

static int configure_pss(EVP_PKEY_CTX *context, const EVP_MD *digest) {
    return EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PSS_PADDING) > 0 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(context, RSA_PSS_SALTLEN_DIGEST) > 0 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md(context, digest) > 0;
}

static int scheme_fits_key(tgssl_scheme scheme, const EVP_PKEY *key) {
    tgssl_key_kind kind = tgssl_key_kind_of(key);
    switch (scheme) {
    case TGSSL_SCHEME_RSA_PKCS1:
    case TGSSL_SCHEME_RSA_PSS: return kind == TGSSL_KEY_RSA;
    case TGSSL_SCHEME_ECDSA: return kind == TGSSL_KEY_EC;
    case TGSSL_SCHEME_EDDSA: return kind == TGSSL_KEY_ED25519;
    default: return 0;
    }
}

// Each thread keeps a few verification contexts, one per (key, scheme, digest), already
// initialised: EVP_DigestVerifyInit would otherwise look up the signature algorithm in the
// provider tables on every token. A context holds a reference to its key, so a cached
// pointer can never name another key; the oldest entry is dropped when the cache is full.
#define VERIFY_CACHE_SIZE 16

typedef struct {
    EVP_PKEY *key;
    tgssl_scheme scheme;
    int digest_bits;
    EVP_PKEY_CTX *context;
} verify_cache_entry;

static _Thread_local verify_cache_entry verify_cache[VERIFY_CACHE_SIZE];
static _Thread_local unsigned verify_cache_next;

static EVP_PKEY_CTX *new_verify_context(EVP_PKEY *key, tgssl_scheme scheme,
                                        const EVP_MD *digest) {
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    int ok = context != NULL && EVP_PKEY_verify_init(context) == 1 &&
             EVP_PKEY_CTX_set_signature_md(context, digest) > 0 &&
             (scheme != TGSSL_SCHEME_RSA_PSS || configure_pss(context, digest));
    if (!ok) {
        EVP_PKEY_CTX_free(context);
        return NULL;
    }
    return context;
}

static EVP_PKEY_CTX *cached_verify_context(EVP_PKEY *key, tgssl_scheme scheme, int bits,
                                           const EVP_MD *digest) {
    for (unsigned index = 0; index < VERIFY_CACHE_SIZE; index++) {
        verify_cache_entry *entry = &verify_cache[index];
        if (entry->key == key && entry->scheme == scheme && entry->digest_bits == bits) {
            return entry->context;
        }
    }
    EVP_PKEY_CTX *context = new_verify_context(key, scheme, digest);
    if (context == NULL) return NULL;
    verify_cache_entry *slot = &verify_cache[verify_cache_next++ % VERIFY_CACHE_SIZE];
    EVP_PKEY_CTX_free(slot->context);
    *slot = (verify_cache_entry){key, scheme, bits, context};
    return context;
}

int tgssl_verify(EVP_PKEY *key, tgssl_scheme scheme, int digest_bits, const uint8_t *message,
                 size_t message_len, const uint8_t *signature, size_t signature_len) {
    const EVP_MD *digest = scheme == TGSSL_SCHEME_EDDSA ? NULL : digest_for(digest_bits);
    if (!scheme_fits_key(scheme, key) || (scheme != TGSSL_SCHEME_EDDSA && digest == NULL)) {
        return -1;
    }
    uint8_t der[160];
    if (scheme == TGSSL_SCHEME_ECDSA) {
        size_t field = (size_t)tgssl_ec_field_bytes(key);
        if (signature_len != 2 * field) return 0;
        int der_len = raw_to_der(signature, field, der, sizeof der);
        if (der_len < 0) return -1;
        signature = der;
        signature_len = (size_t)der_len;
    }

    int result = -1;
    if (scheme == TGSSL_SCHEME_EDDSA) {
        // Ed25519 hashes the message itself and verifies only in one shot (RFC 8032).
        EVP_MD_CTX *context = EVP_MD_CTX_new();
        if (context != NULL && EVP_DigestVerifyInit(context, NULL, NULL, NULL, key) == 1) {
            result = EVP_DigestVerify(context, signature, signature_len, message, message_len)
                     == 1;
        }
        EVP_MD_CTX_free(context);
    } else {
        uint8_t hash[EVP_MAX_MD_SIZE];
        unsigned int hash_len = 0;
        EVP_PKEY_CTX *context = cached_verify_context(key, scheme, digest_bits, digest);
        if (context != NULL &&
            EVP_Digest(message, message_len, hash, &hash_len, digest, NULL) == 1) {
            result = EVP_PKEY_verify(context, signature, signature_len, hash, hash_len) == 1;
        }
    }
    ERR_clear_error();
    return result;
}

static int der_to_raw(const uint8_t *der, size_t der_len, size_t field, uint8_t *raw) {
    const unsigned char *cursor = der;
    ECDSA_SIG *signature = d2i_ECDSA_SIG(NULL, &cursor, (long)der_len);
    if (signature == NULL) return 0;
    const BIGNUM *r = NULL, *s = NULL;
    ECDSA_SIG_get0(signature, &r, &s);
    int ok = BN_bn2binpad(r, raw, (int)field) == (int)field &&
             BN_bn2binpad(s, raw + field, (int)field) == (int)field;
    ECDSA_SIG_free(signature);
    return ok;
}

int tgssl_sign(EVP_PKEY *key, tgssl_scheme scheme, int digest_bits, const uint8_t *message,
               size_t message_len, uint8_t *signature, size_t *signature_len) {
    const EVP_MD *digest = scheme == TGSSL_SCHEME_EDDSA ? NULL : digest_for(digest_bits);
    if (!scheme_fits_key(scheme, key) || (scheme != TGSSL_SCHEME_EDDSA && digest == NULL)) {
        return 0;
    }
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    EVP_PKEY_CTX *key_context = NULL;
    uint8_t der[1024];
    size_t produced = sizeof der;
    uint8_t *out = scheme == TGSSL_SCHEME_ECDSA ? der : signature;
    if (scheme != TGSSL_SCHEME_ECDSA) produced = *signature_len;
    int ok = context != NULL &&
             EVP_DigestSignInit(context, &key_context, digest, NULL, key) == 1 &&
             (scheme != TGSSL_SCHEME_RSA_PSS || configure_pss(key_context, digest)) &&
             EVP_DigestSign(context, out, &produced, message, message_len) == 1;
    EVP_MD_CTX_free(context);
    if (ok && scheme == TGSSL_SCHEME_ECDSA) {
        size_t field = (size_t)tgssl_ec_field_bytes(key);
        ok = 2 * field <= *signature_len && der_to_raw(der, produced, field, signature);
        produced = 2 * field;
    }
    if (ok) *signature_len = produced;
    return ok;
}

size_t tgssl_hmac(int digest_bits, const uint8_t *secret, size_t secret_len,
                  const uint8_t *message, size_t message_len, uint8_t *mac) {
    const EVP_MD *digest = digest_for(digest_bits);
    unsigned int length = 0;
    if (digest == NULL || secret_len == 0 ||
        HMAC(digest, secret, (int)secret_len, message, message_len, mac, &length) == NULL) {
        return 0;
    }
    return length;
}

int tgssl_sha256(const uint8_t *data, size_t data_len, uint8_t *digest) {
    unsigned int length = 0;
    return EVP_Digest(data, data_len, digest, &length, digest_for(256), NULL) == 1 &&
           length == 32;
}

int tgssl_take_error(char *text, size_t text_capacity) {
    unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0 || text_capacity == 0) return 0;
    ERR_error_string_n(code, text, text_capacity);
    return 1;
}

void tgssl_free(void *pointer) {
    OPENSSL_free(pointer);
}

// ALPN: HTTP/1.1 is all a listener speaks; a client that offers only other protocols gets
// the no_application_protocol alert (RFC 7301 §3.2), one that offers none is not asked.
static const unsigned char served_protocols[] = "\x08http/1.1";

static int select_protocol(SSL *session, const unsigned char **out, unsigned char *out_len,
                           const unsigned char *offered, unsigned int offered_len, void *arg) {
    (void)session; (void)arg;
    unsigned char *selected = NULL;
    if (SSL_select_next_proto(&selected, out_len, served_protocols,
                              sizeof served_protocols - 1, offered, offered_len)
        != OPENSSL_NPN_NEGOTIATED) {
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
}

// Writes "prefix: <oldest queued OpenSSL error>" and empties the queue.
static void describe_failure(char *error, size_t capacity, const char *prefix) {
    char reason[256] = "no detail from OpenSSL";
    unsigned long code = ERR_peek_last_error();
    if (code != 0) ERR_error_string_n(code, reason, sizeof reason);
    ERR_clear_error();
    snprintf(error, capacity, "%s: %s", prefix, reason);
}

static EVP_PKEY *read_private_key_file(const char *path) {
    BIO *file = BIO_new_file(path, "r");
    if (file == NULL) return NULL;
    EVP_PKEY *key = PEM_read_bio_PrivateKey(file, NULL, refuse_passphrase, NULL);
    BIO_free(file);
    return key;
}

SSL_CTX *tgssl_server_context_new(const char *certificate_file, const char *key_file,
                                  char *error, size_t error_capacity) {
    char prefix[1200];
    ERR_clear_error();
    SSL_CTX *context = SSL_CTX_new(TLS_server_method());
    if (context == NULL) {
        describe_failure(error, error_capacity, "cannot create a TLS context");
        return NULL;
    }
    SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
    // A client that drops the connection without close_notify reads as a close: HTTP's own
    // framing tells a cut-short body from a whole one.
    SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                                     SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE |
                                  SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                                  SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_session_id_context(context, (const unsigned char *)"tokengate", 9);
    SSL_CTX_set_alpn_select_cb(context, select_protocol, NULL);

    if (SSL_CTX_use_certificate_chain_file(context, certificate_file) != 1) {
        snprintf(prefix, sizeof prefix, "cannot load the certificate chain %s",
                 certificate_file);
        describe_failure(error, error_capacity, prefix);
        SSL_CTX_free(context);
        return NULL;
    }
    EVP_PKEY *key = read_private_key_file(key_file);
    if (key == NULL) {
        snprintf(prefix, sizeof prefix, "cannot load the private key %s", key_file);
        describe_failure(error, error_capacity, prefix);
        SSL_CTX_free(context);
        return NULL;
    }
    // Checked here, since SSL_CTX_use_PrivateKey drops a mismatching certificate quietly.
    X509 *leaf = SSL_CTX_get0_certificate(context);
    if (leaf == NULL || X509_check_private_key(leaf, key) != 1) {
        ERR_clear_error();
        snprintf(error, error_capacity, "the private key %s does not match the certificate %s",
                 key_file, certificate_file);
        EVP_PKEY_free(key);
        SSL_CTX_free(context);
        return NULL;
    }
    int used = SSL_CTX_use_PrivateKey(context, key) == 1 &&
               SSL_CTX_check_private_key(context) == 1;
    EVP_PKEY_free(key);
    if (!used) {
        snprintf(prefix, sizeof prefix, "cannot use the private key %s", key_file);
        describe_failure(error, error_capacity, prefix);
        SSL_CTX_free(context);
        return NULL;
    }
    return context;
}

SSL *tgssl_session_new(SSL_CTX *context, int fd) {
    SSL *session = SSL_new(context);
    if (session == NULL) {
        ERR_clear_error();
        return NULL;
    }
    if (SSL_set_fd(session, fd) != 1) {
        ERR_clear_error();
        SSL_free(session);
        return NULL;
    }
    SSL_set_accept_state(session);
    return session;
}

// Maps the outcome of a failed operation; every path leaves the thread's error queue empty,
// so that the next session on this thread starts clean.
static int io_status(SSL *session, int result) {
    int reason = SSL_get_error(session, result);
    ERR_clear_error();
    switch (reason) {
    case SSL_ERROR_WANT_READ: return TGSSL_IO_WANT_READ;
    case SSL_ERROR_WANT_WRITE: return TGSSL_IO_WANT_WRITE;
    case SSL_ERROR_ZERO_RETURN: return TGSSL_IO_CLOSED;
    default: return TGSSL_IO_FAILED;
    }
}

int tgssl_session_handshake(SSL *session) {
    ERR_clear_error();
    int result = SSL_do_handshake(session);
    return result == 1 ? 1 : io_status(session, result);
}

long tgssl_session_read(SSL *session, void *buffer, size_t capacity) {
    ERR_clear_error();
    size_t read = 0;
    int result = SSL_read_ex(session, buffer, capacity, &read);
    return result == 1 ? (long)read : io_status(session, result);
}

long tgssl_session_write(SSL *session, const void *bytes, size_t count) {
    ERR_clear_error();
    size_t written = 0;
    int result = SSL_write_ex(session, bytes, count, &written);
    return result == 1 ? (long)written : io_status(session, result);
}

void tgssl_session_close(SSL *session) {
    SSL_shutdown(session);
    ERR_clear_error();
}
