#!/usr/bin/python3
"""A stand-in WebSocket upstream (Loki's tail) for tokengate's end-to-end tests.

    /usr/bin/python3 websocket_echo.py --record FILE --port-file FILE

It needs Debian's python3-websockets (10.x), which the test command installs for
/usr/bin/python3. It listens on 127.0.0.1 on a port the kernel picks and writes that port
to --port-file once it accepts. Each connection appends JSON lines to --record:

    {"event": "open", "path": PATH (with its query, as received), "headers": [[name, value]]}
    {"event": "closed", "code": CLOSE_CODE}         (1006 when the peer dropped the TCP
                                                     connection without a Close frame)

Every message, text or binary, of any size, is sent back unchanged, except two texts:

    close-from-upstream   the server starts the closing handshake, code 1001
    drop-from-upstream    the server drops the TCP connection without a Close frame

No compression is offered or accepted and no pings are sent, so the frames a client sees
are exactly the ones the echo sends. SIGTERM ends it.
"""

import argparse
import asyncio
import json
import os
import threading

import websockets

CLOSE_COMMAND = "close-from-upstream"
DROP_COMMAND = "drop-from-upstream"


class Recorder:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        open(path, "a").close()

    def append(self, record):
        with self.lock, open(self.path, "a") as record_file:
            record_file.write(json.dumps(record) + "\n")


async def serve(arguments):
    recorder = Recorder(arguments.record)

    async def echo(websocket):
        headers = [[name, value] for name, value in websocket.request_headers.raw_items()]
        recorder.append({"event": "open", "path": websocket.path, "headers": headers})
        try:
            async for message in websocket:
                if message == CLOSE_COMMAND:
                    await websocket.close(code=1001, reason="upstream closes")
                    break
                if message == DROP_COMMAND:
                    websocket.transport.close()
                    break
                await websocket.send(message)
            await websocket.wait_closed()
        except websockets.ConnectionClosed:
            pass
        finally:
            recorder.append({"event": "closed", "code": websocket.close_code})

    async with websockets.serve(
        echo, "127.0.0.1", 0, max_size=None, compression=None, ping_interval=None
    ) as server:
        port = server.sockets[0].getsockname()[1]
        partial = arguments.port_file + ".partial"
        with open(partial, "w") as port_file:
            port_file.write("%d\n" % port)
        os.rename(partial, arguments.port_file)
        await asyncio.Future()


def main():
    parser = argparse.ArgumentParser(description="WebSocket echo upstream for tokengate's tests")
    parser.add_argument("--record", required=True)
    parser.add_argument("--port-file", required=True)
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
