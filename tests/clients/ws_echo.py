"""WebSocket client used by the tests: opens a WebSocket through the proxy, sends messages
and checks that each comes back unchanged. Prints a JSON summary; exits 1 on any failure.
With --hold SECONDS it keeps the WebSocket open that long, exchanging a message every 0.2 s,
and prints {"opened": true} as soon as the first echo came back; --stop-file ends the hold early
once that file exists.

Like a ProCall client, it opens a new connection when the opening handshake stalls or the
connection closes before the answer (up to --attempts, each within --open-timeout): on the test
machines' sandboxed network a fresh TLS connection occasionally hangs after the TLS handshake
without the server ever receiving the request, and a reload of nginx (fail2ban's bans behind a
load balancer) closes connections that have not sent their request yet. The summary reports the
attempts it needed."""
import argparse
import json
import os
import socket
import ssl
import sys
import time
from urllib.parse import urlsplit

from websockets.exceptions import InvalidMessage
from websockets.sync.client import connect


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="for example wss://uc.example.test/ws/client/websocket")
    parser.add_argument("--connect-to", help="HOST:PORT ([IPV6]:PORT) to connect to instead of the URL's host")
    parser.add_argument("--cafile", help="CA file that must verify the proxy's certificate")
    parser.add_argument("--messages", type=int, default=3)
    parser.add_argument("--hold", type=float, default=0.0, help="keep the WebSocket open this many seconds")
    parser.add_argument("--stop-file", help="with --hold: stop holding once this file exists")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for each echo")
    parser.add_argument("--open-timeout", type=float, default=10.0)
    parser.add_argument("--attempts", type=int, default=3)
    args = parser.parse_args()

    url = urlsplit(args.url)
    target = args.connect_to or f"{url.hostname}:{url.port or (443 if url.scheme == 'wss' else 80)}"
    host, port = target.rsplit(":", 1)
    host = host.strip("[]")  # an IPv6 address: [2001:db8::1]:443
    tls = ssl.create_default_context(cafile=args.cafile) if url.scheme == "wss" else None
    summary = {"sent": 0, "echoed": 0, "attempts": 0}
    try:
        while True:
            summary["attempts"] += 1
            try:
                ws = connect(args.url, sock=socket.create_connection((host, int(port)), timeout=args.open_timeout),
                             ssl=tls, server_hostname=url.hostname if tls else None,
                             open_timeout=args.open_timeout, close_timeout=args.timeout)
                break
            except (TimeoutError, InvalidMessage):
                if summary["attempts"] >= args.attempts:
                    raise
        with ws:
            summary["status"] = ws.response.status_code
            summary["response_headers"] = dict(ws.response.headers.raw_items())
            deadline = time.monotonic() + args.hold
            i = 0
            while i < args.messages or (time.monotonic() < deadline
                                        and not (args.stop_file and os.path.exists(args.stop_file))):
                message = f"ucproxy test message {i}"
                ws.send(message)
                summary["sent"] += 1
                if ws.recv(timeout=args.timeout) == message:
                    summary["echoed"] += 1
                if i == 0 and args.hold:
                    print(json.dumps({"opened": True}), flush=True)
                if args.hold:
                    time.sleep(0.2)
                i += 1
    except Exception as exc:  # the summary names the failure for the test's message
        summary["error"] = f"{type(exc).__name__}: {exc}"
    print(json.dumps(summary))
    return 0 if summary["echoed"] == summary["sent"] >= args.messages and "error" not in summary else 1


if __name__ == "__main__":
    sys.exit(main())
