"""Stand-in for the estos UCServer web service, as seen through the proxy.

Logs in like the UCServer (research-ucserver-login.md, Client_connection_setup.puml):
  GET|POST /ws/client/createsession
      without Authorization: 401 with two WWW-Authenticate headers, Basic and NTLM;
      Authorization: Basic <user:pass>: 200 {"sessionid": ...}, or 401 for wrong credentials;
      Authorization: NTLM <negotiate> (round 1): 401 with "WWW-Authenticate: NTLM <challenge>" and
      an x-epid header; Authorization: NTLM <answer> with that x-epid (round 2): 200 with the
      session, or 401 with a bare "WWW-Authenticate: NTLM" (a failure, as in MS-NTHT).
      With --ntlm-binds-connection (on in the service), like HTTP.sys, a connection that completed
      an NTLM login is that user's: a later createsession on it without Authorization gets a session.
      A round-1 token is base64("NEGOTIATE:<user>"), a round-2 token
      base64("<user>:" + hex(HMAC-SHA256(password, challenge))) (tests/clients/uclogin.py).
  /ws/client/websocket?x-ucsessionid=<id>   upgrades only for a session it issued (else 401)
  /ws/direct/<fn>?user=&pass= | ?token= | header x-uctoken   200 with the echo, else 401
  /standin/token?user=&pass=                a token for /ws/direct (200 {"token": ...})
  /ws/client/unknownucsid                   the UCServer's own JSON 502 ("not connected here")
Everything else is echoed as JSON (method, path, query, headers, body length and digest, the TCP
peer, so tests can tell whether nginx reused an upstream connection), and any other path accepts
a WebSocket upgrade and echoes text and binary messages. Requests of the role's health gate and
monitoring check (User-Agent ucproxy-health-check) are noted on stdout, the service's journal, as
one JSON line each ({"health_check": {time, host, path, peer}}): which name the gate checked,
through which proxy, and when. Helper paths:
  /standin/status/<code>          answers with that status code
  /standin/redirect?location=URL  answers 302 with that Location header
  /standin/whoami                 {"name": <--name, by default the host's name>} (which stand-in answered)
"""
import argparse
import base64
import binascii
import hashlib
import hmac
import json
import secrets
import socket
import time

from aiohttp import WSMsgType, web

LOGIN = "/ws/client/createsession"
SESSION_SOCKET = "/ws/client/websocket"
HEALTH_CHECK_AGENT = "ucproxy-health-check"


def echo(request: web.Request, body: bytes) -> dict:
    peer = request.transport.get_extra_info("peername") if request.transport else None
    return {
        "method": request.method,
        "path": request.path,
        "query": request.query_string,
        "headers": dict(request.headers.items()),
        # Every header as it arrived, repeated ones included.
        "header_list": [[name, value] for name, value in request.headers.items()],
        "body_length": len(body),
        "body_sha256": hashlib.sha256(body).hexdigest(),
        "peer": f"{peer[0]}:{peer[1]}" if peer else None,
    }


def note_health_check(request: web.Request) -> None:
    peer = request.transport.get_extra_info("peername") if request.transport else None
    print(json.dumps({"health_check": {"time": time.time(), "host": request.host, "path": request.path,
                                       "peer": peer[0] if peer else None}}), flush=True)


def ntlm_answer(user: str, password: str, challenge: str) -> str:
    digest = hmac.new(password.encode(), challenge.encode(), hashlib.sha256).hexdigest()
    return base64.b64encode(f"{user}:{digest}".encode()).decode()


