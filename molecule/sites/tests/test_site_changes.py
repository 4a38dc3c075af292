"""Changes to the list of sites, on both proxies at once: a site whose UCServer does not answer
fails the gate, the change is rolled back and the run names the site; a site taken out of the
list is removed with a reload (no restart) while WebSockets held on the other sites keep echoing,
and the admin's own site stays. Leaves the proxies without the removed site (a module that needs
it converges the scenario back first)."""
import pytest

from molecule_support.ansible_runs import CONVERGE, converge, run_playbook
from molecule_support.host_paths import NGINX_PID, SitePaths
from molecule_support.scenario import container, proxy_names
from molecule_support.scenario_state import host_state
from sites_support import answering_ucserver, clients, inventory_sites

REMOVED = SitePaths("beta")
# The site of the admin's own the prepare step put on the proxies.
FOREIGN = SitePaths("foreign")


@pytest.fixture(scope="module")
def proxies():
    return [container(name) for name in proxy_names()]


def every_name_reaches_its_ucserver(client_host, proxy) -> bool:
    return all(answering_ucserver(client) == site["upstream_host"]
               for site, client in clients(client_host, proxy).values())


def test_a_site_whose_ucserver_does_not_answer_fails_the_gate_and_every_site_keeps_serving(proxies, client_host):
    sites = inventory_sites(proxies[0])
    before = [host_state(proxy, processes=False) for proxy in proxies]
    # Nothing listens on the client container's port 7224.
    broken = [dict(site, upstream_host="sites-client") if site["name"] == REMOVED.site else site for site in sites]
    result = run_playbook(CONVERGE, {"reverse_proxy_sites": broken, "reverse_proxy_health_gate_timeout": 5})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    for proxy in proxies:
        assert f"Health gate failed on {proxy.backend.name} for site {REMOVED.site}: " in output, output[-3000:]
    assert [host_state(proxy, processes=False) for proxy in proxies] == before
    assert all(every_name_reaches_its_ucserver(client_host, proxy) for proxy in proxies)


def test_a_site_taken_out_of_the_list_is_removed_without_dropping_the_others_websockets(proxies, client_host):
    sites = inventory_sites(proxies[0])
    held, masters = [], {}
    for proxy in proxies:
        masters[proxy.backend.name] = proxy.file(NGINX_PID).content_string.strip()
        for name, (site, client) in clients(client_host, proxy).items():
            if site["name"] != REMOVED.site:
                held.append((name, client.hold_websocket(900, f"{proxy.backend.name}-{name}")))
    converge({"reverse_proxy_sites": [site for site in sites if site["name"] != REMOVED.site]})
    for name, websocket in held:
        websocket.stop()
        result = websocket.result()
        assert "error" not in result and result["echoed"] == result["sent"] > 0, (name, result)
    for proxy in proxies:
        assert proxy.file(NGINX_PID).content_string.strip() == masters[proxy.backend.name], "nginx restarted"
        left = proxy.run(f"ls {REMOVED.file} {REMOVED.link} {REMOVED.tls_files} {REMOVED.state_files} "
                         "2>/dev/null").stdout
        assert left == "", left
        for name, (site, client) in clients(client_host, proxy).items():
            if site["name"] == REMOVED.site:
                assert client.tls().rc != 0, f"{name} is still served"
            else:
                assert answering_ucserver(client) == site["upstream_host"], name
        # The admin's own site is untouched and served.
        assert proxy.file(FOREIGN.link).linked_to == FOREIGN.file
        foreign = proxy.run("python3 -c 'import urllib.request; "
                            "print(urllib.request.urlopen(\"http://127.0.0.1:8081/\", timeout=5).read().decode())'")
        assert foreign.stdout.strip() == "foreign"
