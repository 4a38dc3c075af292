"""Real clients in a client container of the scenario, talking to a proxy over the podman network
the way a ProCall app on the internet would: curl, openssl s_client, the WebSocket client
(tests/clients/ws_echo.py), logins (uclogin.py), a poller (poll.py) and many held WebSockets
(ws_hold_many.py), which the prepare step installs in /opt/ucproxy."""
import base64
import json
import shlex
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from molecule_support.host_paths import SITE
from molecule_support.scenario import SERVER_NAME, ipv6_address, pki_root
from molecule_support.waiting import wait_for


@dataclass
class Response:
    status: int
    http_version: str
    headers: dict = field(default_factory=dict)
    body: str = ""

    def json(self) -> dict:
        return json.loads(self.body)


class Client:
    """curl, openssl and a WebSocket client run inside the client container against one proxy."""

    def __init__(self, host, proxy_name: str, cafile: str, server_name: str = SERVER_NAME):
        self.host = host
        self.proxy = proxy_name  # the container's name, or an IPv6 address in brackets
        self.cafile = cafile
        self.server_name = server_name  # the name WebSockets, logins and handshakes use

    def run(self, command: str):
        return self.host.run(command)

    def over_ipv6(self) -> "Client":
        """The same client, connecting to the proxy's IPv6 address."""
        return Client(self.host, f"[{ipv6_address(self.proxy)}]", self.cafile, self.server_name)

    def curl(self, url: str, *curl_args: str):
        """curl, connecting to the proxy whatever host name the URL names; the command result."""
        command = [
            "curl", "-sS", "--max-time", "20", "--cacert", self.cafile,
            "--connect-to", f"::{self.proxy}:", "-o", "/tmp/body", "-D", "/tmp/headers",
            "-w", "%{json}", *curl_args, url,
        ]
        return self.run(shlex.join(command))

    def request(self, url: str, *curl_args: str) -> Response:
        """One request that must get an HTTP answer."""
        result = self.curl(url, *curl_args)
        assert result.rc == 0, f"curl {url} failed: {result.stderr}"
        meta = json.loads(result.stdout)
        headers = {}
        for line in self.host.file("/tmp/headers").content_string.splitlines()[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        return Response(meta["response_code"], meta["http_version"], headers,
                        self.host.file("/tmp/body").content_string)

    def tls(self, *args: str, servername: str | None = None):
        """openssl s_client handshake; returns the command result (rc 0 = handshake done)."""
        command = ["openssl", "s_client", "-connect", f"{self.proxy}:443",
                   "-servername", servername or self.server_name, "-verify_return_error", "-CAfile", self.cafile,
                   *args]
        return self.run(f"echo | timeout 20 {shlex.join(command)} 2>&1")

    def _websocket_command(self, path: str, *args: str) -> str:
        return shlex.join(["python3", "/opt/ucproxy/ws_echo.py", f"wss://{self.server_name}{path}",
                           "--connect-to", f"{self.proxy}:443", "--cafile", self.cafile, *args])

    def websocket(self, path: str, messages: int = 3) -> dict:
        result = self.run(self._websocket_command(path, "--messages", str(messages)))
        summary = json.loads(result.stdout)
        summary["rc"] = result.rc
        return summary

    def _login_command(self, *args: str) -> str:
        return shlex.join(["python3", "/opt/ucproxy/uclogin.py", f"https://{self.server_name}",
                           "--connect-to", f"{self.proxy}:443", "--cafile", self.cafile, *args])

    def login(self, *args: str) -> list:
        """Logs in to the UCServer stand-in through the proxy (tests/clients/uclogin.py); one
        summary per login."""
        return self._summaries(self.run(self._login_command(*args)))

    def crowd_login(self, logins: int, at_once: int) -> list:
        """`logins` multi-round logins by `at_once` users at a time (a process each); one summary
        per login."""
        command = self._login_command("--logins", str(logins // at_once))
        return self._summaries(self.run(" & ".join([command] * at_once) + " & wait"))

    @staticmethod
    def _summaries(result) -> list:
        return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]

    def session(self) -> str:
        """A session id of the stand-in, from a whole login through the proxy."""
        summary = self.login()[-1]
        assert "sessionid" in summary, summary
        return summary["sessionid"]

    def hold_websocket(self, seconds: int, name: str) -> "HeldWebSocket":
        """Opens a session's WebSocket, as a ProCall client does after logging in, that exchanges a
        message every 0.2 s for `seconds`, in the background."""
        output = f"/tmp/held-{name}.json"
        self.run(f"rm -f {output} {output}.stop")
        path = f"/ws/client/websocket?x-ucsessionid={self.session()}"
        command = self._websocket_command(path, "--hold", str(seconds), "--stop-file", f"{output}.stop")
        self.run(f"nohup sh -c '{command} > {output}.part; mv {output}.part {output}' >/dev/null 2>&1 &")
        held = HeldWebSocket(self, output)
        held.wait_until_open()
        return held


class HeldWebSocket:
    def __init__(self, client: Client, output: str):
        self.client = client
        self.output = output

    def wait_until_open(self, timeout: float = 20) -> None:
        # ws_echo.py writes "<output>.part" as soon as its first echo came back; "<output>" once
        # it ended, which it may only after the test is done with it.
        def opened() -> bool:
            if self.client.run(f"test -s {self.output}.part").rc == 0:
                return True
            ended = self.client.host.file(self.output)
            assert not ended.exists, f"the held WebSocket ended before it opened: {ended.content_string}"
            return False
        wait_for(opened, timeout, "held WebSocket did not open")

    def stop(self) -> None:
        """Ends the hold now (the result follows within a message round)."""
        self.client.run(f"touch {self.output}.stop")

    def end(self) -> dict:
        """Ends a hold that must still be open, so that it spanned whatever the test did since it
        opened; its summary."""
        assert not self.client.host.file(self.output).exists, "the held WebSocket ended before the test was done"
        self.stop()
        return self.result()

    def result(self, timeout: float = 120) -> dict:
        wait_for(lambda: self.client.host.file(self.output).exists, timeout, "held WebSocket did not finish")
        return json.loads(self.client.host.file(self.output).content_string.splitlines()[-1])


class ManyWebSockets:
    """tests/clients/ws_hold_many.py in the client container: `count` WebSockets held open at once
    (each checked with an echo when opened and again when stopped)."""

    def __init__(self, client: Client, count: int, name: str):
        self.client, self.count = client, count
        self.stop_file, self.output = f"/tmp/many-{name}.stop", f"/tmp/many-{name}.json"
        client.run(f"rm -f {self.stop_file} {self.output}")
        command = shlex.join(["python3", "/opt/ucproxy/ws_hold_many.py", f"wss://{SERVER_NAME}/ws/client/echo",
                              "--connect-to", f"{client.proxy}:443", "--cafile", client.cafile,
                              "--count", str(count), "--stop-file", self.stop_file, "--output", self.output])
        client.run(f"nohup {command} >/dev/null 2>&1 &")

    def opened(self) -> dict:
        """Waits until every WebSocket was opened (or failed); the summary."""
        wait_for(lambda: self.client.host.file(self.output).exists, 150, "the WebSockets were not opened")
        return json.loads(self.client.host.file(self.output).content_string)

    def stop(self) -> dict:
        """Ends the hold; the final summary, with the echoes after the hold."""
        self.client.run(f"touch {self.stop_file}")
        wait_for(lambda: '"closed"' in self.client.host.file(self.output).content_string, 90,
                 "the WebSockets were not closed")
        return json.loads(self.client.host.file(self.output).content_string)


def copy_to(target, content: bytes, path: str) -> None:
    """Writes `content` to `path` on a testinfra host."""
    encoded = base64.b64encode(content).decode()
    target.run_expect([0], f"echo {encoded} | base64 -d > {path}")


def served_certificate(client: Client, servername: str = SERVER_NAME, sigalgs: str | None = None,
                       cafile: str | None = None) -> dict:
    """The certificate the proxy serves for `servername`, fetched with openssl s_client from the
    client container, offering only `sigalgs` if given, verified against `cafile` if given (else
    taken as served). Its PEM (to trust it), SHA-256 fingerprint, serial, issuer, DNS names
    ("DNS:a, DNS:b") and key type ("rsa" or "ecdsa"); equal dicts mean the same certificate."""
    s_client = ["openssl", "s_client", "-connect", f"{client.proxy}:443", "-servername", servername]
    if sigalgs:
        s_client += ["-sigalgs", sigalgs]
    if cafile:
        s_client += ["-CAfile", cafile, "-verify_return_error"]
    result = client.run(f"echo | timeout 20 {shlex.join(s_client)} 2>/dev/null | openssl x509")
    assert result.rc == 0, f"no certificate from {client.proxy} for {servername}: {result.stderr}"
    certificate = x509.load_pem_x509_certificate(result.stdout.encode())
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        dns_names = names.get_values_for_type(x509.DNSName)
    except x509.ExtensionNotFound:
        dns_names = []
    return {"pem": result.stdout,
            "fingerprint": certificate.fingerprint(hashes.SHA256()).hex(":").upper(),
            "serial": f"{certificate.serial_number:X}",
            "issuer": certificate.issuer.rfc4514_string(),
            "names": ", ".join(f"DNS:{name}" for name in dns_names),
            "key_type": "ecdsa" if isinstance(certificate.public_key(), ec.EllipticCurvePublicKey) else "rsa"}


def client_for(client_host, proxy_host) -> Client:
    """The client container, trusting the test CA or, without one, the proxy's own certificate."""
    proxy = proxy_host.backend.name
    cafile = f"/tmp/ca-{proxy}.pem"
    if pki_root().exists():
        copy_to(client_host, pki_root().read_bytes(), cafile)
    else:
        copy_to(client_host, proxy_host.file(SITE.certificate).content, cafile)
    return Client(client_host, proxy, cafile)


class Poller:
    """tests/clients/poll.py in the client container: an https request through `client` every
    0.1 s (a failed one retried once on a new connection) until stopped; the summary says how
    many failed and the longest time without a successful answer."""

    def __init__(self, client: Client, name: str):
        self.client = client
        self.stop_file, self.output = f"/tmp/poll-{name}.stop", f"/tmp/poll-{name}.json"
        client.run(f"rm -f {self.stop_file} {self.output}")
        command = shlex.join(["python3", "/opt/ucproxy/poll.py", f"https://{SERVER_NAME}/",
                              "--connect-to", f"{client.proxy}:443", "--cafile", client.cafile,
                              "--stop-file", self.stop_file, "--output", self.output])
        client.run(f"nohup {command} >/dev/null 2>&1 &")

    def stop(self) -> dict:
        self.client.run(f"touch {self.stop_file}")
        wait_for(lambda: self.client.host.file(self.output).exists, 30, "poller did not stop")
        return json.loads(self.client.host.file(self.output).content_string)
