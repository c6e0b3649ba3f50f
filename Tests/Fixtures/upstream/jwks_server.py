#!/usr/bin/env python3
"""A stand-in key source for the KeySets tests (standard library only).

    jwks_server.py --jwks FILE --port-file FILE [--record FILE]

It listens on 127.0.0.1 on a port the kernel picks and writes that port to --port-file
(whole, by rename) once it accepts. The --jwks file is read anew for every request, so a
test rotates the keys by replacing it (by rename, so that no request reads half a file).
With --record, the path of every request is appended to that file as one line before the
request is answered, so that a test can count the fetches. It answers GET by path:

    /jwks                              200, the --jwks file, Cache-Control: max-age=120
    /jwks/expires                      200, the --jwks file, Date now, Expires 300 s later
    /.well-known/openid-configuration  200, issuer http://127.0.0.1:PORT and
                                       jwks_uri http://127.0.0.1:PORT/jwks
    /bytes/N                           200 with N bytes of "a" and a Content-Length
    /silent                            reads the request and never answers
    anything else                      404
"""

import argparse
import email.utils
import http.server
import json
import os
import time


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        port = self.server.server_address[1]
        if self.server.record:
            with open(self.server.record, "a") as record:
                record.write(self.path + "\n")
        if self.path == "/jwks":
            self.answer(200, self.jwks(), [("Cache-Control", "max-age=120")])
        elif self.path == "/jwks/expires":
            now = time.time()
            self.answer(200, self.jwks(), [
                ("Date", email.utils.formatdate(now, usegmt=True)),
                ("Expires", email.utils.formatdate(now + 300, usegmt=True)),
            ])
        elif self.path == "/.well-known/openid-configuration":
            origin = "http://127.0.0.1:%d" % port
            document = {"issuer": origin, "jwks_uri": origin + "/jwks"}
            self.answer(200, json.dumps(document).encode(), [])
        elif self.path.startswith("/bytes/"):
            self.answer(200, b"a" * int(self.path[len("/bytes/"):]), [])
        elif self.path == "/silent":
            time.sleep(120)
        else:
            self.answer(404, b"not found\n", [])

    def jwks(self):
        with open(self.server.jwks_path, "rb") as source:
            return source.read()

    def answer(self, status, body, headers):
        self.send_response_only(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jwks", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--record")
    arguments = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.jwks_path = os.path.abspath(arguments.jwks)
    server.record = arguments.record and os.path.abspath(arguments.record)
    partial = arguments.port_file + ".partial"
    with open(partial, "w") as port_file:
        port_file.write(str(server.server_address[1]))
    os.rename(partial, arguments.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
