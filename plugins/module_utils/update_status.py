# -*- coding: utf-8 -*-
# Copyright: ucproxy.nginx developers
# MIT License (see LICENSE)
"""How security updates reach nginx and OpenSSL on a Debian or Ubuntu host, and whether the running
nginx took them up: read from apt, /usr/sbin/policy-rc.d and the running nginx, with a warning for
each problem. The update_status and host_state modules both report it."""

from __future__ import annotations

import os
import re

POLICY_RC_D = "/usr/sbin/policy-rc.d"
# The first comment line of the role's policy-rc.d.
POLICY_MARKER = re.compile(r"^# ucproxy\.nginx ", re.M)
# "Inst libssl3 [3.0.20-1~deb12u2] (3.0.22-1~deb12u2 Debian-Security:12/oldstable-security [amd64])",
# on Ubuntu "(... Ubuntu:24.04/noble-security [amd64])".
UPGRADE = re.compile(r"^Inst (\S+) (?:\[[^]]*\] )?\((\S+) ([^)]*)\)")
PACKAGES = "^(nginx|libnginx|libssl|openssl)"


def pending_security_updates(simulation: str, packages: str) -> list:
    """Names of the packages matching `packages` that the simulated upgrade takes from a security suite."""
    found = set()
    for line in simulation.splitlines():
        match = UPGRADE.match(line)
        if match and re.search(packages, match.group(1)) and "security" in match.group(3).lower():
            found.add(match.group(1))
    return sorted(found)


def source_files(index_targets: str) -> dict:
    """Each source file with the suites it names (as written, and their codenames once apt knows
    them: "oldstable-security" is "bookworm-security"), from lines "<release> <codename> <file>:<line>"
    of apt-get indextargets --release-info."""
    found = {}
    for line in index_targets.splitlines():
        fields = line.split()
        if len(fields) == 3:
            found.setdefault(fields[2].rsplit(":", 1)[0], set()).update(fields[:2])
    return found


def policy_rc_d() -> str:
    try:
        with open(POLICY_RC_D, encoding="utf-8", errors="replace") as policy:
            return "ours" if POLICY_MARKER.search(policy.read()) else "other"
    except FileNotFoundError:
        return "absent"


def report(module, release, binary_upgrade, own_source, add_source=False, restart_policy=False, packages=PACKAGES):
    """What the update_status module returns, with its warnings (module.warn)."""
    suite = release + "-security"
    targets = module.run_command(["apt-get", "indextargets", "--release-info", "--format",
                                  "$(RELEASE) $(CODENAME) $(SOURCESENTRY)"], check_rc=True)[1]
    files = source_files(targets)
    elsewhere = any(suite in suites for path, suites in files.items() if path != own_source)
    if not elsewhere and not add_source:
        module.warn("apt's sources lack the security suite %s: security updates of nginx and OpenSSL never "
                    "arrive. Add it, or set reverse_proxy_security_source: true." % suite)

    rc, simulation, err = module.run_command(["apt-get", "--simulate", "-o", "Debug::NoLocking=true", "dist-upgrade"])
    if rc != 0:  # held or broken packages: a report, not a reason to stop the deployment
        module.warn("apt-get --simulate dist-upgrade failed, pending updates are unknown: %s" % err.strip()[-300:])
    pending = pending_security_updates(simulation, packages) if rc == 0 else []
    if pending:
        module.warn("Security updates are pending for %s: unattended-upgrades installs them with its next daily "
                    "run, or run apt-get upgrade now." % ", ".join(pending))

    replaced = []
    if os.path.exists(binary_upgrade):  # not yet on a new host
        replaced = module.run_command([binary_upgrade, "--list"], check_rc=True)[1].split()
    if replaced:
        module.warn("The running nginx still uses replaced files (%s): it runs the code from before an update. "
                    "%s takes the new code up without dropping clients." % (", ".join(replaced), binary_upgrade))

    policy = policy_rc_d()
    if restart_policy and policy == "other":
        module.warn("%s is not the role's and stays: it decides whether a package upgrade restarts nginx, which "
                    "drops every client." % POLICY_RC_D)
    return {"security_suite_elsewhere": elsewhere, "own_source_present": own_source in files, "policy_rc_d": policy,
            "needrestart": os.path.isdir("/etc/needrestart/conf.d"), "pending": pending, "replaced": replaced}
