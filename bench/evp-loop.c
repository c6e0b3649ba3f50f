// evp-loop: the plain C baseline for bench/verify. It verifies one signature over one
// signing input with the bare EVP calls a careful C program makes per token, in a loop, on
// the calling thread, and prints verifications per second of CPU time (and of real time).
//
//   evp-loop ALG PUBLIC_KEY.pem SIGNING_INPUT SIGNATURE SECONDS
//
// ALG is RS256, PS256, ES256 or EdDSA; SIGNATURE is the decoded JWS signature (raw R||S
// for ES256, converted to DER once before timing). Build: gcc -O2 bench/evp-loop.c -lcrypto

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

enum scheme { SCHEME_PKCS1, SCHEME_PSS, SCHEME_ECDSA, SCHEME_EDDSA };

static void die(const char *message) {
    fprintf(stderr, "evp-loop: FAILED: %s\n", message);
    ERR_print_errors_fp(stderr);
    exit(1);
}

static unsigned char *read_file(const char *path, size_t *length) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) die("cannot open an input file");
    size_t capacity = 4096, used = 0;
    unsigned char *data = malloc(capacity);
    size_t count;
    while (data != NULL && (count = fread(data + used, 1, capacity - used, file)) > 0) {
        used += count;
        if (used == capacity) data = realloc(data, capacity *= 2);
    }
    if (data == NULL || ferror(file)) die("cannot read an input file");
    fclose(file);
    *length = used;
    return data;
}

static double seconds_of(clockid_t clock) {
    struct timespec now;
    clock_gettime(clock, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

// Replaces a raw R||S signature by its DER ECDSA-Sig-Value, as OpenSSL wants it.
static unsigned char *ecdsa_raw_to_der(const unsigned char *raw, size_t raw_length,
                                       size_t *der_length) {
    size_t half = raw_length / 2;
    ECDSA_SIG *signature = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(raw, (int)half, NULL);
    BIGNUM *s = BN_bin2bn(raw + half, (int)half, NULL);
    if (raw_length != 64 || signature == NULL || r == NULL || s == NULL ||
        ECDSA_SIG_set0(signature, r, s) != 1) {
        die("the ES256 signature is not 64 bytes of R||S");
    }
    unsigned char *der = NULL;
    int length = i2d_ECDSA_SIG(signature, &der);
    if (length <= 0) die("i2d_ECDSA_SIG");
    ECDSA_SIG_free(signature);
    *der_length = (size_t)length;
    return der;
}

// One verification from scratch, as for a new token: a fresh context each time.
static int verify_once(EVP_PKEY *key, enum scheme scheme, const unsigned char *signature,
                       size_t signature_length, const unsigned char *message,
                       size_t message_length) {
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    EVP_PKEY_CTX *key_context = NULL;
    const EVP_MD *digest = scheme == SCHEME_EDDSA ? NULL : EVP_sha256();
    int ok = context != NULL &&
             EVP_DigestVerifyInit(context, &key_context, digest, NULL, key) == 1;
    if (ok && scheme == SCHEME_PSS) {
        ok = EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PSS_PADDING) > 0 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(key_context, RSA_PSS_SALTLEN_DIGEST) > 0 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(key_context, EVP_sha256()) > 0;
    }
    ok = ok && EVP_DigestVerify(context, signature, signature_length, message,
                                message_length) == 1;
    EVP_MD_CTX_free(context);
    return ok;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: evp-loop RS256|PS256|ES256|EdDSA KEY.pem SIGNING_INPUT "
                        "SIGNATURE SECONDS\n");
        return 2;
    }
    enum scheme scheme;
    if (strcmp(argv[1], "RS256") == 0) scheme = SCHEME_PKCS1;
    else if (strcmp(argv[1], "PS256") == 0) scheme = SCHEME_PSS;
    else if (strcmp(argv[1], "ES256") == 0) scheme = SCHEME_ECDSA;
    else if (strcmp(argv[1], "EdDSA") == 0) scheme = SCHEME_EDDSA;
    else die("unknown algorithm");
    double seconds = atof(argv[5]);
    if (!(seconds > 0)) die("SECONDS must be positive");

    FILE *pem = fopen(argv[2], "r");
    if (pem == NULL) die("cannot open the key");
    EVP_PKEY *key = PEM_read_PUBKEY(pem, NULL, NULL, NULL);
    fclose(pem);
    if (key == NULL) die("the key is not a PEM public key");

    size_t message_length, signature_length;
    unsigned char *message = read_file(argv[3], &message_length);
    unsigned char *signature = read_file(argv[4], &signature_length);
    if (scheme == SCHEME_ECDSA) {
        unsigned char *der = ecdsa_raw_to_der(signature, signature_length, &signature_length);
        free(signature);
        signature = der;
    }
    if (!verify_once(key, scheme, signature, signature_length, message, message_length)) {
        die("the signature does not verify");
    }

    // The clock is read once per batch, and the rate is per second of this thread's CPU
    // time, as in verify-bench.
    const int batch = 16;
    long count = 0;
    double start = seconds_of(CLOCK_MONOTONIC), elapsed = 0;
    double cpu_start = seconds_of(CLOCK_THREAD_CPUTIME_ID);
    while (elapsed < seconds) {
        for (int index = 0; index < batch; index++) {
            if (!verify_once(key, scheme, signature, signature_length, message,
                             message_length)) {
                fprintf(stderr, "evp-loop: verification %ld failed\n", count);
                die("a verification failed");
            }
            count++;
        }
        elapsed = seconds_of(CLOCK_MONOTONIC) - start;
    }
    double cpu = seconds_of(CLOCK_THREAD_CPUTIME_ID) - cpu_start;
    printf("evp-loop %s rate=%ld wall_rate=%ld count=%ld cpu_seconds=%f seconds=%f\n", argv[1],
           (long)((double)count / cpu + 0.5), (long)((double)count / elapsed + 0.5), count, cpu,
           elapsed);
    EVP_PKEY_free(key);
    return 0;
}
