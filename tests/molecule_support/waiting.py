"""Bounded waits: a test waits for what it expects, up to a limit, instead of sleeping."""
import time


def wait_for(condition, timeout: float, message: str, interval: float = 0.5):
    """Polls `condition` until it returns something truthy; that value. Fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} within {timeout} s")
        time.sleep(interval)


def holds_for(condition, duration: float, message: str, interval: float = 0.5) -> None:
    """Checks `condition` every `interval` for `duration` seconds; fails the first time it is false."""
    deadline = time.monotonic() + duration
    while time.monotonic() < deadline:
        assert condition(), message
        time.sleep(interval)
