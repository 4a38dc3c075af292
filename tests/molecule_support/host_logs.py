"""What a log file or a unit's journal on a host received since a point in a test: a check that
reads the whole log would also find what an earlier test or an earlier verify run wrote, and could
not fail."""
import json


class LogSince:
    """The lines a log file on `host` gets from now on."""

    def __init__(self, host, path: str):
        self.host, self.path = host, path
        self.start = self._length()

    def _length(self) -> int:
        result = self.host.run(f"test -e {self.path} && wc -l < {self.path} || echo 0")
        return int(result.stdout.strip())

    def text(self) -> str:
        """What the log got since this object was made."""
        return self.host.run(f"tail -n +{self.start + 1} {self.path} 2>/dev/null").stdout


def journal(host, unit: str, since: float) -> list:
    """The journal of `unit` on `host` since `since` (a Unix time): (time, message) pairs, oldest
    first. The containers share the machine's clock, so times of different hosts compare."""
    output = host.check_output(f"journalctl -u {unit} -o json --output-fields=MESSAGE --no-pager --since @{int(since)}")
    entries = [json.loads(line) for line in output.splitlines() if line.strip()]
    return [(int(entry["__REALTIME_TIMESTAMP"]) / 1e6, entry["MESSAGE"]) for entry in entries
            if isinstance(entry.get("MESSAGE"), str) and int(entry["__REALTIME_TIMESTAMP"]) / 1e6 >= since]
