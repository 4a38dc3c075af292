# -*- coding: utf-8 -*-
# Copyright: ucproxy.nginx developers
# MIT License (see LICENSE)
"""Health gate of a proxy: an https request and a WebSocket upgrade through it to the upstream."""

from __future__ import annotations

DOCUMENTATION = r"""
module: health_check
short_description: Checks that an nginx reverse proxy carries https requests and WebSocket upgrades to its upstream
version_added: 1.0.0
description:
  - Runs on the proxy host and connects to the proxy's own https port, with the public server
    name as SNI and C(Host), so it takes the same path as a client from the internet.
  - Passes when a plain request gets an answer below 500 (nginx answers 502, 503 or 504 when the
    upstream does not) and, unless disabled, a WebSocket opening handshake (RFC 6455) returns
    C(101) with the correct C(Sec-WebSocket-Accept), or C(401). The UCServer opens its client
    WebSocket only for a session (C(?x-ucsessionid=)) and refuses an upgrade without one with
    C(401), which proves that nginx passed the upgrade on.
  - Retries until O(timeout) seconds have passed, then fails with the last reason.
  - The certificate is not verified unless O(ca_path) is given; the gate proves the proxy path,
    certificates are checked when they are deployed.
options:
  server_name:
    description:
      - Name sent as SNI and C(Host) header.
      - A wildcard name (C(*.example.com)) is checked with the label C(ucproxy-health-check) in place
        of C(*).
    type: str
    required: true
  address:
    description: Address the proxy listens on.
    type: str
    default: 127.0.0.1
  port:
    description: The proxy's https port.
    type: int
    default: 443
  path:
    description: Path of the plain request.
    type: str
    default: /
  websocket_path:
    description: Path of the WebSocket upgrade; empty to skip the WebSocket check.
    type: str
    default: /ws/client/websocket
  timeout:
    description: Seconds to keep trying before the check fails.
    type: int
    default: 30
  ca_path:
    description: CA file to verify the proxy's certificate with (optional).
    type: path
  certificates:
    description:
      - Certificate files (PEM) nginx serves. Each one that expires within O(certificate_warning_days),
        or with less than a quarter of its lifetime left if that comes later, is reported as a warning
        naming the file and the date; the check itself still passes.
    type: list
    elements: path
    default: []
  certificate_warning_days:
    description: Days before expiry from which a certificate of O(certificates) is warned about (at most).
    type: int
    default: 21
  ocsp_stapling:
    description:
      - Whether nginx staples OCSP responses. If it does, each certificate of O(certificates) that
        names no OCSP responder is reported as a warning (nginx has nothing to staple for it).
    type: bool
    default: false
author:
  - ucproxy.nginx developers (@ucproxy)
"""

EXAMPLES = r"""
- name: Proxy carries requests and WebSockets to the UCServer
  ucproxy.nginx.health_check:
    server_name: uc.example.com
    timeout: 30
"""

RETURN = r"""
status:
  description: HTTP status of the plain request.
  returned: when the proxy answered
  type: int
  sample: 200
websocket_status:
  description: HTTP status of the WebSocket upgrade (101, or 401 from the UCServer); absent when skipped.
  returned: when websocket_path is set
  type: int
  sample: 101
certificates:
  description: Each certificate file of O(certificates) that could be read, with its expiry.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The file.
      type: str
    not_after:
      description: Expiry time (ISO 8601, UTC).
      type: str
    days_left:
      description: Whole days until it expires (negative once expired).
      type: int
attempts:
  description: Number of attempts made.
  returned: always
  type: int
  sample: 1
"""

import datetime
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ucproxy.nginx.plugins.module_utils.proxy_probe import (
    PATH, NoAnswer, certificate_validity, days_left, duration_text, expiry_alert, ocsp_responders, plain, websocket)
from ansible_collections.ucproxy.nginx.plugins.module_utils.server_names import concrete_name, is_server_name


def _certificate_warnings(module, paths, warning_days, ocsp_stapling):
    """Warns (the run goes on) for every certificate file that expires within warning_days or a
    quarter of its lifetime, whichever is less, and, with OCSP stapling on, for every one that
    names no OCSP responder."""
    found = []
    for path in paths:
        try:
            validity = certificate_validity(path)
            responders = ocsp_responders(path)
        except (OSError, ValueError) as error:
            module.warn("Could not read the certificate %s: %s" % (path, error))
            continue
        if ocsp_stapling and not responders:
            module.warn("reverse_proxy_ocsp_stapling is on, but the certificate %s names no OCSP responder "
                        "(Let's Encrypt has run none since August 2025): nginx staples nothing for it. Turn "
                        "the option off." % path)
        expiry = validity[1]
        found.append({"path": path, "not_after": expiry.isoformat(), "days_left": days_left(expiry)})
        state, left, _warning, _critical = expiry_alert(validity, warning_days, 0)
        if state != "ok":
            module.warn("The certificate %s %s on %s (%s %s); renew or replace it." % (
                path, "expired" if left < datetime.timedelta(0) else "expires", expiry.strftime("%Y-%m-%d %H:%M UTC"),
                duration_text(left), "ago" if left < datetime.timedelta(0) else "left"))
    return found


def main():
    module = AnsibleModule(
        argument_spec=dict(
            server_name=dict(type="str", required=True),
            address=dict(type="str", default="127.0.0.1"),
            port=dict(type="int", default=443),
            path=dict(type="str", default="/"),
            websocket_path=dict(type="str", default="/ws/client/websocket"),
            timeout=dict(type="int", default=30),
            ca_path=dict(type="path"),
            certificates=dict(type="list", elements="path", default=[]),
            certificate_warning_days=dict(type="int", default=21),
            ocsp_stapling=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if not is_server_name(params["server_name"]):
        module.fail_json(msg="server_name: %r is not a DNS name (a leading '*.' wildcard is allowed)"
                         % params["server_name"])
    params["server_name"] = concrete_name(params["server_name"])
    for name, may_be_empty in (("path", False), ("websocket_path", True)):
        if not (may_be_empty and params[name] == "") and not PATH.match(params[name]):
            module.fail_json(msg="%s: %r is not allowed (letters, digits and URL-safe characters only)"
                             % (name, params[name]))
    deadline = time.monotonic() + params["timeout"]
    target = (params["address"], params["port"], params["server_name"], params["ca_path"])
    certificates = _certificate_warnings(module, params["certificates"], params["certificate_warning_days"],
                                         params["ocsp_stapling"])
    attempts, result = 0, {"certificates": certificates}
    while True:
        attempts += 1
        problem = None
        try:
            result["status"], problem = plain(target, params["path"], deadline)
            if problem is None and params["websocket_path"]:
                result["websocket_status"], problem = websocket(target, params["websocket_path"], deadline)
        except NoAnswer as error:
            problem = str(error)
        if problem is None:
            module.exit_json(changed=False, attempts=attempts, **result)
        if time.monotonic() + 1 >= deadline:
            module.fail_json(msg="%s (after %d attempts in %d s)" % (problem, attempts, params["timeout"]),
                             attempts=attempts, **result)
        time.sleep(1)


if __name__ == "__main__":
    main()
