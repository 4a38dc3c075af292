"""New TLS handshakes per second for `make bench`, run inside the client container: each
connection does a full handshake (no resumption), one GET, and closes. Bounded by time."""
import argparse
import json
import multiprocessing
import socket
import ssl
import time


def worker(ip, name, seconds, queue):
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # measure the server, not our checks
    request = f"GET /ws/client/poll HTTP/1.1\r\nHost: {name}\r\nConnection: close\r\n\r\n".encode()
    done, failed, deadline = 0, 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((ip, 443), timeout=10) as raw:
                with context.wrap_socket(raw, server_hostname=name) as tls:
                    tls.sendall(request)
                    while tls.recv(65536):
                        pass
            done += 1
        except OSError:
            failed += 1
    queue.put((done, failed))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ip", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    queue = multiprocessing.Queue()
    processes = [multiprocessing.Process(target=worker, args=(args.ip, args.name, args.seconds, queue))
                 for _process in range(args.processes)]
    for process in processes:
        process.start()
    results = [queue.get(timeout=args.seconds + 60) for _process in processes]
    print(json.dumps({"per_second": sum(r[0] for r in results) / args.seconds,
                      "failed": sum(r[1] for r in results)}))


if __name__ == "__main__":
    main()
