#!/usr/bin/python3
"""A STAND-IN for Grafana Loki in tokengate's end-to-end tests: it is not Loki.

    /usr/bin/python3 loki_standin.py --record FILE --port-file FILE --tail-port-file FILE

No Loki package can be installed on the test machines, so this script answers the parts of
Loki's HTTP API that the "Loki for GitHub Actions" job uses, with the statuses, content types
and JSON or YAML shapes that Loki's HTTP API documentation gives, keeping everything in
memory. It needs Debian's python3-yaml and python3-websockets (10.x) for /usr/bin/python3.

It listens on two ports of 127.0.0.1 that the kernel picks: plain HTTP (written to
--port-file) and the WebSocket of the tail (written to --tail-port-file, before the other).
Loki serves both on one port; websockets 10 answers nothing but GET before its handshake,
so here the tail has a port, and the proxy a route, of its own.

Every request needs `X-Scope-OrgID` (401 `no org id` without it, as Loki with auth enabled),
and everything is stored per tenant, the first such header deciding.

    POST /loki/api/v1/rules/NAMESPACE   a YAML rule group (`name`, `rules`, each rule with
                                        `expr` and one of `alert` or `record`); 202 with
                                        {"status":"success",...}; 400 for YAML that does not
                                        parse or a group that is not valid. The namespace is
                                        one path segment, percent-decoded after the path is
                                        split (`team%2Fns` is the namespace `team/ns`; a POST
                                        to `.../rules/team/ns` gets 405, as from Loki's router)
    GET  /loki/api/v1/rules[/NAMESPACE] the tenant's groups as YAML {namespace: [group...]},
                                        application/yaml; 404 `no rule groups found`
    POST /loki/api/v1/push              JSON {"streams":[{"stream":{labels},
                                        "values":[["<ns>","<line>"],...]}]}; 204; 400 for a
                                        body that is not such JSON; 415 for other content types
                                        (Loki also takes snappy protobuf; the stand-in does not)
    GET  /loki/api/v1/query_range       query (a stream selector: {name="v", name!="v",
                                        name=~"re", name!~"re"}, nothing after it), start,
                                        end, limit, direction; the tenant's pushed entries in
                                        [start, end) as {"status":"success","data":
                                        {"resultType":"streams","result":[...],"stats":...}},
                                        sent with Transfer-Encoding: chunked, one chunk per
                                        stream; 400 for a query it cannot parse
    GET  /loki/api/v1/tail (tail port)  WebSocket: frames {"streams":[...]} with the tenant's
                                        entries that match `query`, those since `start`
                                        (default an hour ago) at once, then each new push

Two things Loki does not do: the tail echoes every message a client sends (Loki ignores
them) so that a test sees frames go both ways, and the other routes of Loki's rules API
get 501. Anything else gets 404.

Every request is appended to --record as one JSON line once it is answered:

    {"kind": "http", "method", "target" (raw, as sent), "headers": [[name, value], ...],
     "body" (first 64 KiB as UTF-8, errors replaced), "status"}
    {"kind": "tail-open", "method": "GET", "target", "headers", "status" (101 if accepted)}
    {"kind": "tail-message", "text"}     a message the tail's client sent
    {"kind": "tail-closed", "code"}      the tail's close code (1006: dropped)

SIGTERM ends it.
"""

import argparse
import asyncio
import datetime
import http
import json
import os
import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import websockets
import yaml

HOUR_NANOSECONDS = 3600 * 10**9
TEXT_TYPE = "text/plain; charset=utf-8"
JSON_TYPE = "application/json; charset=UTF-8"
SUCCESS_BODY = {"status": "success", "data": None, "errorType": "", "error": ""}


