"""A load balancer's view of logins: login requests sent at once to a proxy that trusts this
host's X-Forwarded-For, one per client address given, each on a connection of its own (opened
before any is sent): Basic logins with the password, or with "-" the first request of a login (no
credentials). Prints the status of each request in the order given, one per line (0: no answer),
then "spread S": the seconds between the first and the last request sent.
  forwarded_logins.py PROXY_ADDRESS SERVER_NAME CAFILE PASSWORD CLIENT_ADDRESS..."""
import base64
import http.client
import socket
import ssl
import sys
import threading
import time


def connect(proxy, server_name, context):
    """A connection to the proxy's address that checks the certificate for the server name (SNI)."""
    connection = http.client.HTTPSConnection(server_name, 443, context=context, timeout=10)
    connection.sock = context.wrap_socket(socket.create_connection((proxy, 443), timeout=10),
                                          server_hostname=server_name)
    return connection


def main(proxy, server_name, cafile, password, *clients):
    context = ssl.create_default_context(cafile=cafile)
    credentials = base64.b64encode(f"alice:{password}".encode()).decode()
    login = {} if password == "-" else {"Authorization": f"Basic {credentials}"}
    connections = [connect(proxy, server_name, context) for _client in clients]
    start, statuses, sent = threading.Barrier(len(clients)), [0] * len(clients), [None] * len(clients)

    def send(index):
        start.wait()
        try:
            connections[index].request("GET", "/ws/client/createsession",
                                       headers={**login, "X-Forwarded-For": clients[index]})
            sent[index] = time.monotonic()
            response = connections[index].getresponse()
            response.read()
            statuses[index] = response.status
        except OSError:
            pass
        connections[index].close()

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times = [moment for moment in sent if moment is not None]
    print("\n".join(map(str, statuses)), flush=True)
    print(f"spread {max(times) - min(times) if times else 0:.3f}", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
