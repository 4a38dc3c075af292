"""Polls an https URL through the proxy the way a browser tab keeps asking, every --interval
seconds on one keep-alive connection, until --stop-file exists. A poll that fails is retried
once on a new connection (as browsers retry an idempotent request); only when that fails too
does the poll count as failed. Writes a JSON summary to --output when it stops: the polls, the
failed ones, and the longest time without a successful answer (the outage a user saw)."""
import argparse
import http.client
import json
import os
import socket
import ssl
import time
from urllib.parse import urlsplit


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="for example https://uc.example.test/")
    parser.add_argument("--connect-to", required=True, help="HOST:PORT to connect to (the virtual address)")
    parser.add_argument("--cafile", required=True)
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("--timeout", type=float, default=1.0, help="seconds a request may take")
    parser.add_argument("--stop-file", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    url = urlsplit(args.url)
    address, port = args.connect_to.rsplit(":", 1)
    tls = ssl.create_default_context(cafile=args.cafile)

    class Connection(http.client.HTTPSConnection):
        """A connection to the virtual address, with the URL's name for SNI and certificate checks."""
        def connect(self):
            self.sock = tls.wrap_socket(socket.create_connection((address, int(port)), self.timeout),
                                        server_hostname=url.hostname)

    def ask(conn):
        conn.request("GET", url.path or "/")
        response = conn.getresponse()
        response.read()
        return response.status < 500

    connection = None
    summary = {"polls": 0, "retried": 0, "failed": 0, "longest_gap_s": 0.0}
    last_success = time.monotonic()
    while not os.path.exists(args.stop_file):
        started = time.monotonic()
        summary["polls"] += 1
        ok = False
        for attempt in (1, 2):
            try:
                if connection is None or attempt == 2:
                    if connection is not None:
                        connection.close()
                    connection = Connection(url.hostname, int(port), timeout=args.timeout)
                ok = ask(connection)
            except (OSError, http.client.HTTPException):
                ok = False
            if ok:
                break
            summary["retried"] += attempt == 1
        now = time.monotonic()
        if ok:
            summary["longest_gap_s"] = max(summary["longest_gap_s"], round(now - last_success, 3))
            last_success = now
        else:
            summary["failed"] += 1
        time.sleep(max(0.0, args.interval - (time.monotonic() - started)))
    summary["longest_gap_s"] = max(summary["longest_gap_s"], round(time.monotonic() - last_success, 3))
    with open(args.output + ".part", "w", encoding="utf-8") as output:
        json.dump(summary, output)
    os.replace(args.output + ".part", args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
