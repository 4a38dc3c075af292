"""What the UCServer stand-in (tests/standin/ucserver_standin.py) received, from its journal."""
import json


def health_checks(standin, since: float) -> list:
    """The requests of the role's health gate or monitoring check the stand-in on testinfra host
    `standin` received since `since` (a Unix time), in order: their time, Host, path and peer
    (the address of the proxy they came through)."""
    journal = standin.run(f"journalctl -u ucserver-standin -o cat --no-pager --since @{int(since)}").stdout
    checks = [json.loads(line)["health_check"] for line in journal.splitlines() if line.startswith('{"health_check"')]
    return [check for check in checks if check["time"] >= since]
