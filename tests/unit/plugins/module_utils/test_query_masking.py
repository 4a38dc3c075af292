"""The maps the access log masks queries with, applied as nginx applies them (first matching
regular expression, case-insensitive, named captures in the value), to queries as clients write
them: every spelling a server may decode into a masked name is masked, everything else is kept."""
import re

import pytest

from ansible_collections.ucproxy.nginx.plugins.module_utils.query_masking import masking_maps, parameter_pattern

NAMES = ["pass", "password", "token", "x-uctoken", "x-ucsessionid"]


def python_regex(pcre: str) -> str:
    return pcre.replace("(?<", "(?P<")


def nginx_map(value: str, entries, default: str) -> str:
    for pattern, result in entries:
        found = re.search(python_regex(pattern), value, re.IGNORECASE)
        if found:
            return re.sub(r"\$\{(\w+)\}", lambda m: found.group(m.group(1)) or "", result)
    return default


def logged(query: str) -> str:
    variables = {"$args": query}
    for stage in masking_maps(NAMES):
        variables[stage["variable"]] = nginx_map(variables[stage["source"]], stage["entries"],
                                                 variables[stage["default"]])
    return variables["$ucproxy_masked_args"]


QUERIES = {
    "user=alice&pass=s3cret": "user=alice&pass=***",
    "PASS=s3cret&user=alice": "PASS=***&user=alice",
    "a=1&Token=t0k&password=s3cret&x-uctoken=t0k": "a=1&Token=***&password=***&x-uctoken=***",
    "pass=s3cret&pass=s3cret": "pass=***&pass=***",
    "x-ucsessionid=5e55": "x-ucsessionid=***",
    # ; separates parameters for some servers; a value runs to the next & (a ; may be part of it).
    "user=alice;pass=s3cret": "user=alice;pass=***",
    "user=alice;pass=s3cret;x=1&y=2": "user=alice;pass=***&y=2",
    "pass=s3c;ret&y=2": "pass=***&y=2",
    # A name with percent-encoded characters, in either letter case of the name and of the hex digits.
    "user=alice&p%61ss=s3cret": "user=alice&p%61ss=***",
    "%50%41%53%53=s3cret": "%50%41%53%53=***",
    "user=alice&x%2Ductoken=t0k": "user=alice&x%2Ductoken=***",
    "p%61ssword=s3cret;tok%65n=t0k": "p%61ssword=***",
    # Not a masked parameter: longer or shorter names, a name only inside a value, no value.
    "passage=1&user=alice": "passage=1&user=alice",
    "bypass=1&pas=2": "bypass=1&pas=2",
    "note=pass%3Dx": "note=pass%3Dx",
    "pass": "pass",
    "": "",
    # An empty secret is masked too; a value that looks masked already is left as it is.
    "pass=&user=alice": "pass=***&user=alice",
    "pass=***&user=alice": "pass=***&user=alice",
}


@pytest.mark.parametrize("query", QUERIES)
def test_every_spelling_of_a_masked_parameter_is_masked(query):
    assert logged(query) == QUERIES[query]


def test_a_query_with_more_secrets_than_maps_is_withheld():
    query = "&".join(f"pass={n}" for n in range(9))
    assert logged(query) == "(withheld)"
    assert logged("&".join(f"pass={n}" for n in range(8))) == "&".join(["pass=***"] * 8)


@pytest.mark.parametrize("query, credentials", [
    ("user=a&pass=x", True), ("user=a;p%61ss=x", True), ("TOKEN=x", True),
    ("user=a&passage=x", False), ("x=pass=1", False)])
def test_a_login_attempt_is_told_by_its_credential_parameters(query, credentials):
    found = re.search(parameter_pattern(["pass", "password", "token", "x-uctoken"]), query, re.IGNORECASE)
    assert bool(found) == credentials