class Recorder:
    """Appends JSON lines to the record file, one writer at a time."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        open(path, "a").close()

    def append(self, record):
        with self.lock, open(self.path, "a") as record_file:
            record_file.write(json.dumps(record) + "\n")


class Answer:
    """A response: status, header fields, and a body whole or as chunks."""

    def __init__(self, status, fields=(), body=b"", chunks=None):
        self.status = status
        self.fields = list(fields)
        self.body = body
        self.chunks = chunks

    @staticmethod
    def text(status, message):
        return Answer(status, [("Content-Type", TEXT_TYPE)], (message + "\n").encode())

    @staticmethod
    def json(status, value):
        return Answer(status, [("Content-Type", JSON_TYPE)], json.dumps(value).encode())


class BadRequest(Exception):
    """A request Loki would answer with 400 and this message."""


class Selector:
    """A LogQL stream selector: `{name="v", ...}` with =, !=, =~ and !~ (anchored)."""

    MATCHER = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*')

    def __init__(self, text):
        text = text.strip()
        if not (text.startswith("{") and text.endswith("}")):
            raise BadRequest("parse error : only a stream selector {...} is understood")
        self.matchers = []
        inside = text[1:-1]
        position = 0
        while position < len(inside):
            found = self.MATCHER.match(inside, position)
            if not found:
                raise BadRequest("parse error at column %d" % (position + 2))
            name, operator, quoted = found.groups()
            value = json.loads('"%s"' % quoted)
            self.matchers.append((name, operator, value))
            position = found.end()
            if position < len(inside):
                if inside[position] != ",":
                    raise BadRequest("parse error at column %d" % (position + 2))
                position += 1
        if not any(op in ("=", "=~") and value for _, op, value in self.matchers):
            raise BadRequest("parse error : queries require at least one regexp or equality "
                             "matcher that does not have an empty-compatible value")

    def matches(self, labels):
        for name, operator, value in self.matchers:
            actual = labels.get(name, "")
            if operator == "=" and actual != value:
                return False
            if operator == "!=" and actual == value:
                return False
            if operator == "=~" and not re.fullmatch(value, actual):
                return False
            if operator == "!~" and re.fullmatch(value, actual):
                return False
        return True


def parse_time(text, default):
    """A time parameter in nanoseconds: RFC 3339, float seconds, or integer seconds or ns."""
    if text is None or text == "":
        return default
    try:
        if "." in text:
            return int(float(text) * 10**9)
        number = int(text)
        return number * 10**9 if len(text) <= 10 else number
    except ValueError:
        pass
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest("cannot parse %r to a valid timestamp" % text)
    return int(moment.timestamp()) * 10**9 + moment.microsecond * 1000


def streams_of(entries):
    """Entries (labels, ns, line) grouped into Loki's streams, in the order given."""
    streams = {}
    for labels, nanoseconds, line in entries:
        key = tuple(sorted(labels.items()))
        stream = streams.setdefault(key, {"stream": labels, "values": []})
        stream["values"].append([str(nanoseconds), line])
    return list(streams.values())


