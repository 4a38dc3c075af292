"""Load client for `make bench`, run inside the client container: opens WebSockets through the
proxy in several processes, echoes one message on each, holds them, and checks each again at
the end. Each process logs in once, the way a ProCall client does (uclogin.py, copied beside this
file), and holds its sockets on the UCServer's own path with that session:
/ws/client/websocket?x-ucsessionid=<session>. Bounded: a fixed number of connections, a handshake
concurrency limit and timeouts. Writes {"opened": n} to --ready.<process> when the ramp is done,
a JSON summary to stdout."""
import argparse
import asyncio
import json
import multiprocessing
import ssl
import time
import urllib.parse

from websockets.asyncio.client import connect

from uclogin import login

SESSION_SOCKET = "/ws/client/websocket"


def log_in(args):
    """One NTLM-style login through the proxy: (session id, None), or (None, the kind of error)."""
    client = argparse.Namespace(connect_to=f"{args.ip}:443", cafile=args.cafile, name=args.name, method="ntlm",
                                user=args.user, password=args.password)
    try:
        summary = login(client)
    except Exception as exc:  # reported in the summary: this process then opens no socket
        return None, f"login {type(exc).__name__}"
    if "sessionid" not in summary:
        return None, f"login HTTP {summary['final']['status']}"
    return summary["sessionid"], None


def session_socket_url(name, session):
    return f"wss://{name}{SESSION_SOCKET}?x-ucsessionid={urllib.parse.quote(session)}"


def write_ready(ready_file, index, opened, first_echo):
    with open(f"{ready_file}.{index}", "w") as ready:
        json.dump({"opened": opened, "first_echo": first_echo}, ready)


async def hold_many(args, url, count, ready_file, release_file, index):
    context = ssl.create_default_context(cafile=args.cafile)
    gate = asyncio.Semaphore(args.concurrency)
    opened, first_echo, final_echo, errors = [], 0, 0, {}
    release = asyncio.Event()
    ramp_over = False
    attempted = 0

    async def one():
        nonlocal first_echo, final_echo, attempted
        try:
            async with gate:
                if ramp_over:  # the ramp's time is up: this connection is not attempted
                    return
                attempted += 1
                ws = await connect(url, ssl=context, host=args.ip, port=443, open_timeout=20,
                                   ping_interval=None, close_timeout=5, max_queue=4)
                await ws.send("hello")
                if await asyncio.wait_for(ws.recv(), 30) == "hello":
                    first_echo += 1
            opened.append(ws)
            await release.wait()
            await ws.send("still there")
            if await asyncio.wait_for(ws.recv(), 30) == "still there":
                final_echo += 1
            await ws.close()
        except Exception as exc:  # counted per kind, the run goes on
            errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1

    async def wait_for_release():
        while True:
            try:
                with open(release_file):
                    break
            except FileNotFoundError:
                await asyncio.sleep(0.2)
        release.set()

    tasks = [asyncio.create_task(one()) for _socket in range(count)]
    releaser = asyncio.create_task(wait_for_release())
    deadline = time.monotonic() + args.ramp_timeout
    while len(opened) + sum(errors.values()) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    ramp_over = True
    write_ready(ready_file, index, len(opened), first_echo)
    await releaser
    await asyncio.wait(tasks, timeout=120)
    return {"logins": 1, "attempted": attempted, "opened": len(opened), "first_echo": first_echo,
            "final_echo": final_echo, "errors": errors}


def worker(args, count, index, queue):
    session, login_error = log_in(args)
    if session is None:  # nothing to hold: the process is ready at once
        write_ready(args.ready, index, 0, 0)
        queue.put({"logins": 0, "attempted": 0, "opened": 0, "first_echo": 0, "final_echo": 0,
                   "errors": {login_error: 1}})
        return
    url = session_socket_url(args.name, session)
    queue.put(asyncio.run(hold_many(args, url, count, args.ready, args.release, index)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("name", help="the server name the proxy publishes, e.g. uc.example.test")
    parser.add_argument("--ip", required=True, help="address of the proxy")
    parser.add_argument("--user", default="alice", help="the stand-in's user")
    parser.add_argument("--password", default="S3cret-Passw0rd")
    parser.add_argument("--cafile", required=True)
    parser.add_argument("--connections", type=int, default=10000)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=50, help="handshakes in flight per process")
    parser.add_argument("--ramp-timeout", type=float, default=240, help="seconds to open them all")
    parser.add_argument("--ready", required=True, help="file prefix written when the ramp is done")
    parser.add_argument("--release", required=True, help="file whose creation ends the hold")
    args = parser.parse_args()
    queue = multiprocessing.Queue()
    share = [args.connections // args.processes + (1 if i < args.connections % args.processes else 0)
             for i in range(args.processes)]
    processes = [multiprocessing.Process(target=worker, args=(args, n, i, queue)) for i, n in enumerate(share)]
    for process in processes:
        process.start()
    results = [queue.get(timeout=args.ramp_timeout + 300) for _process in processes]
    for process in processes:
        process.join(timeout=30)
    counts = ("logins", "attempted", "opened", "first_echo", "final_echo")
    total = {key: sum(r[key] for r in results) for key in counts}
    total["errors"] = {}
    for r in results:
        for kind, n in r["errors"].items():
            total["errors"][kind] = total["errors"].get(kind, 0) + n
    print(json.dumps(total))


if __name__ == "__main__":
    main()
