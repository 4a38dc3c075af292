"""The monitoring check the role installs (roles/reverse_proxy/files/check_ucproxy.py) against a
TLS server on loopback that answers as nginx would: states, status line and performance data as
the monitoring-plugins conventions want them."""
import datetime
import importlib.util
import json
import re
import socket
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from loopback_proxy import Proxy, certificate_file, nginx

ROOT = Path(__file__).resolve().parents[3]
# On the host, proxy_probe.py sits next to the check; here it is the collection's module_utils.
sys.path.insert(0, str(ROOT / "plugins" / "module_utils"))
SPEC = importlib.util.spec_from_file_location("check_ucproxy", ROOT / "roles" / "reverse_proxy" / "files" / "check_ucproxy.py")
check_ucproxy = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(check_ucproxy)

# monitoring-plugins performance data: 'label'=value[UOM];[warn];[crit];[min];[max]
PERFDATA = re.compile(r"^('[^']+'|[^ '=]+)=-?[0-9.]+(s|ms|%|B|KB|MB|c)?(;[0-9.:~@-]*){0,4}$")


@pytest.fixture
def proxy(tmp_path, request):
    server = Proxy(tmp_path, request.param)
    yield server
    server.close()


# The settings the role writes with its defaults (roles/reverse_proxy/vars/main/monitoring.yml).
DEFAULTS = yaml.safe_load((ROOT / "roles" / "reverse_proxy" / "defaults" / "main.yml").read_text())
ROLE_SETTINGS = {"path": DEFAULTS["reverse_proxy_health_gate_path"],
                 "websocket_path": DEFAULTS["reverse_proxy_health_gate_websocket_path"],
                 "warning": DEFAULTS["reverse_proxy_certificate_warning_days"],
                 "critical": DEFAULTS["reverse_proxy_certificate_critical_days"]}


def settings_file(directory, **settings):
    """A settings file as the role writes it, with these settings on top of the role's defaults."""
    path = Path(directory) / "check_ucproxy.json"
    path.write_text(json.dumps(dict(ROLE_SETTINGS, **settings)))
    return str(path)


def run(capsys, *args):
    """check_ucproxy with these arguments (and the role's default settings unless --config is given);
    (exit code, status line, performance data)."""
    with tempfile.TemporaryDirectory() as directory:
        code = check_ucproxy.main(list(args) if "--config" in args else ["--config", settings_file(directory), *args])
    line = capsys.readouterr().out.strip()
    assert "\n" not in line
    text, _bar, perfdata = line.partition(" | ")
    assert all(PERFDATA.match(item) for item in perfdata.split()), perfdata
    return code, text, perfdata.split()


def test_a_healthy_proxy_is_ok_with_days_left_in_the_performance_data(capsys, tmp_path):
    proxy = Proxy(tmp_path, nginx(), days=90)
    config = settings_file(tmp_path, server_name="uc.example.com", port=proxy.port)
    code, text, perfdata = run(capsys, "--config", config)
    assert code == 0, text
    assert text == "UCPROXY OK - https and WebSocket through uc.example.com answer (200, 101); certificates valid for 89+ days"
    # The served certificate (ECDSA here; the RSA-only handshake finds none), alerting below 21 and 7.
    assert perfdata[0].startswith("time=") and perfdata[1:] == ["days_ecdsa=90;21:;7:"]
    assert set(proxy.server_names) == {"uc.example.com"}


@pytest.mark.parametrize("days,code,state", [(15, 1, "WARNING"), (3, 2, "CRITICAL"), (-2, 2, "CRITICAL")])
def test_a_served_certificate_close_to_expiry_warns_then_turns_critical(capsys, tmp_path, days, code, state):
    proxy = Proxy(tmp_path, nginx(), days=days)
    found, text, _perfdata = run(capsys, "-H", "uc.example.com", "-p", str(proxy.port))
    assert (found, text.split(" - ")[0]) == (code, f"UCPROXY {state}"), text
    assert f"ECDSA certificate served for uc.example.com {'expired' if days < 0 else 'expires'} " in text


@pytest.mark.parametrize("proxy", [nginx()], indirect=True)
def test_certificate_files_can_be_checked_as_well(proxy, capsys, tmp_path):
    certificate = certificate_file(tmp_path / "uc.pem", days=15)
    code, text, perfdata = run(capsys, "-H", "uc.example.com", "-p", str(proxy.port), "-C", certificate)
    assert code == 1 and f"certificate {certificate} expires " in text, text
    assert "days_uc.pem=15;21:;7:" in perfdata


SIX_DAYS = datetime.timedelta(days=6)


@pytest.mark.parametrize("hours,code,state,days", [(40, 0, "OK", "1.667"), (30, 1, "WARNING", "1.25"),
                                                   (10, 2, "CRITICAL", "0.417")])
