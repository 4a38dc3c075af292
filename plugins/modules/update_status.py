# -*- coding: utf-8 -*-
# Copyright: ucproxy.nginx developers
# MIT License (see LICENSE)
"""Reports whether security updates reach nginx and OpenSSL on a Debian or Ubuntu host, and
whether the running nginx took them up."""

from __future__ import annotations

DOCUMENTATION = r"""
module: update_status
short_description: Reports how security updates reach nginx and OpenSSL and whether the running nginx took them up
version_added: 1.5.0
description:
  - Reads apt's configuration, C(/usr/sbin/policy-rc.d) and the running nginx on a Debian or Ubuntu
    host; changes nothing.
  - Warns when no apt source names the distribution's security suite (C(<release>-security)) and
    O(add_source) is false; when apt's package lists offer a security update of nginx or OpenSSL
    that is not installed; when the running nginx master still maps an executable file (its binary
    or a library) that was replaced or removed since it started, so it still runs the old code; and
    with O(restart_policy) when C(/usr/sbin/policy-rc.d) is another author's.
  - Pending updates come from apt's package lists as they are (C(apt-get --simulate dist-upgrade));
    the module does not refresh them.
options:
  release:
    description: The distribution's codename (C(bookworm), C(noble)); its security suite is C(<release>-security).
    type: str
    required: true
  packages:
    description: Regular expression matching the names of the packages whose pending security updates are warned about.
    type: str
    default: ^(nginx|libnginx|libssl|openssl)
  binary_upgrade:
    description:
      - The role's binary upgrade program; with C(--list) it prints the replaced files the running
        nginx master still maps (nothing when nginx does not run).
    type: path
    default: /usr/local/lib/ucproxy-nginx/nginx-binary-upgrade
  own_source:
    description: The apt source file the role writes for the security suite; it does not count as another source.
    type: path
    default: /etc/apt/sources.list.d/ucproxy-nginx-security.list
  add_source:
    description: Whether the role adds the security suite where no other source names it (then no warning).
    type: bool
    default: false
  restart_policy:
    description:
      - Whether the role keeps package upgrades from restarting nginx with its own C(/usr/sbin/policy-rc.d);
        warns when another author's is in place, which the role leaves.
    type: bool
    default: false
author:
  - ucproxy.nginx developers (@ucproxy)
"""

EXAMPLES = r"""
- name: Security updates reach nginx and OpenSSL and nginx runs them
  ucproxy.nginx.update_status:
    release: "{{ ansible_distribution_release }}"
"""

RETURN = r"""
security_suite_elsewhere:
  description: Whether an apt source other than O(own_source) names the security suite.
  returned: always
  type: bool
own_source_present:
  description: Whether O(own_source) is among apt's sources (whatever suite it names).
  returned: always
  type: bool
policy_rc_d:
  description: C(absent), C(ours) (written by the role) or C(other).
  returned: always
  type: str
needrestart:
  description: Whether needrestart is installed (its C(/etc/needrestart/conf.d) exists).
  returned: always
  type: bool
pending:
  description: Packages matching O(packages) with a security update apt would install.
  returned: always
  type: list
  elements: str
  sample: [libssl3, nginx]
replaced:
  description: Executable files the running nginx master maps that were replaced or removed.
  returned: always
  type: list
  elements: str
  sample: [/usr/lib/x86_64-linux-gnu/libssl.so.3]
"""

import os
import re

from ansible.module_utils.basic import AnsibleModule

POLICY_RC_D = "/usr/sbin/policy-rc.d"
# The first comment line of the role's policy-rc.d.
POLICY_MARKER = re.compile(r"^# ucproxy\.nginx ", re.M)
# "Inst libssl3 [3.0.20-1~deb12u2] (3.0.22-1~deb12u2 Debian-Security:12/oldstable-security [amd64])",
# on Ubuntu "(... Ubuntu:24.04/noble-security [amd64])".
UPGRADE = re.compile(r"^Inst (\S+) (?:\[[^]]*\] )?\((\S+) ([^)]*)\)")


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


def main():
    module = AnsibleModule(
        argument_spec=dict(
            release=dict(type="str", required=True),
            packages=dict(type="str", default="^(nginx|libnginx|libssl|openssl)"),
            binary_upgrade=dict(type="path", default="/usr/local/lib/ucproxy-nginx/nginx-binary-upgrade"),
            own_source=dict(type="path", default="/etc/apt/sources.list.d/ucproxy-nginx-security.list"),
            add_source=dict(type="bool", default=False),
            restart_policy=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    suite = params["release"] + "-security"
    targets = module.run_command(["apt-get", "indextargets", "--release-info", "--format",
                                  "$(RELEASE) $(CODENAME) $(SOURCESENTRY)"], check_rc=True)[1]
    files = source_files(targets)
    elsewhere = any(suite in suites for path, suites in files.items() if path != params["own_source"])
    if not elsewhere and not params["add_source"]:
        module.warn("apt's sources lack the security suite %s: security updates of nginx and OpenSSL never "
                    "arrive. Add it, or set reverse_proxy_security_source: true." % suite)

    rc, simulation, err = module.run_command(["apt-get", "--simulate", "-o", "Debug::NoLocking=true", "dist-upgrade"])
    if rc != 0:  # held or broken packages: a report, not a reason to stop the deployment
        module.warn("apt-get --simulate dist-upgrade failed, pending updates are unknown: %s" % err.strip()[-300:])
    pending = pending_security_updates(simulation, params["packages"]) if rc == 0 else []
    if pending:
        module.warn("Security updates are pending for %s: unattended-upgrades installs them with its next daily "
                    "run, or run apt-get upgrade now." % ", ".join(pending))

    replaced = []
    if os.path.exists(params["binary_upgrade"]):  # not yet in check mode on a new host
        replaced = module.run_command([params["binary_upgrade"], "--list"], check_rc=True)[1].split()
    if replaced:
        module.warn("The running nginx still uses replaced files (%s): it runs the code from before an update. "
                    "%s takes the new code up without dropping clients." % (", ".join(replaced), params["binary_upgrade"]))

    policy = policy_rc_d()
    if params["restart_policy"] and policy == "other":
        module.warn("%s is not the role's and stays: it decides whether a package upgrade restarts nginx, which "
                    "drops every client." % POLICY_RC_D)
    module.exit_json(changed=False, security_suite_elsewhere=elsewhere, own_source_present=params["own_source"] in files,
                     policy_rc_d=policy, needrestart=os.path.isdir("/etc/needrestart/conf.d"), pending=pending,
                     replaced=replaced)


if __name__ == "__main__":
    main()
