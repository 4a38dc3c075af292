"""Holds many WebSockets through the proxy at once, as many connected ProCall clients do: opens
--count WebSockets (one thread each), checks one echo on each, writes {"opened": N} to --output,
and keeps them open until --stop-file exists; then checks one more echo on each (the proxy kept
them through whatever happened meanwhile), closes them and writes the final summary."""
import argparse
import json
import os
import socket
import ssl
import threading
import time
from urllib.parse import urlsplit

from websockets.exceptions import InvalidMessage
from websockets.sync.client import connect


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="for example wss://uc.example.test/ws/client/echo")
    parser.add_argument("--connect-to", required=True, help="HOST:PORT of the proxy")
    parser.add_argument("--cafile", required=True)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--stop-file", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    url = urlsplit(args.url)
    host, port = args.connect_to.rsplit(":", 1)
    tls = ssl.create_default_context(cafile=args.cafile)
    opened, echoed, errors, lock = [], [], [], threading.Lock()

    def open_websocket():
        # Like a ProCall client, a new connection when the opening handshake stalls or the connection
        # closes before the answer (see ws_echo.py).
        for attempt in (1, 2, 3):
            try:
                return connect(args.url, sock=socket.create_connection((host, int(port)), timeout=10), ssl=tls,
                               server_hostname=url.hostname, open_timeout=10)
            except (TimeoutError, InvalidMessage):
                if attempt == 3:
                    raise
        raise AssertionError("unreachable")

    def hold(number):
        try:
            with open_websocket() as ws:
                ws.send(f"held {number}")
                if ws.recv(timeout=20) != f"held {number}":
                    raise RuntimeError("wrong echo")
                with lock:
                    opened.append(number)
                while not os.path.exists(args.stop_file):
                    time.sleep(0.2)
                ws.send(f"still {number}")
                if ws.recv(timeout=20) != f"still {number}":
                    raise RuntimeError("wrong echo after the hold")
                with lock:
                    echoed.append(number)
        except Exception as exc:  # pylint: disable=broad-exception-caught  # reported in the summary
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=hold, args=(number,), daemon=True) for number in range(args.count)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120
    while len(opened) + len(errors) < args.count and time.monotonic() < deadline:
        time.sleep(0.2)

    def write(summary):
        with open(args.output + ".part", "w", encoding="utf-8") as output:
            json.dump(summary, output)
        os.replace(args.output + ".part", args.output)

    write({"opened": len(opened), "errors": errors[:5]})
    for thread in threads:
        thread.join(timeout=30)
    write({"opened": len(opened), "echoed_after_hold": len(echoed), "errors": errors[:5], "closed": True})
    return 0 if len(opened) == args.count else 1


if __name__ == "__main__":
    raise SystemExit(main())