def test_a_certificate_that_lives_days_alerts_at_a_share_of_its_lifetime(capsys, tmp_path, hours, code, state, days):
    """A 6-day certificate: WARNING with a quarter (36 hours) left, CRITICAL with a twelfth (12 hours),
    where 21 and 7 days would alert for its whole life."""
    proxy = Proxy(tmp_path, nginx(), days=hours / 24, lifetime=SIX_DAYS)
    found, text, perfdata = run(capsys, "-H", "uc.example.com", "-p", str(proxy.port))
    assert (found, text.split(" - ")[0]) == (code, f"UCPROXY {state}"), text
    assert f"days_ecdsa={days};1.5:;0.5:" in perfdata
    if code:
        assert f"expires {proxy.not_after:%Y-%m-%d %H:%M} UTC ({hours - 1} hours)" in text, text
    else:
        assert text.endswith(f"certificates valid for {hours - 1}+ hours"), text


@pytest.mark.parametrize("proxy", [nginx(plain_status=502)], indirect=True)
def test_a_ucserver_that_does_not_answer_is_a_warning_of_its_own(proxy, capsys):
    code, text, _perfdata = run(capsys, "-H", "uc.example.com", "-p", str(proxy.port))
    assert code == 1
    assert text == "UCPROXY WARNING - proxy answers, but the UCServer behind it does not (https://uc.example.com/: 502)"


def test_a_proxy_that_does_not_answer_is_critical(capsys):
    with socket.create_server(("127.0.0.1", 0)) as unused:
        port = unused.getsockname()[1]
    code, text, _perfdata = run(capsys, "-H", "uc.example.com", "-p", str(port), "-t", "2")
    assert code == 2
    assert text.startswith("UCPROXY CRITICAL - proxy does not answer: https://uc.example.com via 127.0.0.1:")


@pytest.mark.parametrize("proxy", [nginx(accept="wrong")], indirect=True)
def test_a_broken_websocket_upgrade_is_critical(proxy, capsys):
    code, text, _perfdata = run(capsys, "-H", "uc.example.com", "-p", str(proxy.port))
    assert (code, text) == (2, "UCPROXY CRITICAL - WebSocket upgrade of wss://uc.example.com/ws/client/websocket "
                               "returned a wrong Sec-WebSocket-Accept")


@pytest.mark.parametrize("args,reason", [
    (["-H", "uc.example.com", "-w", "5", "-c", "10"], "thresholds out of order"),
    ([], "no server name"),
    (["-H", "uc.example.com", "--port", "https"], "invalid int value"),
    (["-H", "uc.example.com", "--path", "/a b"], "is not a URL path"),
])
def test_bad_arguments_are_unknown_with_a_clear_text(capsys, args, reason):
    code, text, _perfdata = run(capsys, *args)
    assert code == 3 and text.startswith("UCPROXY UNKNOWN - ") and reason in text, text


def test_help_explains_the_states(capsys):
    with pytest.raises(SystemExit) as exit_info:
        check_ucproxy.main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert all(state in text for state in ("0 OK", "1 WARNING", "2 CRITICAL", "3 UNKNOWN"))


@pytest.mark.parametrize("proxy", [nginx()], indirect=True)
def test_numbers_written_as_text_in_the_settings_are_read_as_numbers(proxy, capsys, tmp_path):
    config = settings_file(tmp_path, server_name="uc.example.com", port=str(proxy.port), warning="21", critical="7")
    code, text, _perfdata = run(capsys, "--config", config)
    assert code == 0, text


def test_every_site_of_the_settings_is_checked_and_the_worst_state_counts(capsys, tmp_path):
    healthy = nginx()

    def answer(head):
        # The second site's UCServer is down; the first one's answers.
        return nginx(plain_status=502)(head) if "b.example.com" in head else healthy(head)

    proxy = Proxy(tmp_path, answer)
    config = settings_file(tmp_path, server_name="a.example.com", port=proxy.port, sites=[
        {"server_name": "a.example.com", "path": "/", "websocket_path": "/ws/client/websocket"},
        {"server_name": "b.example.com", "path": "/b-health", "websocket_path": ""}])
    code, text, perfdata = run(capsys, "--config", config)
    assert code == 1, text
    assert text.startswith("UCPROXY WARNING - a.example.com: https and WebSocket through a.example.com answer (200, 101)")
    assert "; b.example.com: proxy answers, but the UCServer behind it does not (https://b.example.com/b-health: 502)" \
        in text
    assert [item.split("=")[0] for item in perfdata] == ["a.example.com_time", "a.example.com_days_ecdsa",
                                                         "b.example.com_time", "b.example.com_days_ecdsa"]
    # -H checks one name only, with its site's paths.
    code, text, _perfdata = run(capsys, "--config", config, "-H", "a.example.com")
    assert code == 0 and "b.example.com" not in text, text
    code, text, _perfdata = run(capsys, "--config", config, "-H", "b.example.com")
    assert text == "UCPROXY WARNING - proxy answers, but the UCServer behind it does not " \
                   "(https://b.example.com/b-health: 502)"


def test_without_the_settings_file_the_paths_and_thresholds_must_be_given(capsys, tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    code, text, _perfdata = run(capsys, "--config", str(empty), "-H", "uc.example.com", "--path", "/")
    assert code == 3
    assert text == ("UCPROXY UNKNOWN - no websocket_path, warning, critical: give --websocket-path, --warning, "
                    "--critical or the settings file the role writes")
