/*
 * mint-tokens: many distinct tokens for bench/auth, faster than one `tokengate mint` process
 * per token (about 14 ms each, most of it process start).
 *
 *   mint-tokens KEY.pem TEMPLATE FIRST COUNT
 *
 * TEMPLATE is a token that `tokengate mint` signed with KEY. Each new token keeps its header
 * as it is, and its claims with `"jti":"bench-N"` put in front (N from FIRST to
 * FIRST + COUNT - 1), and is signed anew with KEY: RS256 (RSA PKCS#1 v1.5) or ES256 (P-256,
 * the DER signature turned into the 64 bytes of r and s). One token a line on stdout.
 *
 * Build: gcc -O2 -Wall -o mint-tokens bench/mint-tokens.c -lcrypto
 */
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *message) {
    fprintf(stderr, "mint-tokens: %s\n", message);
    exit(1);
}

static void *allocate(size_t size) {
    void *memory = malloc(size);
    if (memory == NULL) fail("out of memory");
    return memory;
}

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Unpadded base64url of LENGTH bytes, written to OUT (room for LENGTH * 4 / 3 + 4). */
static size_t encode(const unsigned char *bytes, size_t length, char *out) {
    size_t used = 0, index;
    for (index = 0; index + 2 < length; index += 3) {
        unsigned long group =
            (unsigned long)bytes[index] << 16 | bytes[index + 1] << 8 | bytes[index + 2];
        out[used++] = alphabet[group >> 18 & 63];
        out[used++] = alphabet[group >> 12 & 63];
        out[used++] = alphabet[group >> 6 & 63];
        out[used++] = alphabet[group & 63];
    }
    if (length - index == 1) {
        out[used++] = alphabet[bytes[index] >> 2];
        out[used++] = alphabet[(bytes[index] & 3) << 4];
    } else if (length - index == 2) {
        unsigned long group = (unsigned long)bytes[index] << 8 | bytes[index + 1];
        out[used++] = alphabet[group >> 10 & 63];
        out[used++] = alphabet[group >> 4 & 63];
        out[used++] = alphabet[(group & 15) << 2];
    }
    out[used] = '\0';
    return used;
}

/* Decodes LENGTH characters of unpadded base64url into OUT; returns the byte count. */
static size_t decode(const char *text, size_t length, unsigned char *out) {
    unsigned long group = 0;
    size_t used = 0, index;
    int bits = 0;
    for (index = 0; index < length; index++) {
        const char *found = memchr(alphabet, text[index], 64);
        if (found == NULL) fail("the template is not base64url");
        group = group << 6 | (unsigned long)(found - alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[used++] = (unsigned char)(group >> bits & 255);
        }
    }
    return used;
}

int main(int argc, char **argv) {
    if (argc != 5) fail("usage: mint-tokens KEY.pem TEMPLATE FIRST COUNT");
    long first = atol(argv[3]), count = atol(argv[4]);

    FILE *file = fopen(argv[1], "r");
    if (file == NULL) fail("cannot open the key");
    EVP_PKEY *key = PEM_read_PrivateKey(file, NULL, NULL, NULL);
    fclose(file);
    if (key == NULL) fail("cannot read the key");
    int is_ec = EVP_PKEY_base_id(key) == EVP_PKEY_EC;
    if (!is_ec && EVP_PKEY_base_id(key) != EVP_PKEY_RSA) fail("the key is neither RSA nor EC");
    if (is_ec && EVP_PKEY_bits(key) != 256) fail("an EC key must be P-256");

    const char *template = argv[2];
    const char *dot = strchr(template, '.');
    const char *second_dot = dot ? strchr(dot + 1, '.') : NULL;
    if (second_dot == NULL) fail("the template is not a compact JWS");
    size_t header_length = (size_t)(dot - template);

    /* The header must name the algorithm this key signs with. */
    unsigned char *header = allocate(header_length + 1);
    header[decode(template, header_length, header)] = '\0';
    if (strstr((char *)header, is_ec ? "\"ES256\"" : "\"RS256\"") == NULL)
        fail(is_ec ? "the template's header is not ES256" : "the template's header is not RS256");
    free(header);

    size_t payload_length = (size_t)(second_dot - dot - 1);
    unsigned char *claims = allocate(payload_length + 1);
    size_t claims_length = decode(dot + 1, payload_length, claims);
    claims[claims_length] = '\0';
    if (claims_length < 2 || claims[0] != '{' || claims[1] == '}')
        fail("the template's claims are not a non-empty JSON object");

    size_t room = claims_length + 64;
    char *new_claims = allocate(room);
    char *input = allocate(header_length + 1 + room * 4 / 3 + 8);
    memcpy(input, template, header_length + 1);
    unsigned char signature[1024];
    char encoded_signature[sizeof signature * 4 / 3 + 8];

    for (long number = first; number < first + count; number++) {
        int length = snprintf(new_claims, room, "{\"jti\":\"bench-%ld\",%s", number,
                              (char *)claims + 1);
        if (length < 0 || (size_t)length >= room) fail("claims too long");
        size_t input_length = header_length + 1 +
            encode((unsigned char *)new_claims, (size_t)length, input + header_length + 1);

        EVP_MD_CTX *context = EVP_MD_CTX_new();
        size_t signature_length = sizeof signature;
        if (context == NULL || EVP_DigestSignInit(context, NULL, EVP_sha256(), NULL, key) != 1 ||
            EVP_DigestSign(context, signature, &signature_length, (unsigned char *)input,
                           input_length) != 1)
            fail("signing failed");
        EVP_MD_CTX_free(context);

        if (is_ec) {
            /* JWS wants r and s, 32 bytes each, not OpenSSL's DER. */
            const unsigned char *cursor = signature;
            ECDSA_SIG *pair = d2i_ECDSA_SIG(NULL, &cursor, (long)signature_length);
            const BIGNUM *r, *s;
            if (pair == NULL) fail("cannot read an ECDSA signature");
            ECDSA_SIG_get0(pair, &r, &s);
            if (BN_bn2binpad(r, signature, 32) != 32 || BN_bn2binpad(s, signature + 32, 32) != 32)
                fail("an ECDSA signature does not fit 64 bytes");
            ECDSA_SIG_free(pair);
            signature_length = 64;
        }
        encode(signature, signature_length, encoded_signature);
        printf("%.*s.%s\n", (int)input_length, input, encoded_signature);
    }
    if (fflush(stdout) != 0) fail("cannot write the tokens");
    EVP_PKEY_free(key);
    free(claims);
    free(new_claims);
    free(input);
    return 0;
}
