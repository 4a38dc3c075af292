# -*- coding: utf-8 -*-
# Copyright: ucproxy.nginx developers
# MIT License (see LICENSE)
"""When certbot renews each lineage: renew_before_expiry in its renewal settings, from the lifetime
of the certificate it holds."""

from __future__ import annotations

DOCUMENTATION = r"""
module: certbot_renewal
short_description: Sets when certbot renews each lineage, from its certificate's lifetime
version_added: 1.12.0
description:
  - Writes C(renew_before_expiry) into the renewal settings (C(/etc/letsencrypt/renewal/<lineage>.conf))
    of each lineage in O(lineages) that holds a certificate, as a number of seconds.
  - Without O(renew_before_days), a third of the lifetime of the lineage's current certificate, and
    half of it for a certificate that lives less than 10 days (the rule certbot 4.0 documents, but
    whose C(30 days) default still wins in Debian's certbot 2.1 and 4.0). A 90-day certificate is then
    renewed 30 days before it expires, as before, and a 6-day one 3 days before.
  - certbot keeps the setting when it rewrites the file on renewal. A lineage without a certificate
    is left alone (the next run sets it).
  - Supports check mode.
options:
  lineages:
    description: Names of certbot lineages.
    type: list
    elements: str
    required: true
  renew_before_days:
    description: Days before expiry to renew every lineage instead; C(0) for the lifetime rule.
    type: int
    default: 0
  config_dir:
    description: certbot's configuration directory.
    type: path
    default: /etc/letsencrypt
author:
  - ucproxy.nginx developers (@ucproxy)
"""

EXAMPLES = r"""
- name: Certbot renews each lineage with a third of its certificate's lifetime left
  ucproxy.nginx.certbot_renewal:
    lineages: [reverseproxy]
"""

RETURN = r"""
lineages:
  description: Per lineage of O(lineages), its name, C(lifetime) (seconds, 0 without a certificate)
    and C(renew_before_expiry) as now set (empty without a certificate).
  returned: always
  type: list
  elements: dict
"""

import datetime
import os
import re

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ucproxy.nginx.plugins.module_utils.proxy_probe import certificate_validity

SHORT_LIFETIME = datetime.timedelta(days=10)
SETTING = re.compile(r"^#?\s*renew_before_expiry\s*=.*$", re.M)


def renew_before(lifetime, days=0):
    """The renewal interval certbot reads, for a certificate of `lifetime` (a timedelta)."""
    if days > 0:
        return "%d seconds" % (days * 86400)
    return "%d seconds" % (lifetime / (2 if lifetime < SHORT_LIFETIME else 3)).total_seconds()


def with_setting(settings, interval):
    """The renewal settings' text with renew_before_expiry set: in place of the line certbot writes
    (or comments out), else first, where top-level settings belong."""
    line = "renew_before_expiry = %s" % interval
    if SETTING.search(settings):
        return SETTING.sub(line, settings, count=1)
    return line + "\n" + settings


def lifetime_of(path):
    not_before, not_after = certificate_validity(path)
    return not_after - not_before


def main():
    module = AnsibleModule(
        argument_spec=dict(
            lineages=dict(type="list", elements="str", required=True),
            renew_before_days=dict(type="int", default=0),
            config_dir=dict(type="path", default="/etc/letsencrypt"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params["renew_before_days"] < 0:
        module.fail_json(msg="renew_before_days must not be negative")
    changed, found = False, []
    for lineage in params["lineages"]:
        certificate = os.path.join(params["config_dir"], "live", lineage, "cert.pem")
        conf = os.path.join(params["config_dir"], "renewal", lineage + ".conf")
        if not (os.path.exists(certificate) and os.path.exists(conf)):
            found.append({"lineage": lineage, "lifetime": 0, "renew_before_expiry": ""})
            continue
        lifetime = lifetime_of(certificate)
        interval = renew_before(lifetime, params["renew_before_days"])
        with open(conf, encoding="utf-8") as current:
            settings = current.read()
        wanted = with_setting(settings, interval)
        if wanted != settings:
            changed = True
            if not module.check_mode:
                module.atomic_move(_written(conf, wanted), conf)
        found.append({"lineage": lineage, "lifetime": int(lifetime.total_seconds()), "renew_before_expiry": interval})
    module.exit_json(changed=changed, lineages=found)


def _written(path, content):
    """A temporary file next to `path` with its mode and the new content."""
    temporary = path + ".ucproxy-nginx.tmp"
    with open(temporary, "w", encoding="utf-8") as new:
        new.write(content)
    os.chmod(temporary, os.stat(path).st_mode & 0o7777)
    return temporary


if __name__ == "__main__":
    main()
