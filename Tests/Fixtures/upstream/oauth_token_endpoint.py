#!/usr/bin/env python3
"""A stand-in OAuth 2.0 token endpoint for the client credentials grant (standard library only).

    oauth_token_endpoint.py --client-id ID --client-secret-file FILE --token-file FILE
                            --port-file FILE --record FILE [--expires-in SECONDS]

It stands in for the authorization server a Prometheus `oauth2:` block asks for its token
(RFC 6749 §4.4). It listens on 127.0.0.1 on a port the kernel picks and writes that port to
--port-file (whole, by rename) once it accepts. It answers `POST /token` only:

    client authenticated (HTTP Basic, RFC 6749 §2.3.1, or client_id and client_secret in the
    form body) and grant_type=client_credentials
        200 {"access_token": the --token-file's text, "token_type": "Bearer",
             "expires_in": --expires-in (default 300)}, Cache-Control: no-store
    wrong or missing client credentials
        401 {"error": "invalid_client"} with WWW-Authenticate: Basic realm="token"
    another grant_type
        400 {"error": "unsupported_grant_type"}
    any other method or path
        404

The --token-file is read anew for every request, so the test writes the token it minted
there (by rename) before or after the endpoint starts. Every request is appended to
--record as one JSON line before it is answered, without the secret:

    {"method", "path", "client_id" (or null), "client_auth" ("basic", "body" or "none"),
     "grant_type" (or null), "scope" (or null), "status"}
"""

import argparse
import base64
import http.server
import json
import os
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode("ascii", "replace"))
        if self.path != "/token":
            self.write_record(None, "none", form, 404)
            self.answer(404, {"error": "not_found"})
            return
        client_id, secret, client_auth = self.client_credentials(form)
        grant_type = first(form, "grant_type")
        if client_id != self.server.client_id or secret != self.server.client_secret:
            self.write_record(client_id, client_auth, form, 401)
            self.answer(401, {"error": "invalid_client"},
                        [("WWW-Authenticate", 'Basic realm="token"')])
        elif grant_type != "client_credentials":
            self.write_record(client_id, client_auth, form, 400)
            self.answer(400, {"error": "unsupported_grant_type"})
        else:
            self.write_record(client_id, client_auth, form, 200)
            with open(self.server.token_path) as token_file:
                token = token_file.read().strip()
            self.answer(200, {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": self.server.expires_in,
            }, [("Cache-Control", "no-store")])

    def do_GET(self):
        self.write_record(None, "none", {}, 404)
        self.answer(404, {"error": "not_found"})

    def client_credentials(self, form):
        """The client id, secret and how they came: Basic first, then the form body."""
        authorization = self.headers.get("Authorization", "")
        if authorization.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(authorization[6:].strip()).decode("utf-8")
            except ValueError:
                return None, None, "basic"
            name, _, secret = decoded.partition(":")
            # RFC 6749 §2.3.1: both are form-urlencoded before they are joined.
            return urllib.parse.unquote_plus(name), urllib.parse.unquote_plus(secret), "basic"
        if "client_id" in form:
            return first(form, "client_id"), first(form, "client_secret"), "body"
        return None, None, "none"

    def write_record(self, client_id, client_auth, form, status):
        record = {
            "method": self.command,
            "path": self.path,
            "client_id": client_id,
            "client_auth": client_auth,
            "grant_type": first(form, "grant_type"),
            "scope": first(form, "scope"),
            "status": status,
        }
        with open(self.server.record_path, "a") as record_file:
            record_file.write(json.dumps(record) + "\n")

    def answer(self, status, document, headers=()):
        body = json.dumps(document).encode()
        self.send_response_only(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


def first(form, name):
    values = form.get(name)
    return values[0] if values else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret-file", required=True)
    parser.add_argument("--token-file", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--expires-in", type=int, default=300)
    arguments = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.client_id = arguments.client_id
    with open(arguments.client_secret_file) as secret_file:
        server.client_secret = secret_file.read().strip()
    server.token_path = os.path.abspath(arguments.token_file)
    server.record_path = os.path.abspath(arguments.record)
    server.expires_in = arguments.expires_in
    partial = arguments.port_file + ".partial"
    with open(partial, "w") as port_file:
        port_file.write(str(server.server_address[1]))
    os.rename(partial, arguments.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
