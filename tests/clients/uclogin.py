"""Logs in to the UCServer (stand-in) the way a ProCall client does, through the proxy: the
first request gets 401 with the offered methods, the NTLM-style rounds are tied together by the
x-epid header (each round on a new connection: the proxy needs no connection pinning), the
session opens its WebSocket with ?x-ucsessionid=. Prints one JSON line per login.

  uclogin.py https://uc.example.test --connect-to proxy:443 --cafile ca.pem [--method ntlm|basic]
             [--password WRONG] [--logins 50] [--websocket] [--then-anonymous]
"""
import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import socket
import ssl
import sys
import urllib.parse

import websockets

LOGIN = "/ws/client/createsession"


def proxy_address(args):
    """(host, port) of --connect-to, an IPv6 address without its brackets."""
    host, port = args.connect_to.rsplit(":", 1)
    return host.strip("[]"), int(port)


def request(args, headers=None):
    """One GET of the login path on a new TLS connection: (status, [(header, value), ...], body)."""
    host, port = proxy_address(args)
    context = ssl.create_default_context(cafile=args.cafile)
    lines = [f"GET {LOGIN} HTTP/1.1", f"Host: {args.name}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    with socket.create_connection((host, port), timeout=20) as raw:
        with context.wrap_socket(raw, server_hostname=args.name) as tls:
            tls.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
            data = b""
            while chunk := tls.recv(65536):
                data += chunk
    head, _blank, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("iso-8859-1").split("\r\n")
    parsed = [tuple(part.strip() for part in line.split(":", 1)) for line in header_lines if ":" in line]
    return int(status_line.split()[1]), parsed, body.decode(errors="replace")


def offers(headers):
    return [value for name, value in headers if name.lower() == "www-authenticate"]


def login(args) -> dict:
    summary = {"method": args.method}
    status, headers, _body = request(args)
    summary["first"] = {"status": status, "www_authenticate": offers(headers)}
    if args.method == "basic":
        token = base64.b64encode(f"{args.user}:{args.password}".encode()).decode()
        status, headers, body = request(args, {"Authorization": f"Basic {token}"})
    else:
        negotiate = base64.b64encode(f"NEGOTIATE:{args.user}".encode()).decode()
        status, headers, body = request(args, {"Authorization": f"NTLM {negotiate}"})
        epid = dict((name.lower(), value) for name, value in headers).get("x-epid", "")
        challenge = offers(headers)[0].split(" ", 1)[1] if offers(headers) and " " in offers(headers)[0] else ""
        summary["challenge"] = {"status": status, "www_authenticate": offers(headers), "x_epid": bool(epid)}
        digest = hmac.new(args.password.encode(), challenge.encode(), hashlib.sha256).hexdigest()
        answer = base64.b64encode(f"{args.user}:{digest}".encode()).decode()
        status, headers, body = request(args, {"Authorization": f"NTLM {answer}", "x-epid": epid})
    summary["final"] = {"status": status, "www_authenticate": offers(headers)}
    if status == 200:
        summary["sessionid"] = json.loads(body)["sessionid"]
    return summary


async def open_session_socket(args, session: str) -> int:
    """Opens the session's WebSocket and echoes one message; the number echoed."""
    host, port = proxy_address(args)
    url = f"wss://{args.name}{'/ws/client/websocket'}?x-ucsessionid={urllib.parse.quote(session)}"
    context = ssl.create_default_context(cafile=args.cafile)
    async with websockets.connect(url, ssl=context, host=host, port=port, server_hostname=args.name,
                                  open_timeout=20) as ws:
        await ws.send("hello")
        return int(await asyncio.wait_for(ws.recv(), 20) == "hello")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--connect-to", required=True, help="host:port ([ipv6]:port) of the proxy")
    parser.add_argument("--cafile", required=True)
    parser.add_argument("--method", choices=["ntlm", "basic"], default="ntlm")
    parser.add_argument("--user", default="alice")
    parser.add_argument("--password", default="S3cret-Passw0rd")
    parser.add_argument("--logins", type=int, default=1)
    parser.add_argument("--websocket", action="store_true", help="open the session's WebSocket")
    parser.add_argument("--then-anonymous", action="store_true",
                        help="after each login, another client's first request (its status: anonymous_after)")
    args = parser.parse_args()
    args.name = urllib.parse.urlsplit(args.url).hostname
    ok = True
    for _attempt in range(args.logins):
        try:
            summary = login(args)
            if args.websocket and "sessionid" in summary:
                summary["websocket_echoed"] = asyncio.run(open_session_socket(args, summary["sessionid"]))
            if args.then_anonymous:
                summary["anonymous_after"] = request(args)[0]
        except (OSError, ssl.SSLError, websockets.exceptions.WebSocketException) as error:
            summary = {"error": f"{type(error).__name__}: {error}"}
        ok = ok and summary.get("final", {}).get("status") == 200
        print(json.dumps(summary), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
