"""What fail2ban on a proxy has banned."""
from molecule_support.host_paths import FAIL2BAN_JAIL_NAME


def banned(proxy) -> str:
    """fail2ban's status of the role's jail, with the banned addresses and networks."""
    return proxy.run(f"fail2ban-client status {FAIL2BAN_JAIL_NAME}").stdout


def most_let_through(burst: int, rate_per_minute: int, spread: float) -> int:
    """The most login requests nginx's limit_req (burst as its queue, without nodelay) passes of
    requests that arrive within `spread` seconds: the one it serves at once, the queue, and one
    for every slot the rate frees while they arrive (and one freed as they start). The tests
    measure the spread: on a busy machine, requests sent at once arrive over a longer time."""
    return burst + 2 + int(rate_per_minute / 60 * spread)


def arrival_spread(entries: list) -> float:
    """Seconds between the first and the last of these requests reaching nginx, from their JSON
    access log entries (logged at `timestamp`, `request_time` after they arrived)."""
    arrivals = [entry["timestamp"] - entry["request_time"] for entry in entries]
    return max(arrivals) - min(arrivals)
