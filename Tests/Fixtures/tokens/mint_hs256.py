"""Signs a JWT with HS256 for the tests of HMAC issuers (tokengate mint signs with PEM keys
only). Usage: mint_hs256.py SECRET_FILE CLAIMS_JSON; `iat`, `nbf` and `exp` (5 minutes) are
added when absent. Written for these tests."""

import base64
import hashlib
import hmac
import json
import sys
import time


def segment(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def main():
    with open(sys.argv[1], "rb") as source:
        secret = source.read()
    claims = json.loads(sys.argv[2])
    now = int(time.time())
    claims.setdefault("iat", now)
    claims.setdefault("nbf", now)
    claims.setdefault("exp", now + 300)
    header = segment(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = segment(json.dumps(claims).encode())
    signing_input = (header + "." + payload).encode()
    signature = hmac.new(secret, signing_input, hashlib.sha256).digest()
    print(header + "." + payload + "." + segment(signature))


main()
