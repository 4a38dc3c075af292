"""New TLS handshakes per second for `make bench`, run inside the client container with Debian's
h2load (nghttp2-client, C): each connection does a full handshake, one GET over HTTP/1.1 and
closes. The client must not be what limits the figure (a Python client on the same two cores was;
see docs/benchmarks.md), so it is h2load in one thread, and the load is stepped up:

h2load's rate mode opens connections at a fixed rate (one h2load client per connection, one request
each, so no TLS session is ever reused: a client that reconnects, as h2load and wrk do, resumes its
session and measures resumptions instead). Each step offers `rate` connections per second for
--step-seconds; when the proxy completes fewer than 90 % of what was offered it is saturated and
its completion rate is the figure. The highest completion rate of any step is printed. Bounded:
at most --steps steps, each in count and time."""
import argparse
import json
import re
import subprocess

UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6}


def step(url, rate, seconds, timeout):
    """One h2load run offering `rate` new connections per second; its counts and elapsed time."""
    total = max(1, int(rate * seconds))
    per_period = max(1, rate // 10)  # connections started every 100 ms
    command = ["h2load", "--h1", "-t", "1", "-n", str(total), "-c", str(total), "-r", str(per_period),
               "--rate-period", "100ms", url]
    out = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False).stdout
    finished = re.search(r"finished in ([\d.]+)(s|ms|us),", out)
    counts = re.search(r"requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, "
                       r"(\d+) errored, (\d+) timeout", out)
    if not finished or not counts:
        raise RuntimeError(f"h2load gave no result: {out[-2000:]}")
    elapsed = float(finished.group(1)) * UNITS[finished.group(2)]
    succeeded, failed = int(counts.group(3)), int(counts.group(4))
    protocol = re.search(r"TLS Protocol: (\S+)", out)
    return {"offered": rate, "connections": total, "succeeded": succeeded,
            "failed": failed, "seconds": round(elapsed, 2), "per_second": round(succeeded / elapsed, 1),
            "tls": protocol.group(1) if protocol else None}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--name", required=True, help="server name (resolves to the proxy in the container)")
    parser.add_argument("--path", default="/ws/client/poll")
    parser.add_argument("--start-rate", type=int, default=200, help="new connections per second, first step")
    parser.add_argument("--factor", type=float, default=1.5)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--step-seconds", type=float, default=4)
    args = parser.parse_args()
    url = f"https://{args.name}{args.path}"
    rate, steps, saturated = args.start_rate, [], False
    for _number in range(args.steps):
        result = step(url, rate, args.step_seconds, timeout=args.step_seconds * 10 + 60)
        steps.append(result)
        if result["per_second"] < 0.9 * rate:
            saturated = True  # the proxy completes less than was offered
            break
        rate = int(rate * args.factor)
    best = max(steps, key=lambda s: s["per_second"])
    print(json.dumps({"per_second": best["per_second"], "saturated": saturated,
                      "failed": sum(s["failed"] for s in steps), "steps": steps}))


if __name__ == "__main__":
    main()
