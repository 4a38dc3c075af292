"""The systemd sandbox of each service the role runs (reverse_proxy_sandbox, docs/security.md).

`systemd-analyze security` scores a unit's exposure from its settings, 0 (contained) to 10
(unsafe); each unit must stay at or under the limit docs/security.md's table gives it, which this
module reads, so the table and the test cannot disagree. A score only reads settings, so the
containment itself is proven from inside nginx's mount namespace: the workers are forked from the
master and share it (their own namespace files need ptrace rights the tests do not take)."""
import re

from molecule_support.host_paths import NGINX_PID, SANDBOX_DROPIN, UPGRADE_AFTER_DRAIN
from molecule_support.scenario import REPO

SECURITY_DOC = REPO / "docs" / "security.md"
# A row of the table: | `unit` | before | after | limit | why |
TABLE_ROW = re.compile(r"^\| `([\w.-]+\.service)` \| [^|]+ \| [^|]+ \| ([0-9.]+) \|", re.M)


def documented_limits() -> dict:
    limits = {unit: float(limit) for unit, limit in TABLE_ROW.findall(SECURITY_DOC.read_text())}
    assert limits, f"no table of units in {SECURITY_DOC}"
    return limits


def sandboxed_units(host) -> set:
    """The units with the role's sandbox on this host: a drop-in each, and the upgrade's helper
    (its sandbox is in its unit file)."""
    dropins = host.check_output(f"ls /etc/systemd/system/*.service.d/{SANDBOX_DROPIN} 2>/dev/null || true")
    helper = host.file(f"/etc/systemd/system/{UPGRADE_AFTER_DRAIN}")
    return ({path.split("/")[-2][:-len(".d")] for path in dropins.split()}
            | ({UPGRADE_AFTER_DRAIN} if helper.exists and "ProtectSystem=strict" in helper.content_string else set()))


def runs_sandboxed(host, unit) -> bool:
    """The unit's running main process can gain no new privileges, as the sandbox sets."""
    pid = host.check_output(f"systemctl show --property MainPID --value {unit}")
    return "NoNewPrivs:\t1" in host.file(f"/proc/{pid}/status").content_string


def exposure(host, unit) -> float:
    report = host.check_output(f"systemd-analyze security --no-pager {unit}")
    return float(re.search(rf"Overall exposure level for {re.escape(unit)}: ([0-9.]+)", report).group(1))


def assert_units_within_documented_exposure(host, expected_units: set) -> None:
    """The units this scenario runs are sandboxed, each at or under its documented exposure."""
    units = sandboxed_units(host)
    assert units == expected_units, f"sandboxed units on {host.backend.name}: {sorted(units)}"
    limits = documented_limits()
    exposures = {unit: exposure(host, unit) for unit in units}
    assert all(exposures[unit] <= limits[unit] for unit in units), \
        f"exposure above docs/security.md's limits {limits}: {exposures}"
    # The score reads the unit's settings; the services that run were started under them.
    running = {unit for unit in units if host.service(unit).is_running}
    assert running >= expected_units - {"certbot.service", UPGRADE_AFTER_DRAIN}, running
    assert all(runs_sandboxed(host, unit) for unit in running), running


def in_nginx_namespace(host, user: str, command: str):
    """`command` run as `user` in the mount namespace of nginx's master (and so of its workers)."""
    master = host.file(NGINX_PID).content_string.strip()
    return host.run(f"nsenter --target {master} --mount -- setpriv --reuid={user} --regid={user} --init-groups "
                    f"-- {command}")
