"""A stream of plain requests for `make bench` while configuration changes are applied, run in
the client container. It behaves like a browser or a mobile HTTP stack: keep-alive connections,
and a GET that fails because the server closed an idle keep-alive connection before answering
is sent once more on a new connection (RFC 9112 section 9.3.1 allows that for idempotent
requests; nginx's old workers close their idle connections after a reload). A request counts
as failed if it still has no 2xx answer after that. Bounded by time; prints one JSON line."""
import argparse
import asyncio
import json
import time

import aiohttp

# Raised when a connection the server closed is used, before any answer arrived.
STALE_CONNECTION = (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError)


def count_failure(counts, error):
    kind = error if isinstance(error, str) else type(error).__name__
    counts["failed"] += 1
    counts["errors"][kind] = counts["errors"].get(kind, 0) + 1


async def worker(url, deadline, counts):
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1, ssl=False),
                                     timeout=aiohttp.ClientTimeout(total=10)) as session:
        while time.monotonic() < deadline:
            counts["requests"] += 1
            for attempt in (1, 2):
                try:
                    async with session.get(url) as response:
                        await response.read()
                        if response.status // 100 != 2:
                            count_failure(counts, f"HTTP {response.status}")
                    break
                except aiohttp.ClientConnectorError as error:  # no connection at all: no retry
                    count_failure(counts, error)
                    break
                except STALE_CONNECTION as error:
                    if attempt == 1:
                        counts["retried"] += 1
                        continue
                    count_failure(counts, error)
                except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                    count_failure(counts, error)
                    break


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    counts = {"requests": 0, "retried": 0, "failed": 0, "errors": {}}
    deadline = time.monotonic() + args.seconds
    await asyncio.gather(*(worker(args.url, deadline, counts) for _connection in range(args.connections)))
    print(json.dumps(counts))


if __name__ == "__main__":
    asyncio.run(main())
