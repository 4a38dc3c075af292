"""Writes the part of a file between two marker lines that a script generates, or with --check
says whether it is stale; shared by the scripts that generate documentation and specs."""
import sys
from pathlib import Path


def write_section(path: Path, begin: str, end: str, content: str, script: str) -> int:
    """Puts `content` between `begin` and `end` in `path`, or with --check on the command line
    returns 1 (and says so) if that would change the file."""
    text = path.read_text()
    start, stop = text.index(begin) + len(begin), text.index(end)
    updated = text[:start] + content + text[stop:]
    if "--check" in sys.argv:
        if updated != text:
            print(f"{path.name}: the part {script} generates is stale: run {script}", file=sys.stderr)
            return 1
        return 0
    path.write_text(updated)
    return 0
