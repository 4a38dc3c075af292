"""The DNS name rules the validation filter and the health_check module share."""
import pytest

from ansible_collections.ucproxy.nginx.plugins.module_utils.server_names import (
    concrete_name, covers, first_concrete_name, is_host_name, is_server_name)


@pytest.mark.parametrize("name,valid", [
    ("uc.example.com", True),
    ("*.example.com", True),
    ("localhost", True),
    ("xn--bcher-kva.example", True),
    ("a.*.example.com", False),
    ("*example.com", False),
    ("uc.example.com.", False),
    ("-uc.example.com", False),
    ("uc_1.example.com", False),
    ("uc.example.com;", False),
    ("uc example.com", False),
    ("a" * 64 + ".example.com", False),
    (".".join(["a" * 63] * 4), False),
    (None, False),
])
def test_server_names(name, valid):
    assert is_server_name(name) is valid


@pytest.mark.parametrize("name,valid", [("ucserver", True), ("ucserver.corp.", True), ("*.corp", False),
                                        ("uc server", False), ("$host", False)])
def test_host_names(name, valid):
    assert is_host_name(name) is valid


def test_a_wildcard_stands_for_one_label_of_our_choice():
    assert concrete_name("*.example.com") == "ucproxy-health-check.example.com"
    assert concrete_name("uc.example.com") == "uc.example.com"
    assert covers("*.example.com", concrete_name("*.example.com"))


@pytest.mark.parametrize("names,first", [
    (["*.example.com", "uc.example.com"], "uc.example.com"),
    (["uc.example.com", "*.example.com"], "uc.example.com"),
    (["*.a.example", "*.b.example"], "ucproxy-health-check.a.example"),
])
def test_first_concrete_name(names, first):
    assert first_concrete_name(names) == first


@pytest.mark.parametrize("pattern,name,covered", [
    ("uc.example.com", "UC.Example.com.", True),
    ("*.example.com", "uc.example.com", True),
    ("*.example.com", "a.b.example.com", False),
    ("*.example.com", "example.com", False),
    ("*.example.com", "*.example.com", True),
    ("*.example.com", "*.other.example.com", False),
])
def test_certificate_entry_covers_a_name(pattern, name, covered):
    assert covers(pattern, name) is covered
