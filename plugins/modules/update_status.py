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
    required: true
  own_source:
    description: The apt source file the role writes for the security suite; it does not count as another source.
    type: path
    required: true
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
    binary_upgrade: /usr/local/lib/ucproxy-nginx/nginx-binary-upgrade
    own_source: /etc/apt/sources.list.d/ucproxy-nginx-security.list
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

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ucproxy.nginx.plugins.module_utils.update_status import PACKAGES, report


def main():
    module = AnsibleModule(
        argument_spec=dict(
            release=dict(type="str", required=True),
            packages=dict(type="str", default=PACKAGES),
            binary_upgrade=dict(type="path", required=True),
            own_source=dict(type="path", required=True),
            add_source=dict(type="bool", default=False),
            restart_policy=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    module.exit_json(changed=False, **report(module, params["release"], params["binary_upgrade"], params["own_source"],
                                             params["add_source"], params["restart_policy"], params["packages"]))


if __name__ == "__main__":
    main()
