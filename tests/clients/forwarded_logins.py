"""A load balancer's view of logins: login requests sent to a proxy that trusts this host's
X-Forwarded-For, each naming the next client address given, on keep-alive connections: Basic
logins with the password, or with "-" the first request of a login (no credentials). Prints the
status of each request, one per line.
  forwarded_logins.py PROXY_ADDRESS SERVER_NAME CAFILE PASSWORD CLIENT_ADDRESS..."""
import base64
import http.client
import socket
import ssl
import sys


def connect(proxy, server_name, context):
    """A connection to the proxy's address that checks the certificate for the server name (SNI)."""
    connection = http.client.HTTPSConnection(server_name, 443, context=context, timeout=10)
    connection.sock = context.wrap_socket(socket.create_connection((proxy, 443), timeout=10),
                                          server_hostname=server_name)
    return connection


def main(proxy, server_name, cafile, password, *clients):
    context = ssl.create_default_context(cafile=cafile)
    connection = connect(proxy, server_name, context)
    credentials = base64.b64encode(f"alice:{password}".encode()).decode()
    login = {} if password == "-" else {"Authorization": f"Basic {credentials}"}
    for client in clients:
        connection.request("GET", "/ws/client/createsession", headers={**login, "X-Forwarded-For": client})
        response = connection.getresponse()
        response.read()
        print(response.status, flush=True)
        if response.will_close:
            connection.close()
            connection = connect(proxy, server_name, context)


if __name__ == "__main__":
    main(*sys.argv[1:])
