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
attempts:
  description: Number of attempts made.
  returned: always
  type: int
  sample: 1
"""

import base64
import hashlib
import os
import re
import socket
import ssl
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ucproxy.nginx.plugins.module_utils.server_names import concrete_name, is_server_name

WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
# What may go into the request line.
PATH = re.compile(r"^/[A-Za-z0-9._~/%?=&-]*$")


def _context(ca_path):
    if ca_path:
        return ssl.create_default_context(cafile=ca_path)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _exchange(params, request, deadline):
    """Sends one request on a new TLS connection; returns (status, headers)."""
    remaining = max(1.0, deadline - time.monotonic())
    with socket.create_connection((params["address"], params["port"]), timeout=remaining) as raw:
        with _context(params["ca_path"]).wrap_socket(raw, server_hostname=params["server_name"]) as tls:
            tls.sendall(request.encode("ascii"))
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = tls.recv(4096)
                if not chunk:
                    break
                data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("iso-8859-1")
    lines = head.split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise ValueError("no HTTP answer (got %r)" % lines[0][:80])
    headers = {}
    for line in lines[1:]:
        name, _sep, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(parts[1]), headers


def _plain(params, deadline):
    request = ("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: ucproxy-health-check\r\nConnection: close\r\n\r\n"
               % (params["path"], params["server_name"]))
    status = _exchange(params, request, deadline)[0]
    if status >= 500:
        return status, "https://%s%s answered %d%s" % (
            params["server_name"], params["path"], status,
            ": the upstream did not answer through the proxy" if status in (502, 503, 504) else "")
    return status, None


def _websocket(params, deadline):
    key = base64.b64encode(os.urandom(16)).decode("ascii")
    status, headers = _exchange(params, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                        "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
                                        "User-Agent: ucproxy-health-check\r\n\r\n"
                                        % (params["websocket_path"], params["server_name"], key), deadline)
    accept = base64.b64encode(hashlib.sha1((key + WEBSOCKET_GUID).encode("ascii")).digest()).decode("ascii")
    if status == 401:  # the UCServer itself refused an upgrade without a session
        return status, None
    if status != 101:
        return status, "WebSocket upgrade of wss://%s%s answered %d instead of 101" % (
            params["server_name"], params["websocket_path"], status)
    if headers.get("sec-websocket-accept") != accept:
        return status, "WebSocket upgrade of wss://%s%s returned a wrong Sec-WebSocket-Accept" % (
            params["server_name"], params["websocket_path"])
    return status, None


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
    attempts, result = 0, {}
    while True:
        attempts += 1
        problem = None
        try:
            result["status"], problem = _plain(params, deadline)
            if problem is None and params["websocket_path"]:
                result["websocket_status"], problem = _websocket(params, deadline)
        except (OSError, ValueError) as error:  # ssl.SSLError and timeouts are OSErrors
            problem = "https://%s via %s:%d: %s" % (params["server_name"], params["address"], params["port"], error)
        if problem is None:
            module.exit_json(changed=False, attempts=attempts, **result)
        if time.monotonic() + 1 >= deadline:
            module.fail_json(msg="%s (after %d attempts in %d s)" % (problem, attempts, params["timeout"]),
                             attempts=attempts, **result)
        time.sleep(1)


if __name__ == "__main__":
    main()
