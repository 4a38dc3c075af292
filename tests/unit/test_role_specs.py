"""The role's defaults and its argument specs describe the same options with the same defaults."""
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROLE = Path(__file__).resolve().parents[2] / "roles" / "reverse_proxy"
DEFAULTS = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
OPTIONS = yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]["options"]


def test_every_default_is_specified_and_every_option_has_a_default():
    assert sorted(DEFAULTS) == sorted(OPTIONS)


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_default_value_agrees_with_the_spec(name):
    # An option without a spec default must default to null (meaning "derived", see its text).
    assert OPTIONS[name].get("default") == DEFAULTS[name]


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_option_is_prefixed_typed_and_described(name):
    assert name.startswith("reverse_proxy_")
    assert OPTIONS[name].get("type")
    assert OPTIONS[name].get("description")


def test_readme_variable_table_is_generated_from_the_specs():
    script = Path(__file__).resolve().parents[2] / "scripts" / "readme_variables.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
