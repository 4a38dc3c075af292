"""Stand-in for the estos UCServer web service, as seen through the proxy.

Answers every GET/POST (any path) with a JSON echo of what arrived: method, path, query,
headers, body length and digest, and the TCP peer, so tests can tell whether nginx reused an
upstream connection. Any path accepts a WebSocket upgrade (RFC 6455) and echoes text and
binary messages. Two helper paths let tests provoke proxy behaviour:
  /standin/status/<code>          answers with that status code
  /standin/redirect?location=URL  answers 302 with that Location header
"""
import argparse
import hashlib

from aiohttp import WSMsgType, web


def echo(request: web.Request, body: bytes) -> dict:
    peer = request.transport.get_extra_info("peername") if request.transport else None
    return {
        "method": request.method,
        "path": request.path,
        "query": request.query_string,
        "headers": dict(request.headers.items()),
        "body_length": len(body),
        "body_sha256": hashlib.sha256(body).hexdigest(),
        "peer": f"{peer[0]}:{peer[1]}" if peer else None,
    }


async def websocket_echo(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(heartbeat=None)
    await ws.prepare(request)
    async for msg in ws:
        if msg.type == WSMsgType.TEXT:
            await ws.send_str(msg.data)
        elif msg.type == WSMsgType.BINARY:
            await ws.send_bytes(msg.data)
    return ws


async def handle(request: web.Request) -> web.StreamResponse:
    if request.headers.get("Upgrade", "").lower() == "websocket":
        return await websocket_echo(request)
    body = await request.read()
    data = echo(request, body)
    if request.path.startswith("/standin/status/"):
        return web.json_response(data, status=int(request.path.rsplit("/", 1)[1]))
    if request.path == "/standin/redirect":
        return web.json_response(data, status=302, headers={"Location": request.query["location"]})
    return web.json_response(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=7224)
    args = parser.parse_args()
    app = web.Application(client_max_size=1024**3)
    app.router.add_route("*", "/{tail:.*}", handle)
    web.run_app(app, host=args.host, port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
