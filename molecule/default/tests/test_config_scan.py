"""Two more scanners, as the issue's done-criterion names them:

- sslyze checks each proxy against Mozilla's TLS configuration of its profile (`intermediate`, or
  `modern` for ucproxy-modern), as `sslyze --mozilla_config=PROFILE` does, from the controller
  straight to the proxy's address on the podman network, with SNI uc.example.test. Certificate
  trust aside: sslyze is given the scenario's test CA (`--certinfo_ca_file`), so the chain
  validates the way a public one would. sslyze 6.3 needs cryptography < 47, ansible-lint needs
  >= 46.0.7 and community.crypto's key modules fail with 46.x ("does not support SECP384R1"), so it
  cannot share the tooling venv: the first run installs it, pinned, into .venv/sslyze.
- gixy (gixy-next, requirements.txt) reads the configuration nginx actually loaded, the
  `nginx -T` dump of each proxy, and must report nothing of severity LOW or higher.

Either fails on any finding that is not on the allow-lists below; each entry names its reason.
By hand: `sslyze --mozilla_config=intermediate --certinfo_ca_file CA.pem 'uc.example.test:443{IP}'`
and `podman exec PROXY nginx -T | gixy -`."""
import json
import os
import subprocess
import sys

import pytest

from molecule_support.host_paths import NGINX_CONF
from molecule_support.scenario import REPO, SERVER_NAME, pki_root, proxy_backends, recorded_address, tls_profile

testinfra_hosts = proxy_backends()
GIXY_SEVERITIES = {"LOW", "MEDIUM", "HIGH"}
SSLYZE_VENV = os.path.join(REPO, ".venv", "sslyze")
SSLYZE_REQUIREMENTS = ["sslyze==6.3.1", "nassl==5.4.0", "cryptography==46.0.7", "tls-parser==2.0.2",
                       "pydantic==2.14.4"]

# Findings accepted on purpose, each a decision explained in docs/design.md ("Scanner findings we
# accept"): gixy plugin -> short reason, and per profile sslyze criterion -> short reason.
GIXY_ALLOWED: dict[str, str] = {
    "worker_rlimit_nofile_vs_connections": "worker_connections already counts upstream connections",
    "stale_dns_cache": "upstream keep-alive needs upstream{}; nginx < 1.27.3 cannot re-resolve it",
    "ssl_ecdh_curve": "X25519MLKEM768 is listed only where the host's OpenSSL is 3.5 or newer",
}
SSLYZE_ALLOWED: dict[str, dict[str, str]] = {
    "intermediate": {},
    "modern": {"maximum_certificate_lifespan": "the certificate is an input (the test CA's one-year one)"},
}

# Run with the sslyze venv's Python: scans one server for what Mozilla's check needs and prints
# the check's issues as JSON ({} when compliant).
SSLYZE_CHECK = """
import json, sys
from pathlib import Path
from sslyze import (CertificateInfoExtraArgument, Scanner, ScanCommandsExtraArguments, ServerNetworkLocation,
                    ServerScanRequest, ServerScanStatusEnum)
from sslyze.mozilla_tls_profile.tls_config_checker import (
    SCAN_COMMANDS_NEEDED_BY_MOZILLA_CHECKER, MozillaTlsConfiguration, ServerNotCompliantWithTlsConfiguration,
    TlsConfigurationEnum, check_server_against_tls_configuration)
name, address, profile, cafile = sys.argv[1:5]
scanner = Scanner()
scanner.queue_scans([ServerScanRequest(
    server_location=ServerNetworkLocation(hostname=name, port=443, ip_address=address),
    scan_commands=SCAN_COMMANDS_NEEDED_BY_MOZILLA_CHECKER,
    scan_commands_extra_arguments=ScanCommandsExtraArguments(
        certificate_info=CertificateInfoExtraArgument(custom_ca_file=Path(cafile))))])
result = next(iter(scanner.get_results()))
if result.scan_status != ServerScanStatusEnum.COMPLETED:
    sys.exit(f"sslyze could not scan {address}: {result.connectivity_error_trace}")
try:
    check_server_against_tls_configuration(result, MozillaTlsConfiguration.get(TlsConfigurationEnum(profile)))
    print(json.dumps({}))
except ServerNotCompliantWithTlsConfiguration as error:
    print(json.dumps(error.issues))
"""


@pytest.fixture(scope="module")
def sslyze_python() -> str:
    """The Python of a venv with sslyze, pinned, made on first use (about 15 s)."""
    python = os.path.join(SSLYZE_VENV, "bin", "python")
    marker = os.path.join(SSLYZE_VENV, "requirements.txt")
    wanted = "\n".join(SSLYZE_REQUIREMENTS)
    installed = ""
    if os.path.exists(marker):
        with open(marker, encoding="utf-8") as file:
            installed = file.read()
    if installed != wanted:
        subprocess.run([sys.executable, "-m", "venv", "--clear", SSLYZE_VENV], check=True, timeout=120)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        *SSLYZE_REQUIREMENTS], check=True, timeout=600)
        with open(marker, "w", encoding="utf-8") as file:
            file.write(wanted)
    return python


def sslyze_issues(python: str, address: str, profile: str, cafile: str) -> dict[str, str]:
    """Mozilla's check of `profile` against SERVER_NAME at `address`:443; criterion -> issue."""
    result = subprocess.run([python, "-c", SSLYZE_CHECK, SERVER_NAME, address, profile, cafile],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, f"sslyze failed: {result.stdout[-1000:]} {result.stderr[-2000:]}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def gixy_findings(nginx_dump: str) -> list[dict]:
    """gixy's findings of severity LOW or higher on an `nginx -T` dump (read from stdin)."""
    gixy = os.path.join(os.path.dirname(sys.executable), "gixy")
    result = subprocess.run([gixy, "--format", "json", "-l", "-"], input=nginx_dump, capture_output=True,
                            text=True, timeout=120, check=False)
    # gixy exits 1 when it found something; anything else (2 and up) means it could not run.
    assert result.returncode in (0, 1), f"gixy failed ({result.returncode}): {result.stderr[-2000:]}"
    return [f for f in json.loads(result.stdout or "[]") if f.get("severity", "").upper() in GIXY_SEVERITIES]


def test_sslyze_mozilla_check_of_the_profile(host, sslyze_python):
    profile = tls_profile(host)
    if profile not in SSLYZE_ALLOWED:
        pytest.skip(f"profile {profile} has no Mozilla configuration to check against")
    issues = sslyze_issues(sslyze_python, recorded_address(host.backend.name), profile, str(pki_root()))
    unexpected = {k: v for k, v in issues.items() if k not in SSLYZE_ALLOWED[profile]}
    assert not unexpected, f"not compliant with Mozilla's {profile} configuration:\n" + "\n".join(
        f"{k}: {v}" for k, v in unexpected.items())


def test_gixy_reports_nothing_low_or_higher(host):
    dump = host.check_output("nginx -T 2>/dev/null")
    assert f"# configuration file {NGINX_CONF}:" in dump, "nginx -T gave no configuration dump"
    findings = [f for f in gixy_findings(dump) if f.get("plugin") not in GIXY_ALLOWED]
    assert not findings, "gixy findings LOW or higher:\n" + "\n".join(
        f"{f.get('severity')} {f.get('plugin')}: {f.get('summary')} {f.get('reason', '')} "
        f"({f.get('path', '')}) {f.get('config', '')}" for f in findings)
