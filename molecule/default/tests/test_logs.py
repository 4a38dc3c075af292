"""No secret in any log: after successful and failed logins, /ws/direct calls with credentials and
tokens (anywhere in the query, any letter case, after `;`, a percent-encoded name), a session's
WebSocket, and the same with the UCServer stopped, no secret appears in any file under
/var/log/nginx nor in the journal, while the access log shows the requests with their secrets
masked, in the combined format and in the JSON one (the modern proxy's, reverse_proxy_access_log_format in the inventory)."""
import base64
import json
import re
import time

import pytest

from molecule_support.clients import client_for
from molecule_support.host_logs import LogSince
from molecule_support.host_paths import ACCESS_LOG, NGINX_LOGS
from molecule_support.scenario import SERVER_NAME, container, first_of, proxy_backends, proxy_names, proxy_vars
from molecule_support.waiting import wait_for

testinfra_hosts = proxy_backends()
PASSWORD = "S3cret-Passw0rd"


def all_logs(host) -> str:
    files = host.run(f"find {NGINX_LOGS} -type f -exec cat {{}} +").stdout
    return files + host.run("journalctl --no-pager -o cat").stdout


def secret_requests(client) -> set:
    """Runs requests that carry secrets through the proxy; the secrets they carried."""
    secrets = {PASSWORD, base64.b64encode(f"alice:{PASSWORD}".encode()).decode(), "Wr0ng-Guess-1"}
    sessions = [summary["sessionid"] for summary in client.login("--websocket") + client.login("--method", "basic")]
    secrets.update(sessions)
    client.login("--method", "basic", "--password", "Wr0ng-Guess-1")
    token = client.request(f"https://{SERVER_NAME}/standin/token?user=alice&pass={PASSWORD}").json()["token"]
    secrets.add(token)
    base = f"https://{SERVER_NAME}/ws/direct/getversion"
    for query in (f"user=alice&pass={PASSWORD}", f"PASS={PASSWORD}&user=alice", f"token={token}&x=1",
                  f"a=1&Token={token}&password={PASSWORD}&x-uctoken={token}", f"pass={PASSWORD}&pass={PASSWORD}",
                  f"user=alice;pass={PASSWORD}", f"user=alice&p%61ss={PASSWORD}"):
        client.request(f"{base}?{query}")
    basic = base64.b64encode(b"alice:x").decode()
    client.request(base, "-H", f"x-uctoken: {token}", "-H", f"Authorization: Basic {basic}")
    client.websocket(f"/ws/client/websocket?x-ucsessionid={sessions[0]}")
    return secrets


@pytest.fixture(scope="module")
def standin():
    return first_of("ucserver_standin")


@pytest.fixture
def standin_stopped(standin):
    yield
    standin.run_expect([0], "systemctl start ucserver-standin")
    # systemd reports the start before the stand-in listens; the next proxy's test logs in at once.
    wait_for(lambda: standin.run("curl -s -o /dev/null http://localhost:7224/").rc == 0, 30,
             "the stand-in did not answer again")


def json_format(host) -> bool:
    return proxy_vars(host).get("reverse_proxy_access_log_format", "combined") == "json"


def logged_requests(host, text: str) -> list:
    """The requests (path and query, as logged) in access log lines of the proxy's format."""
    if json_format(host):
        entries = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
        return [entry["path"] + ("?" + entry["query"] if entry["query"] else "") for entry in entries]
    return re.findall(r'"[A-Z]+ (\S+) HTTP/[0-9.]+"', text)


def test_no_secret_in_any_log_with_the_ucserver_up_or_down(host, client, standin, standin_stopped):
    access = LogSince(host, ACCESS_LOG)
    secrets = secret_requests(client)
    standin.run_expect([0], "systemctl stop ucserver-standin")
    base = f"https://{SERVER_NAME}/ws/direct/getversion"
    for query in (f"user=alice&pass={PASSWORD}", f"token={PASSWORD}", f"x-ucsessionid={PASSWORD}"):
        assert client.request(f"{base}?{query}").status == 502  # nginx's own: the UCServer is down
    logs = all_logs(host)
    leaked = sorted(secret for secret in secrets if secret in logs)
    assert not leaked, f"secrets in the logs of {host.backend.name}: {leaked}"
    # This test's requests are in the access log (in the proxy's format) with their secrets masked.
    logged = logged_requests(host, access.text())
    for request in ("/ws/direct/getversion?user=alice&pass=***", "/ws/direct/getversion?a=1&Token=***&password=***"
                    "&x-uctoken=***", "/ws/direct/getversion?user=alice;pass=***",
                    "/ws/direct/getversion?user=alice&p%61ss=***", "/ws/client/websocket?x-ucsessionid=***"):
        assert request in logged, (request, logged)


def test_json_access_log_for_a_siem_has_the_fields_it_reads(client_host):
    """On the proxy that logs JSON (the modern one, set in the inventory): the format is one
    template line for every proxy, and its masking was proven on each above."""
    [host] = [proxy for proxy in map(container, proxy_names()) if json_format(proxy)]
    client = client_for(client_host, host)
    access = LogSince(host, ACCESS_LOG)
    client.request(f"https://{SERVER_NAME}/ws/direct/getversion?user=alice&pass={PASSWORD}")
    entry = json.loads(access.text().splitlines()[-1])
    assert entry["path"] == "/ws/direct/getversion" and entry["query"] == "user=alice&pass=***"
    assert (entry["method"], entry["status"], entry["host"], entry["tls"]) == ("GET", 200, SERVER_NAME, "TLSv1.3")
    assert entry["upstream_status"] == "200" and entry["websocket"] is False
    assert {"time", "client", "bytes", "request_time", "upstream_time"} <= set(entry)
    assert abs(entry["timestamp"] - time.time()) < 60, entry  # seconds since the epoch, with milliseconds
