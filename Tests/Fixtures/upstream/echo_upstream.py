#!/usr/bin/env python3
"""A stand-in HTTP/1.1 upstream for tokengate's end-to-end tests (standard library only).

    echo_upstream.py --record FILE --port-file FILE [--name NAME]

It listens on 127.0.0.1 on a port the kernel picks and writes that port to --port-file
once it accepts. Every request it reads whole is appended to --record as one JSON line,
before it is answered:

    {"method", "target" (raw, as sent), "version", "headers": [[name, value], ...],
     "body_length", "body_sha256" (hex), "body" (first 64 KiB as UTF-8, errors replaced)}

A request whose body breaks off (the peer closed, a malformed chunk) is never recorded.
Every response carries `X-Upstream-Name: NAME`. The answer depends on how the path (the
target without its query) ENDS, so that a route may put a prefix before it:

    .../bytes/N          200 with N bytes of "abc...z" repeated, Content-Length
    .../chunked/N        200 with the same N bytes, Transfer-Encoding: chunked (4 KiB chunks)
    .../sleep/MS         waits MS milliseconds, then answers as the echo below
    .../close-mid-body   200 with Content-Length: 1000, sends 100 bytes and closes
    .../redirect         202 with Location on this server's own origin (field case F21):
                         http://127.0.0.1:PORT/v2/acme/app/blobs/uploads/5b6c?_state=q1%2Bz
    .../redirect-away    302 with Location: http://registry.example.net/elsewhere?x=1
    .../status/NNN       status NNN; 1xx, 204 and 304 without a body (304 with an ETag),
                         others with the echo body
    anything else        200 echo: the record above as JSON, plus "upstream": NAME

A HEAD request gets the head the same GET would get, Content-Length included, and no body.
Responses are HTTP/1.1 and keep the connection open unless the request asked to close it
(or was HTTP/1.0 without keep-alive).
"""

import argparse
import hashlib
import http
import json
import os
import re
import socketserver
import sys
import threading
import time

PATTERN = b"abcdefghijklmnopqrstuvwxyz"
REDIRECT_PATH = "/v2/acme/app/blobs/uploads/5b6c?_state=q1%2Bz"


class IncompleteRequest(Exception):
    """The peer stopped before the request was whole, or framed it so it cannot be read."""


def pattern_bytes(count):
    repeats = count // len(PATTERN) + 1
    return (PATTERN * repeats)[:count]


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        try:
            while self.serve_one():
                pass
        except (IncompleteRequest, ConnectionError) as error:
            sys.stderr.write("echo_upstream: request broke off: %s\n" % error)

    def read_line(self):
        line = self.rfile.readline(65537)
        if not line.endswith(b"\n"):
            raise IncompleteRequest("line cut short")
        return line.rstrip(b"\r\n").decode("latin-1")

    def serve_one(self):
        first = self.rfile.readline(65537)
        if not first:
            return False
        method, target, version = first.rstrip(b"\r\n").decode("latin-1").split(" ", 2)
        headers = []
        while True:
            line = self.read_line()
            if line == "":
                break
            name, _, value = line.partition(":")
            headers.append([name, value.strip()])
        body = self.read_body(headers)
        record = {
            "method": method,
            "target": target,
            "version": version,
            "headers": headers,
            "body_length": len(body),
            "body_sha256": hashlib.sha256(body).hexdigest(),
            "body": body[:65536].decode("utf-8", errors="replace"),
        }
        self.server.append_record(record)
        connection = ",".join(v.lower() for n, v in headers if n.lower() == "connection")
        keep_alive = "close" not in connection and (
            version == "HTTP/1.1" or "keep-alive" in connection)
        return self.answer(method, target, record) and keep_alive

    def read_body(self, headers):
        codings = [v.lower() for n, v in headers if n.lower() == "transfer-encoding"]
        lengths = [v for n, v in headers if n.lower() == "content-length"]
        if codings:
            return self.read_chunked()
        if lengths:
            length = int(lengths[0])
            body = self.rfile.read(length)
            if len(body) != length:
                raise IncompleteRequest("body shorter than Content-Length")
            return body
        return b""

    def read_chunked(self):
        body = bytearray()
        while True:
            size_text = self.read_line().split(";", 1)[0].strip()
            if not re.fullmatch(r"[0-9A-Fa-f]+", size_text):
                raise IncompleteRequest("malformed chunk size %r" % size_text)
            size = int(size_text, 16)
            if size == 0:
                break
            data = self.rfile.read(size)
            if len(data) != size or self.read_line() != "":
                raise IncompleteRequest("chunk cut short")
            body += data
        while self.read_line() != "":
            pass
        return bytes(body)

    def send_head(self, status, fields):
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = "Status"
        lines = ["HTTP/1.1 %d %s" % (status, reason), "X-Upstream-Name: " + self.server.name]
        lines += ["%s: %s" % field for field in fields]
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def send_whole(self, method, status, fields, body):
        self.send_head(status, fields + [("Content-Length", str(len(body)))])
        if method != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def answer(self, method, target, record):
        path = target.split("?", 1)[0]
        match = re.search(r"/(bytes|chunked|sleep|status)/(\d+)$", path)
        kind, number = (match.group(1), int(match.group(2))) if match else (None, 0)
        echo = dict(record, upstream=self.server.name)
        echo_body = json.dumps(echo).encode("utf-8")
        json_type = ("Content-Type", "application/json")
        if kind == "bytes":
            self.send_whole(method, 200, [], pattern_bytes(number))
        elif kind == "chunked":
            self.send_head(200, [("Transfer-Encoding", "chunked")])
            body = pattern_bytes(number)
            if method != "HEAD":
                for start in range(0, len(body), 4096):
                    piece = body[start:start + 4096]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        elif kind == "sleep":
            time.sleep(number / 1000)
            self.send_whole(method, 200, [json_type], echo_body)
        elif kind == "status" and (number < 200 or number in (204, 304)):
            fields = [("ETag", '"v1"')] if number == 304 else []
            self.send_head(number, fields)
            self.wfile.flush()
        elif kind == "status":
            self.send_whole(method, number, [json_type], echo_body)
        elif path.endswith("/close-mid-body"):
            self.send_head(200, [("Content-Length", "1000")])
            self.wfile.write(pattern_bytes(100))
            self.wfile.flush()
            return False
        elif path.endswith("/redirect"):
            origin = "http://127.0.0.1:%d" % self.server.server_address[1]
            self.send_whole(method, 202, [("Location", origin + REDIRECT_PATH)], b"")
        elif path.endswith("/redirect-away"):
            location = "http://registry.example.net/elsewhere?x=1"
            self.send_whole(method, 302, [("Location", location)], b"")
        else:
            self.send_whole(method, 200, [json_type], echo_body)
        return True


class EchoServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, name, record_path):
        super().__init__(("127.0.0.1", 0), Handler)
        self.name = name
        self.record_path = record_path
        self.lock = threading.Lock()
        open(record_path, "a").close()

    def append_record(self, record):
        with self.lock, open(self.record_path, "a") as record_file:
            record_file.write(json.dumps(record) + "\n")


def main():
    parser = argparse.ArgumentParser(description="echo upstream for tokengate's tests")
    parser.add_argument("--record", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--name", default="echo")
    arguments = parser.parse_args()
    server = EchoServer(arguments.name, arguments.record)
    partial = arguments.port_file + ".partial"
    with open(partial, "w") as port_file:
        port_file.write("%d\n" % server.server_address[1])
    os.rename(partial, arguments.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
