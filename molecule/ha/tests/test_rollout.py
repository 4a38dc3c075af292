"""Rolling deploys with playbooks/site.yml: one proxy at a time, each behind the health gate; a
change that fails the gate on the first proxy is rolled back there and never reaches the second."""
import re

import pytest
import testinfra

from molecule_support import CONVERGE, PROXIES, SERVER_NAME, client_for, converge, run_playbook

SITE_FILE = "/etc/nginx/sites-available/reverseproxy"
BATCH = re.compile(r"^PLAY \[UCServer reverse proxies", re.M)


@pytest.fixture(scope="module")
def proxies():
    return {backend.split("://")[1]: testinfra.get_host(backend) for backend in PROXIES}


def batches(output: str) -> list:
    """The play's output split per serial batch: the names of the proxies each batch touched."""
    sections = BATCH.split(output)[1:]
    return [sorted(set(re.findall(r"^(?:ok|changed|fatal): \[([\w.-]+)\]", section, re.M))) for section in sections]


def serves(client_host, proxy, header=None):
    response = client_for(client_host, proxy).request(f"https://{SERVER_NAME}/ws/client/createsession")
    return response.status == 200 and (header is None or response.headers.get("x-fleet-change") == header)


def test_a_change_rolls_out_one_proxy_at_a_time_behind_the_gate(proxies, client_host):
    result = converge({"reverse_proxy_extra_headers": [{"name": "X-Fleet-Change", "value": "one"}]})
    assert batches(result.stdout) == [[name] for name in proxies], result.stdout[-3000:]
    assert result.stdout.count("TASK [ucproxy.nginx.reverse_proxy : Proxy carries an https request") == 2
    assert all(serves(client_host, proxy, "one") for proxy in proxies.values())


def test_a_change_failing_the_gate_is_rolled_back_and_stops_before_the_next_proxy(proxies, client_host):
    converge()  # both proxies on the scenario's configuration
    before = {name: proxy.file(SITE_FILE).sha256sum for name, proxy in proxies.items()}
    # Nothing listens on the client container's port 7224: the UCServer "does not answer".
    result = run_playbook(CONVERGE, {"reverse_proxy_upstream_host": "fleet-client",
                                     "reverse_proxy_health_gate_timeout": 5})
    assert result.returncode != 0
    first, second = list(proxies)
    assert batches(result.stdout) == [[first]], "the rollout went on after a failed gate"
    output = result.stdout + result.stderr  # failures are reported on stderr
    assert f"Health gate failed on {first}: https://{SERVER_NAME}/ answered 502" in output, output[-3000:]
    # Both keep serving their previous configuration: the first one restored, the second untouched.
    assert {name: proxy.file(SITE_FILE).sha256sum for name, proxy in proxies.items()} == before
    assert all(serves(client_host, proxy) for proxy in proxies.values())