class UCServer:
    def __init__(self, name: str, user: str, password: str, ntlm_binds_connection: bool = False):
        self.name, self.user, self.password = name, user, password
        self.sessions, self.tokens, self.rounds = set(), set(), {}
        self.ntlm_binds_connection = ntlm_binds_connection
        self.logged_in = {}  # peer -> the connection (transport) an NTLM login completed on

    def _logged_in_connection(self, request: web.Request) -> bool:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        return self.ntlm_binds_connection and peer is not None and self.logged_in.get(peer) is request.transport

    def _decode(self, token: str) -> str:
        try:
            return base64.b64decode(token, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return ""

    @staticmethod
    def unauthorized(offers, failed: bool) -> web.Response:
        """401 with one WWW-Authenticate header per offer."""
        response = web.json_response({"error": "login failed" if failed else "authentication required"}, status=401)
        for offer in offers:
            response.headers.add("WWW-Authenticate", offer)
        return response

    def _challenge(self, failed: bool) -> web.Response:
        """401 offering both methods: at first contact, and after wrong credentials."""
        return self.unauthorized(['Basic realm="UCServer"', "NTLM"], failed)

    def _session(self) -> web.Response:
        session = secrets.token_hex(16)
        self.sessions.add(session)
        return web.json_response({"sessionid": session})

    def create_session(self, request: web.Request) -> web.Response:
        scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
        if not scheme:
            return self._session() if self._logged_in_connection(request) else self._challenge(failed=False)
        if scheme.lower() == "basic":
            user, _colon, password = self._decode(token).partition(":")
            if (user, password) == (self.user, self.password):
                return self._session()
            return self._challenge(failed=True)
        if scheme.upper() == "NTLM":
            epid = request.headers.get("x-epid", "")
            if not epid:  # round 1: negotiate -> challenge
                kind, _colon, user = self._decode(token).partition(":")
                if kind != "NEGOTIATE" or not user:
                    return self.unauthorized(["NTLM"], failed=True)
                epid, challenge = secrets.token_hex(8), secrets.token_hex(16)
                self.rounds[epid] = (user, challenge)
                response = self.unauthorized([f"NTLM {challenge}"], failed=False)
                response.headers["x-epid"] = epid
                return response
            user, challenge = self.rounds.pop(epid, ("", ""))
            if challenge and user == self.user and hmac.compare_digest(
                    token, ntlm_answer(self.user, self.password, challenge)):
                if request.transport:
                    self.logged_in[request.transport.get_extra_info("peername")] = request.transport
                return self._session()
            return self.unauthorized(["NTLM"], failed=True)
        return self._challenge(failed=True)

    def direct_allowed(self, request: web.Request) -> bool:
        query = request.query
        token = query.get("token") or request.headers.get("x-uctoken", "")
        return (query.get("user"), query.get("pass")) == (self.user, self.password) or token in self.tokens

    def issue_token(self, request: web.Request) -> web.Response:
        if (request.query.get("user"), request.query.get("pass")) != (self.user, self.password):
            return self.unauthorized([], failed=True)
        token = secrets.token_hex(16)
        self.tokens.add(token)
        return web.json_response({"token": token})


async def websocket_echo(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(heartbeat=None)
    await ws.prepare(request)
    async for msg in ws:
        if msg.type == WSMsgType.TEXT:
            await ws.send_str(msg.data)
        elif msg.type == WSMsgType.BINARY:
            await ws.send_bytes(msg.data)
    return ws


def make_handler(server: UCServer):
    async def handle(request: web.Request) -> web.StreamResponse:
        path = request.path
        if request.headers.get("User-Agent") == HEALTH_CHECK_AGENT:
            note_health_check(request)
        if request.headers.get("Upgrade", "").lower() == "websocket":
            if path == SESSION_SOCKET and request.query.get("x-ucsessionid") not in server.sessions:
                return web.json_response({"error": "no such session"}, status=401)
            return await websocket_echo(request)
        body = await request.read()
        data = echo(request, body)
        if path == LOGIN:
            return server.create_session(request)
        if path.startswith("/ws/direct/"):
            return web.json_response(data) if server.direct_allowed(request) else server.unauthorized([], True)
        if path == "/standin/token":
            return server.issue_token(request)
        if path == "/standin/whoami":
            return web.json_response({"name": server.name})
        if path == "/ws/client/unknownucsid":
            return web.json_response({"error": "UCServer is not connected here"}, status=502)
        if path.startswith("/standin/status/"):
            return web.json_response(data, status=int(path.rsplit("/", 1)[1]))
        if path == "/standin/redirect":
            return web.json_response(data, status=302, headers={"Location": request.query["location"]})
        return web.json_response(data)
    return handle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=7224)
    parser.add_argument("--name", default=socket.gethostname(),
                        help="answered on /standin/whoami (default: the host's name, a container's name)")
    parser.add_argument("--user", default="alice")
    parser.add_argument("--password", default="S3cret-Passw0rd")
    parser.add_argument("--ntlm-binds-connection", action="store_true",
                        help="a connection that completed an NTLM login stays logged in (as HTTP.sys)")
    args = parser.parse_args()
    app = web.Application(client_max_size=1024**3)
    server = UCServer(args.name, args.user, args.password, args.ntlm_binds_connection)
    app.router.add_route("*", "/{tail:.*}", make_handler(server))
    web.run_app(app, host=args.host, port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
