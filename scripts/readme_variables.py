#!/usr/bin/env python
"""Writes the variable table of docs/variables.md from roles/reverse_proxy/meta/argument_specs.yml,
the one description of every option. With --check, exits 1 if the table is stale. (The name is
older than the page: the table used to be in the README.)"""
import re
import sys
from pathlib import Path

import yaml
from generated_section import write_section

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "variables.md"
SPECS = ROOT / "roles" / "reverse_proxy" / "meta" / "argument_specs.yml"
BEGIN, END = "<!-- BEGIN VARIABLES (scripts/readme_variables.py) -->", "<!-- END VARIABLES -->"


def markdown(text: str) -> str:
    """ansible-doc markup (C(), O(), V()) to Markdown code spans."""
    return re.sub(r"\b[COV]\(([^)]*)\)", r"`\1`", text).replace("|", "\\|")


def kind(spec: dict) -> str:
    """Type column: type, elements and choices; "required" for required options."""
    text = spec["type"] + (f" of {spec['elements']}" if "elements" in spec else "")
    if "choices" in spec:
        text += " (" + ", ".join(str(c) for c in spec["choices"]) + ")"
    return text + (", **required**" if spec.get("required") else "")


def rows(options: dict, prefix: str = "") -> list:
    """One row per option, followed by rows for its sub-options (`name[].sub` for list elements)."""
    result = []
    for name, spec in options.items():
        default = spec.get("default")
        shown = "" if default is None else f"`{yaml.safe_dump(default, default_flow_style=True).strip().removesuffix('...').strip()}`"
        result.append(f"| `{prefix}{name}` | {kind(spec)} | {shown} | {markdown(' '.join(spec['description']))} |")
        if "options" in spec:
            nested = f"{prefix}{name}[]." if spec["type"] == "list" else f"{prefix}{name}."
            result += rows(spec["options"], nested)
    return result


def table() -> str:
    options = yaml.safe_load(SPECS.read_text())["argument_specs"]["main"]["options"]
    return "\n".join(["| Variable | Type | Default | Description |", "| --- | --- | --- | --- |"] + rows(options))


def main() -> int:
    return write_section(PAGE, BEGIN, END, "\n" + table() + "\n", "scripts/readme_variables.py")


if __name__ == "__main__":
    sys.exit(main())