class LokiStore:
    """Rule groups and log entries per tenant, and the open tails, behind one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rules = {}
        self.entries = {}
        self.tails = {}
        self.next_tail = 0

    def set_rule_group(self, tenant, namespace, group):
        with self.lock:
            groups = self.rules.setdefault(tenant, {}).setdefault(namespace, {})
            groups[group["name"]] = group

    def rule_groups(self, tenant, namespace=None):
        with self.lock:
            namespaces = self.rules.get(tenant, {})
            return {
                name: list(groups.values()) for name, groups in sorted(namespaces.items())
                if namespace is None or name == namespace
            }

    def push(self, tenant, entries):
        with self.lock:
            self.entries.setdefault(tenant, []).extend(entries)
            for tail_tenant, selector, deliver in self.tails.values():
                if tail_tenant != tenant:
                    continue
                matching = [entry for entry in entries if selector.matches(entry[0])]
                if matching:
                    deliver(json.dumps({"streams": streams_of(matching)}))

    def select(self, tenant, selector, start, end, limit, forward):
        with self.lock:
            found = [
                entry for entry in self.entries.get(tenant, [])
                if selector.matches(entry[0]) and start <= entry[1] < end
            ]
        found.sort(key=lambda entry: entry[1], reverse=not forward)
        return streams_of(found[:limit])

    def open_tail(self, tenant, selector, start, limit, deliver):
        """Registers a tail and returns its id and the entries since `start`, atomically."""
        with self.lock:
            history = [
                entry for entry in self.entries.get(tenant, [])
                if selector.matches(entry[0]) and entry[1] >= start
            ]
            self.next_tail += 1
            self.tails[self.next_tail] = (tenant, selector, deliver)
            return self.next_tail, streams_of(history[-limit:])

    def close_tail(self, identifier):
        with self.lock:
            self.tails.pop(identifier, None)


class LokiAPI:
    """The HTTP routes: which exist, which methods they take, and what they answer."""

    # Loki's paths under /loki/api/v1 (after the path is split, before segments are
    # decoded), the methods Loki takes there, and the handler for those the stand-in serves.
    ROUTES = [
        (("push",), {"POST": "push"}),
        (("query_range",), {"GET": "query_range", "POST": None}),
        (("rules",), {"GET": "list_rules"}),
        (("rules", None), {"GET": "list_rules", "POST": "set_rule_group", "DELETE": None}),
        (("rules", None, None), {"GET": None, "DELETE": None}),
    ]

    def __init__(self, store):
        self.store = store

    def answer(self, method, target, fields, body):
        raw_path, _, query = target.partition("?")
        segments = raw_path.split("/")
        if segments[:4] != ["", "loki", "api", "v1"]:
            return Answer.text(404, "404 page not found")
        rest = segments[4:]
        for pattern, methods in self.ROUTES:
            if len(pattern) != len(rest) or any(
                    want is not None and want != got for want, got in zip(pattern, rest)):
                continue
            if method not in methods:
                return Answer(405)
            tenant = next((value for name, value in fields
                           if name.lower() == "x-scope-orgid"), "")
            if not tenant:
                return Answer.text(401, "no org id")
            if methods[method] is None:
                return Answer.text(501, "the Loki stand-in does not serve this route")
            arguments = [urllib.parse.unquote(part) for part in rest[1:]]
            parameters = urllib.parse.parse_qs(query, keep_blank_values=True)
            handler = getattr(self, methods[method])
            try:
                return handler(tenant, arguments, parameters, fields, body)
            except BadRequest as error:
                return Answer.text(400, str(error))
        return Answer.text(404, "404 page not found")

    def set_rule_group(self, tenant, arguments, parameters, fields, body):
        try:
            group = yaml.safe_load(body.decode("utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError):
            raise BadRequest("the rule group is not YAML that parses")
        problems = self.rule_group_problems(group)
        if problems:
            raise BadRequest(", ".join(problems))
        self.store.set_rule_group(tenant, arguments[0], group)
        return Answer.json(202, SUCCESS_BODY)

    @staticmethod
    def rule_group_problems(group):
        if not isinstance(group, dict):
            return ["a rule group must be a YAML mapping"]
        problems = []
        if not isinstance(group.get("name"), str) or not group["name"]:
            problems.append("rule group name must not be empty")
        rules = group.get("rules")
        if not isinstance(rules, list) or not rules:
            return problems + ["rule group has no rules"]
        for index, rule in enumerate(rules):
            if not isinstance(rule, dict) or not rule.get("expr"):
                problems.append("rule %d: field 'expr' must be set" % index)
            elif bool(rule.get("alert")) == bool(rule.get("record")):
                problems.append("rule %d: one of 'record' or 'alert' must be set" % index)
        return problems

    def list_rules(self, tenant, arguments, parameters, fields, body):
        groups = self.store.rule_groups(tenant, arguments[0] if arguments else None)
        if not groups:
            return Answer.text(404, "no rule groups found")
        text = yaml.safe_dump(groups, sort_keys=False, allow_unicode=True)
        return Answer(200, [("Content-Type", "application/yaml")], text.encode("utf-8"))

    def push(self, tenant, arguments, parameters, fields, body):
        content_type = next(
            (value for name, value in fields if name.lower() == "content-type"), "")
        if content_type.split(";")[0].strip().lower() != "application/json":
            return Answer.text(415, "the Loki stand-in takes JSON pushes only")
        try:
            document = json.loads(body.decode("utf-8"))
            entries = []
            for stream in document["streams"]:
                labels = stream["stream"]
                if not isinstance(labels, dict) or not labels or not all(
                        isinstance(value, str) for value in labels.values()):
                    raise ValueError("a stream needs at least one label, all strings")
                for value in stream["values"]:
                    entries.append((labels, int(value[0]), str(value[1])))
        except (ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError) as error:
            raise BadRequest("cannot read the push: %s" % error)
        self.store.push(tenant, entries)
        return Answer(204)

    def query_range(self, tenant, arguments, parameters, fields, body):
        def one(name):
            return parameters.get(name, [None])[-1]

        if not one("query"):
            raise BadRequest("query parameter is missing")
        selector = Selector(one("query"))
        now = time.time_ns()
        end = parse_time(one("end"), now)
        start = parse_time(one("start"), end - HOUR_NANOSECONDS)
        try:
            limit = int(one("limit") or 100)
        except ValueError:
            raise BadRequest("cannot parse limit %r" % one("limit"))
        direction = (one("direction") or "backward").lower()
        if direction not in ("backward", "forward"):
            raise BadRequest("invalid direction %r" % direction)
        streams = self.store.select(tenant, selector, start, end, limit, direction == "forward")
        entries = sum(len(stream["values"]) for stream in streams)
        chunks = [b'{"status":"success","data":{"resultType":"streams","result":[']
        chunks += [(b"," if index else b"") + json.dumps(stream).encode()
                   for index, stream in enumerate(streams)]
        stats = {"summary": {"totalEntriesReturned": entries}}
        chunks.append(('],"stats":%s}}' % json.dumps(stats)).encode())
        return Answer(200, [("Content-Type", JSON_TYPE)], chunks=chunks)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def log_message(self, format, *arguments):
        pass

    def serve(self):
        fields = [[name, value] for name, value in self.headers.items()]
        body = self.read_body()
        answer = self.server.api.answer(self.command, self.path, fields, body)
        self.server.recorder.append({
            "kind": "http", "method": self.command, "target": self.path, "headers": fields,
            "body": body[:65536].decode("utf-8", errors="replace"), "status": answer.status,
        })
        self.send(answer)

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            body = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(body)
                body += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def send(self, answer):
        self.send_response_only(answer.status, http.HTTPStatus(answer.status).phrase)
        self.send_header("Date", self.date_time_string())
        for name, value in answer.fields:
            self.send_header(name, value)
        if answer.status in (204, 304) or answer.status < 200:
            self.end_headers()
        elif answer.chunks is None:
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)
        else:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for chunk in answer.chunks:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


class TailServer:
    """The WebSocket tail: checks the handshake as Loki would, then relays frames."""

    PATH = "/loki/api/v1/tail"

    def __init__(self, store, recorder):
        self.store = store
        self.recorder = recorder

    @staticmethod
    def tenant(headers):
        return headers.get("X-Scope-OrgID", "")

    @staticmethod
    def parameters(path):
        query = urllib.parse.urlsplit(path).query
        return {name: values[-1] for name, values in urllib.parse.parse_qs(query).items()}

    def refusal(self, path, headers):
        """The HTTP answer that ends a handshake Loki would refuse, or None."""
        if urllib.parse.urlsplit(path).path != self.PATH:
            return http.HTTPStatus.NOT_FOUND, [], b"404 page not found\n"
        if not self.tenant(headers):
            return http.HTTPStatus.UNAUTHORIZED, [("Content-Type", TEXT_TYPE)], b"no org id\n"
        parameters = self.parameters(path)
        try:
            Selector(parameters.get("query", ""))
            parse_time(parameters.get("start"), 0)
            if not (parameters.get("limit") or "100").isdigit():
                raise BadRequest("cannot parse limit %r" % parameters["limit"])
        except BadRequest as error:
            return http.HTTPStatus.BAD_REQUEST, [("Content-Type", TEXT_TYPE)], (
                str(error) + "\n").encode()
        return None

    async def process_request(self, path, headers):
        refusal = self.refusal(path, headers)
        self.recorder.append({
            "kind": "tail-open", "method": "GET", "target": path,
            "headers": [[name, value] for name, value in headers.raw_items()],
            "status": 101 if refusal is None else int(refusal[0]),
        })
        return refusal

    async def serve(self, websocket):
        parameters = self.parameters(websocket.path)
        selector = Selector(parameters.get("query", ""))
        start = parse_time(parameters.get("start"), time.time_ns() - HOUR_NANOSECONDS)
        limit = int(parameters.get("limit") or 100)
        loop = asyncio.get_running_loop()
        outgoing = asyncio.Queue()

        def deliver(text):
            loop.call_soon_threadsafe(outgoing.put_nowait, text)

        identifier, history = self.store.open_tail(
            self.tenant(websocket.request_headers), selector, start, limit, deliver)
        if history:
            outgoing.put_nowait(json.dumps({"streams": history}))
        sender = asyncio.create_task(self.send_all(websocket, outgoing))
        try:
            async for message in websocket:
                text = message if isinstance(message, str) else message.decode(
                    "utf-8", errors="replace")
                self.recorder.append({"kind": "tail-message", "text": text})
                outgoing.put_nowait(message)
            await websocket.wait_closed()
        except websockets.ConnectionClosed:
            pass
        finally:
            self.store.close_tail(identifier)
            sender.cancel()
            self.recorder.append({"kind": "tail-closed", "code": websocket.close_code})

    @staticmethod
    async def send_all(websocket, outgoing):
        try:
            while True:
                await websocket.send(await outgoing.get())
        except websockets.ConnectionClosed:
            pass


def write_port(path, port):
    partial = path + ".partial"
    with open(partial, "w") as port_file:
        port_file.write("%d\n" % port)
    os.rename(partial, path)


async def serve(arguments):
    recorder = Recorder(arguments.record)
    store = LokiStore()
    http_server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    http_server.daemon_threads = True
    http_server.api = LokiAPI(store)
    http_server.recorder = recorder
    threading.Thread(target=http_server.serve_forever, daemon=True).start()
    tail = TailServer(store, recorder)
    async with websockets.serve(
        tail.serve, "127.0.0.1", 0, process_request=tail.process_request, max_size=None,
        compression=None, ping_interval=None,
    ) as server:
        write_port(arguments.tail_port_file, server.sockets[0].getsockname()[1])
        write_port(arguments.port_file, http_server.server_address[1])
        await asyncio.Future()


def main():
    parser = argparse.ArgumentParser(description="Loki stand-in for tokengate's tests")
    parser.add_argument("--record", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--tail-port-file", required=True)
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
