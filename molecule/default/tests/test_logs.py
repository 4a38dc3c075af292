"""No secret in any log: after successful and failed logins, /ws/direct calls with credentials and
tokens (anywhere in the query, any letter case), a session's WebSocket, and the same with the
UCServer stopped, no secret appears in any file under /var/log/nginx nor in the journal, while
the access log shows the requests with their secrets masked."""
import base64
import json

import pytest
import testinfra

from molecule_support import PROXIES, RUNNER, SERVER_NAME, client_for, converge, wait_for

testinfra_hosts = PROXIES
PASSWORD = "S3cret-Passw0rd"
JSON_PROXY = "ucproxy-deb12"


def all_logs(host) -> str:
    files = host.run("find /var/log/nginx -type f -exec cat {} +").stdout
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
                  f"a=1&Token={token}&password={PASSWORD}&x-uctoken={token}", f"pass={PASSWORD}&pass={PASSWORD}"):
        client.request(f"{base}?{query}")
    client.request(base, "-H", f"x-uctoken: {token}", "-H", f"Authorization: Basic {base64.b64encode(b'alice:x').decode()}")
    client.websocket(f"/ws/client/websocket?x-ucsessionid={sessions[0]}")
    return secrets


@pytest.fixture(scope="module")
def standin():
    return testinfra.get_host(f"podman://{RUNNER.get_hosts('ucserver_standin')[0]}")


@pytest.fixture
def standin_stopped(standin):
    yield
    standin.run_expect([0], "systemctl start ucserver-standin")
    # systemd reports the start before the stand-in listens; the next proxy's test logs in at once.
    wait_for(lambda: standin.run("curl -s -o /dev/null http://localhost:7224/").rc == 0, 30,
             "the stand-in did not answer again")


def test_no_secret_in_any_log_with_the_ucserver_up_or_down(host, client, standin, standin_stopped):
    secrets = secret_requests(client)
    standin.run_expect([0], "systemctl stop ucserver-standin")
    base = f"https://{SERVER_NAME}/ws/direct/getversion"
    for query in (f"user=alice&pass={PASSWORD}", f"token={PASSWORD}", f"x-ucsessionid={PASSWORD}"):
        assert client.request(f"{base}?{query}").status == 502  # nginx's own: the UCServer is down
    logs = all_logs(host)
    leaked = sorted(secret for secret in secrets if secret in logs)
    assert not leaked, f"secrets in the logs of {host.backend.name}: {leaked}"
    access = host.file("/var/log/nginx/access.log").content_string
    assert "/ws/direct/getversion?user=alice&pass=*** " in access
    assert "?a=1&Token=***&password=***&x-uctoken=*** " in access
    assert "/ws/client/websocket?x-ucsessionid=*** " in access


@pytest.fixture
def json_logging():
    """The JSON access log on one proxy, Debian 12's (the oldest nginx): the format is the same
    template line on every proxy, and the masking it shares was proven on each above."""
    limit = ("--limit", JSON_PROXY)
    converge({"reverse_proxy_access_log_format": "json"}, args=limit)
    yield testinfra.get_host(f"podman://{JSON_PROXY}")
    converge(args=limit)


def test_json_access_log_for_a_siem_is_masked_the_same_way(client_host, json_logging):
    host = json_logging
    client = client_for(client_host, host)
    client.request(f"https://{SERVER_NAME}/ws/direct/getversion?user=alice&pass={PASSWORD}")
    entry = json.loads(host.file("/var/log/nginx/access.log").content_string.splitlines()[-1])
    assert entry["path"] == "/ws/direct/getversion" and entry["query"] == "user=alice&pass=***"
    assert (entry["method"], entry["status"], entry["host"], entry["tls"]) == ("GET", 200, SERVER_NAME, "TLSv1.3")
    assert entry["upstream_status"] == "200" and entry["websocket"] is False
    assert {"time", "client", "bytes", "request_time", "upstream_time"} <= set(entry)
    assert PASSWORD not in host.file("/var/log/nginx/access.log").content_string
