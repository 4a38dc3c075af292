"""testssl.sh rates each proxy as a scanner on the internet would (Debian 13's testssl.sh 3.2.1,
which has the overall rating, run from the client container). The certificate chain comes from
the test CA, which the scanner is told to trust, so the chain is judged like a real one."""
import json
import shlex

import pytest

from molecule_support.clients import copy_to
from molecule_support.scenario import SERVER_NAME, pki_root, proxy_backends, proxy_names
from molecule_support.waiting import wait_for

testinfra_hosts = proxy_backends()
NOT_ALLOWED = {"MEDIUM", "HIGH", "CRITICAL"}


@pytest.fixture(scope="module")
def scans(client_host):
    """Starts one scan per proxy at once (each takes minutes); returns where each one writes."""
    copy_to(client_host, pki_root().read_bytes(), "/tmp/test-ca.pem")
    outputs = {}
    for proxy in proxy_names():
        out = f"/tmp/testssl-{proxy}"
        client_host.run(f"rm -f {out}.json {out}.done")
        command = (f"testssl --quiet --color 0 --warnings off --nodns min --add-ca /tmp/test-ca.pem "
                   f"--ip $(getent hosts {proxy} | cut -d' ' -f1) --jsonfile {out}.json "
                   f"https://{SERVER_NAME}/ > {out}.log 2>&1; touch {out}.done")
        client_host.run(f"nohup sh -c {shlex.quote(command)} >/dev/null 2>&1 &")
        outputs[proxy] = out
    return outputs


def test_testssl_rates_a_plus_with_no_medium_or_worse_finding(host, client_host, scans):
    out = scans[host.backend.name]
    wait_for(lambda: client_host.file(f"{out}.done").exists, 900, "testssl did not finish", interval=5)
    findings = json.loads(client_host.file(f"{out}.json").content_string)
    bad = [f"{f['severity']} {f['id']}: {f['finding']}" for f in findings if f["severity"] in NOT_ALLOWED]
    grade = [f["finding"] for f in findings if f["id"] == "overall_grade"]
    assert grade == ["A+"], f"overall grade {grade}; findings MEDIUM or worse: {bad}"
    assert not bad, "testssl findings MEDIUM or worse:\n" + "\n".join(bad)
