#!/usr/bin/env python3
"""A stand-in HTTP/1.1 upstream for tokengate's end-to-end tests (standard library only).

    echo_upstream.py --record FILE --port-file FILE [--name NAME]

It listens on 127.0.0.1 on a port the kernel picks and writes that port to --port-file
once it accepts. Every request it reads whole is appended to --record as one JSON line,
before it is answered:

    {"method", "target" (raw, as sent), "version", "headers": [[name, value], ...],
     "body_length", "body_sha256" (hex), "body" (first 64 KiB as UTF-8, errors replaced)}

A request whose body breaks off (the peer closed, a malformed chunk) is never recorded.
Bodies are read and digested piece by piece, so a request of gigabytes needs no more memory
than a small one.
Every response carries `X-Upstream-Name: NAME`. The answer depends on how the path (the
target without its query) ENDS, so that a route may put a prefix before it:

    .../bytes/N          200 with N bytes of "abc...z" repeated, Content-Length
    .../chunked/N        200 with the same N bytes, Transfer-Encoding: chunked (4 KiB chunks)
    .../sleep/MS         waits MS milliseconds, then answers as the echo below
    .../read-after/MS    waits MS milliseconds before it reads the request body (a slow
                         upstream the client's upload must wait for), then answers as the echo
    .../stream/N         200 with the same N bytes and Content-Length, generated piece by
                         piece (for bodies of gigabytes); when it ends, one line on standard
                         error: "echo_upstream: stream of N bytes: sent M, complete" or
                         "..., sent M, aborted (ERROR)" when the peer went away first
    .../stall/N          200 with Content-Length: 2N, sends N bytes, then sends nothing more
                         and waits (up to 10 s) for the peer to close; then closes, and says
                         on standard error "echo_upstream: stall: peer closed after S s" or
                         "echo_upstream: stall: gave up after S s"
    .../stall-chunked/N  the same with Transfer-Encoding: chunked: one chunk of N bytes, then
                         silence, never the last chunk
    .../close-mid-body   200 with Content-Length: 1000, sends 100 bytes and closes
    .../close-mid-chunked  200 chunked, sends two chunks of 100 bytes and closes without the
                         last chunk
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
import select
import socket
import socketserver
import sys
import threading
import time

PATTERN = b"abcdefghijklmnopqrstuvwxyz"
REDIRECT_PATH = "/v2/acme/app/blobs/uploads/5b6c?_state=q1%2Bz"
READ_PIECE = 256 * 1024
STREAM_PIECE = len(PATTERN) * 40960
STALL_LIMIT = 10.0


class IncompleteRequest(Exception):
    """The peer stopped before the request was whole, or framed it so it cannot be read."""


def pattern_bytes(count):
    repeats = count // len(PATTERN) + 1
    return (PATTERN * repeats)[:count]


class BodyDigest:
    """A request body as it is read: its length, its SHA-256 and its first 64 KiB."""

    def __init__(self):
        self.length = 0
        self.sha256 = hashlib.sha256()
        self.prefix = bytearray()

    def add(self, data):
        self.length += len(data)
        self.sha256.update(data)
        if len(self.prefix) < 65536:
            self.prefix += data[:65536 - len(self.prefix)]


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
        pause = re.search(r"/read-after/(\d+)$", target.split("?", 1)[0])
        if pause:
            time.sleep(int(pause.group(1)) / 1000)
        body = BodyDigest()
        self.read_body(headers, body)
        record = {
            "method": method,
            "target": target,
            "version": version,
            "headers": headers,
            "body_length": body.length,
            "body_sha256": body.sha256.hexdigest(),
            "body": bytes(body.prefix).decode("utf-8", errors="replace"),
        }
        self.server.append_record(record)
        connection = ",".join(v.lower() for n, v in headers if n.lower() == "connection")
        keep_alive = "close" not in connection and (
            version == "HTTP/1.1" or "keep-alive" in connection)
        return self.answer(method, target, record) and keep_alive

    def read_body(self, headers, body):
        codings = [v.lower() for n, v in headers if n.lower() == "transfer-encoding"]
        lengths = [v for n, v in headers if n.lower() == "content-length"]
        if codings:
            self.read_chunked(body)
        elif lengths:
            self.read_exactly(int(lengths[0]), body, "body shorter than Content-Length")

    def read_exactly(self, count, body, problem):
        while count > 0:
            data = self.rfile.read(min(count, READ_PIECE))
            if not data:
                raise IncompleteRequest(problem)
            body.add(data)
            count -= len(data)

    def read_chunked(self, body):
        while True:
            size_text = self.read_line().split(";", 1)[0].strip()
            if not re.fullmatch(r"[0-9A-Fa-f]+", size_text):
                raise IncompleteRequest("malformed chunk size %r" % size_text)
            size = int(size_text, 16)
            if size == 0:
                break
            self.read_exactly(size, body, "chunk cut short")
            if self.read_line() != "":
                raise IncompleteRequest("chunk cut short")
        while self.read_line() != "":
            pass

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
        match = re.search(
            r"/(bytes|chunked|sleep|status|stream|stall|stall-chunked)/(\d+)$", path)
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
        elif kind == "stream":
            self.send_head(200, [("Content-Length", str(number))])
            if method != "HEAD":
                self.send_stream(number)
            self.wfile.flush()
        elif kind in ("stall", "stall-chunked"):
            self.send_stall(number, chunked=kind == "stall-chunked")
            return False
        elif path.endswith("/close-mid-chunked"):
            self.send_head(200, [("Transfer-Encoding", "chunked")])
            self.wfile.write(b"64\r\n%s\r\n" % pattern_bytes(100) * 2)
            self.wfile.flush()
            return False
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

    def send_stream(self, count):
        """Sends `count` pattern bytes piece by piece and says on stderr how it ended."""
        piece = memoryview(pattern_bytes(STREAM_PIECE))
        sent = 0
        try:
            while sent < count:
                data = piece[:min(STREAM_PIECE, count - sent)]
                self.wfile.write(data)
                sent += len(data)
        except OSError as error:
            sys.stderr.write(
                "echo_upstream: stream of %d bytes: sent %d, aborted (%s)\n"
                % (count, sent, error))
            sys.stderr.flush()
            raise
        sys.stderr.write("echo_upstream: stream of %d bytes: sent %d, complete\n" % (count, sent))
        sys.stderr.flush()

    def send_stall(self, count, chunked):
        """Sends the head and `count` bytes of a longer body, then goes silent."""
        if chunked:
            self.send_head(200, [("Transfer-Encoding", "chunked")])
            self.wfile.write(b"%x\r\n%s\r\n" % (count, pattern_bytes(count)))
        else:
            self.send_head(200, [("Content-Length", str(2 * count))])
            self.wfile.write(pattern_bytes(count))
        self.wfile.flush()
        started = time.monotonic()
        readable, _, _ = select.select([self.connection], [], [], STALL_LIMIT)
        waited = time.monotonic() - started
        if readable and self.peer_has_closed():
            sys.stderr.write("echo_upstream: stall: peer closed after %.1f s\n" % waited)
        else:
            sys.stderr.write("echo_upstream: stall: gave up after %.1f s\n" % waited)
        sys.stderr.flush()

    def peer_has_closed(self):
        try:
            return not self.connection.recv(1, socket.MSG_PEEK)
        except OSError:
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
