# -*- coding: utf-8 -*-
# Copyright: ucproxy.nginx developers
# MIT License (see LICENSE)
"""Reports whether security updates reach nginx and OpenSSL on a Debian or Ubuntu host, and
whether the running nginx took them up."""

from __future__ import annotations

DOCUMENTATION = r"""
module: update_status
short_description: Reports pending security updates of nginx and OpenSSL and replaced files a running nginx still uses
version_added: 1.5.0
description:
  - Reads apt's configuration and the running nginx on a Debian or Ubuntu host; changes nothing.
  - Warns when apt's sources lack the distribution's security suite (C(<codename>-security)), when
    apt's package lists offer a security update of nginx or OpenSSL that is not installed, and when
    the running nginx master still maps an executable file (its binary or a library) that was
    replaced or removed since it started, so it still runs the old code.
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
  foreign_policy:
    description:
      - Whether C(/usr/sbin/policy-rc.d) is another author's, which the role leaves in place; warns
        that it decides whether a package upgrade restarts nginx.
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
security_suite:
  description: Whether apt's sources include the security suite.
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


def main():
    module = AnsibleModule(
        argument_spec=dict(
            release=dict(type="str", required=True),
            packages=dict(type="str", default="^(nginx|libnginx|libssl|openssl)"),
            binary_upgrade=dict(type="path", default="/usr/local/lib/ucproxy-nginx/nginx-binary-upgrade"),
            foreign_policy=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    suite = params["release"] + "-security"
    rc, out, err = module.run_command(["apt-get", "indextargets", "--format", "$(RELEASE)"])
    if rc != 0:
        module.fail_json(msg="apt-get indextargets failed: %s" % err.strip())
    security_suite = suite in out.split()
    if not security_suite:
        module.warn("apt's sources lack the security suite %s: security updates of nginx and OpenSSL never "
                    "arrive. Add it, or set reverse_proxy_security_source: true." % suite)

    rc, out, err = module.run_command(["apt-get", "--simulate", "-o", "Debug::NoLocking=true", "dist-upgrade"])
    if rc != 0:
        module.fail_json(msg="apt-get --simulate dist-upgrade failed: %s" % err.strip())
    pending = pending_security_updates(out, params["packages"])
    if pending:
        module.warn("Security updates are pending for %s: unattended-upgrades installs them with its next daily "
                    "run, or run apt-get upgrade now." % ", ".join(pending))

    replaced = []
    if os.path.exists(params["binary_upgrade"]):  # not yet in check mode on a new host
        rc, out, err = module.run_command([params["binary_upgrade"], "--list"], check_rc=True)
        replaced = out.split()
    if replaced:
        module.warn("The running nginx still uses replaced files (%s): it runs the code from before an update. "
                    "%s takes the new code up without dropping clients." % (", ".join(replaced), params["binary_upgrade"]))
    if params["foreign_policy"]:
        module.warn("/usr/sbin/policy-rc.d is not the role's and stays: it decides whether a package upgrade "
                    "restarts nginx, which drops every client.")
    module.exit_json(changed=False, security_suite=security_suite, pending=pending, replaced=replaced)


if __name__ == "__main__":
    main()
