"""The role's defaults and its argument specs describe the same options with the same defaults."""
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ansible_collections.ucproxy.nginx.plugins.module_utils.sites import SITE_KEYS, variable

ROLE = Path(__file__).resolve().parents[3] / "roles" / "reverse_proxy"
DEFAULTS = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
OPTIONS = yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]["options"]


def test_every_default_is_specified_and_every_option_has_a_default():
    assert sorted(DEFAULTS) == sorted(OPTIONS)


REQUIRED = sorted(name for name, spec in OPTIONS.items() if spec.get("required"))


def _sub_options(options, prefix=""):
    """(dotted name, spec) of every sub-option, at any depth."""
    for name, spec in options.items():
        for sub, sub_spec in (spec.get("options") or {}).items():
            yield f"{prefix}{name}.{sub}", sub_spec
        yield from _sub_options(spec.get("options") or {}, f"{prefix}{name}.")


SUB_OPTIONS = dict(_sub_options(OPTIONS))


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_default_value_agrees_with_the_spec(name):
    # An option without a spec default must default to null (meaning "derived", see its text).
    assert OPTIONS[name].get("default") == DEFAULTS[name]


def test_no_option_is_required_by_the_spec():
    # The published names and the UCServer are needed, but per site: the single-site variables or
    # each entry of reverse_proxy_sites give them, which the validation filter checks.
    assert not REQUIRED


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_option_is_prefixed_typed_and_described(name):
    assert name.startswith("reverse_proxy_")
    assert OPTIONS[name].get("type")
    assert OPTIONS[name].get("description")


def test_dict_lists_describe_their_keys():
    for name in ("reverse_proxy_extra_headers", "reverse_proxy_access_rules"):
        assert OPTIONS[name]["elements"] == "dict"
        assert OPTIONS[name].get("options"), f"{name}: the keys of its elements are not specified"
    assert sorted(OPTIONS["reverse_proxy_extra_headers"]["options"]) == ["name", "value"]
    assert sorted(OPTIONS["reverse_proxy_access_rules"]["options"]) == ["allow", "path"]


@pytest.mark.parametrize("name", sorted(SUB_OPTIONS))
def test_sub_option_is_typed_described_and_required_where_needed(name):
    spec = SUB_OPTIONS[name]
    assert spec.get("type")
    assert spec.get("description")
    assert spec["type"] != "list" or spec.get("elements")
    # Every key of a header and of an access rule is needed. None has a default.
    assert spec.get("required") is True
    assert "default" not in spec


def test_the_keys_of_a_site_are_documented_by_reference_to_their_single_site_options():
    # No sub-options: the argument specs would refuse a misspelt key with the whole spec as message;
    # the validation filter checks the keys against the single-site options instead.
    sites = OPTIONS["reverse_proxy_sites"]
    assert "options" not in sites
    described = " ".join(sites["description"])
    for key in SITE_KEYS:
        assert variable(key) in OPTIONS, key
        assert f"C({key})" in described, f"reverse_proxy_sites does not name its key {key}"


def test_the_variable_table_of_docs_variables_md_is_generated_from_the_specs():
    script = Path(__file__).resolve().parents[3] / "scripts" / "readme_variables.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
