#!/usr/bin/env python3
"""A stand-in that slows an upstream down: an HTTP/1.1 relay that waits before it forwards
each request (standard library only).

    delaying_relay.py --target HOST:PORT --delay-ms MS --record FILE --port-file FILE

It listens on 127.0.0.1 on a port the kernel picks and writes that port to --port-file
(whole, by rename) once it accepts. For every connection it accepts it opens one to
--target, and for every request read there it waits MS milliseconds, then sends the
request head and body to the target as they came, and the target's response back as it
comes; bodies (Content-Length, chunked, or up to the close) are copied piece by piece and
never held whole. Nothing is changed or added: it is not a proxy of its own, only a slow
wire.

Once a request's exchange is over, one JSON line is appended to --record:

    {"method", "target", "received" (when its head had been read), "forwarded" (when the
     wait was over and its head went on), "answered" (when the last byte of the response
     had been sent back, or null), "status" (the response's, or null),
     "error" (why the exchange broke off, or null)}

Times are seconds since the Unix epoch, as floats, so that a test compares them with a
token's `exp`.
"""

import argparse
import json
import os
import socket
import socketserver
import threading
import time

PIECE = 256 * 1024


class BrokenExchange(Exception):
    """One side closed or sent what cannot be framed before the exchange was over."""


def read_head(source):
    """The lines of a head up to its blank line, as raw bytes, or None at a clean end."""
    lines = []
    while True:
        line = source.readline(65536)
        if not line:
            if lines:
                raise BrokenExchange("closed in the middle of a head")
            return None
        lines.append(line)
        if line in (b"\r\n", b"\n"):
            return b"".join(lines)


def fields_of(head):
    """The header fields of a head as (lower-case name, value) pairs."""
    fields = []
    for line in head.split(b"\r\n")[1:]:
        if b":" in line:
            name, value = line.split(b":", 1)
            fields.append((name.strip().lower().decode("latin-1"),
                           value.strip().decode("latin-1")))
    return fields


def body_framing(fields):
    """("chunked", None), ("length", N) or ("none", None) for a request or response."""
    codings = ",".join(value for name, value in fields if name == "transfer-encoding")
    if "chunked" in codings.lower():
        return "chunked", None
    lengths = [value for name, value in fields if name == "content-length"]
    if lengths:
        return "length", int(lengths[0])
    return "none", None


def copy_exactly(source, sink, count):
    while count > 0:
        piece = source.read(min(count, PIECE))
        if not piece:
            raise BrokenExchange("closed with %d body bytes to come" % count)
        sink.sendall(piece)
        count -= len(piece)


def copy_chunked(source, sink):
    """Copies a chunked body as it was framed, through its last chunk and trailer."""
    while True:
        line = source.readline(4096)
        if not line:
            raise BrokenExchange("closed in a chunked body")
        sink.sendall(line)
        size = int(line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            break
        copy_exactly(source, sink, size + 2)
    while True:
        line = source.readline(65536)
        if not line:
            raise BrokenExchange("closed in a trailer")
        sink.sendall(line)
        if line in (b"\r\n", b"\n"):
            return


def copy_until_close(source, sink):
    while True:
        piece = source.read1(PIECE)
        if not piece:
            return
        sink.sendall(piece)


def wants_close(fields):
    return any(name == "connection" and "close" in value.lower() for name, value in fields)


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        client = self.request
        client_reader = client.makefile("rb")
        target = self.server.target
        upstream = socket.create_connection(target)
        upstream_reader = upstream.makefile("rb")
        try:
            while self.relay_one(client, client_reader, upstream, upstream_reader):
                pass
        finally:
            upstream.close()

    def relay_one(self, client, client_reader, upstream, upstream_reader):
        """Relays one exchange; returns whether the connection stays open for another."""
        head = read_head(client_reader)
        if head is None:
            return False
        record = {"received": time.time(), "forwarded": None, "answered": None,
                  "status": None, "error": None}
        request_line = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
        record["method"], record["target"] = request_line[0], request_line[1]
        request_fields = fields_of(head)
        keep_open = False
        try:
            time.sleep(self.server.delay)
            record["forwarded"] = time.time()
            upstream.sendall(head)
            framing, length = body_framing(request_fields)
            if framing == "chunked":
                copy_chunked(client_reader, upstream)
            elif framing == "length":
                copy_exactly(client_reader, upstream, length)
            while True:
                response = read_head(upstream_reader)
                if response is None:
                    raise BrokenExchange("the target closed before it answered")
                client.sendall(response)
                record["status"] = int(response.split(b" ", 2)[1])
                if not 100 <= record["status"] < 200:
                    break
            response_fields = fields_of(response)
            framing, length = body_framing(response_fields)
            if record["method"] == "HEAD" or record["status"] in (204, 304):
                pass
            elif framing == "chunked":
                copy_chunked(upstream_reader, client)
            elif framing == "length":
                copy_exactly(upstream_reader, client, length)
            else:
                copy_until_close(upstream_reader, client)
                response_fields.append(("connection", "close"))
            record["answered"] = time.time()
            keep_open = not wants_close(request_fields + response_fields)
        except (BrokenExchange, OSError, ValueError) as error:
            record["error"] = str(error) or type(error).__name__
        self.server.write_record(record)
        return keep_open


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, target, delay, record_path):
        super().__init__(("127.0.0.1", 0), Handler)
        self.target = target
        self.delay = delay
        self.record_path = record_path
        self.record_lock = threading.Lock()

    def write_record(self, record):
        with self.record_lock, open(self.record_path, "a") as record_file:
            record_file.write(json.dumps(record) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--delay-ms", type=int, required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--port-file", required=True)
    arguments = parser.parse_args()
    host, port = arguments.target.rsplit(":", 1)
    server = Server((host, int(port)), arguments.delay_ms / 1000.0, arguments.record)
    open(arguments.record, "a").close()
    partial = arguments.port_file + ".partial"
    with open(partial, "w") as port_file:
        port_file.write(str(server.server_address[1]))
    os.rename(partial, arguments.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
