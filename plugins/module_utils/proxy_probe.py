# -*- coding: utf-8 -*-
# Copyright: ucproxy.nginx developers
# MIT License (see LICENSE)
"""What a client from the internet sees of the proxy, in one place: an https request and a
WebSocket opening handshake (RFC 6455) with the public name as SNI and Host, and the validity of
certificates and when their expiry is alarming. The health_check module (the deploy-time gate)
and the monitoring check the role installs on the host (check_ucproxy) both use it. Standard
library only, plus the cryptography package for certificate files, so the host's python3 can run
it without Ansible."""

from __future__ import annotations

import base64
import datetime
import hashlib
import os
import re
import socket
import ssl
import time

WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
# What may go into the request line.
PATH = re.compile(r"^/[A-Za-z0-9._~/%?=&-]*$")
# nginx's answers when it could not get one from the upstream.
UPSTREAM_FAILED = (502, 503, 504)


class NoAnswer(Exception):
    """The proxy did not answer at all (connection, TLS or HTTP level)."""


def _context(ca_path):
    if ca_path:
        return ssl.create_default_context(cafile=ca_path)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def exchange(target, request, deadline):
    """Sends one request on a new TLS connection to target (address, port, server_name, ca_path);
    returns (status, headers). Raises NoAnswer when there is no HTTP answer."""
    address, port, server_name, ca_path = target
    remaining = max(1.0, deadline - time.monotonic())
    try:
        with socket.create_connection((address, port), timeout=remaining) as raw:
            with _context(ca_path).wrap_socket(raw, server_hostname=server_name) as tls:
                tls.sendall(request.encode("ascii"))
                data = b""
                while b"\r\n\r\n" not in data and len(data) < 65536:
                    chunk = tls.recv(4096)
                    if not chunk:
                        break
                    data += chunk
    except OSError as error:  # ssl.SSLError and timeouts are OSErrors
        raise NoAnswer("https://%s via %s:%d: %s" % (server_name, address, port, error)) from error
    head = data.split(b"\r\n\r\n", 1)[0].decode("iso-8859-1")
    lines = head.split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise NoAnswer("https://%s via %s:%d: no HTTP answer (got %r)" % (server_name, address, port, lines[0][:80]))
    headers = {}
    for line in lines[1:]:
        name, _sep, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(parts[1]), headers


def plain(target, path, deadline):
    """(status, problem) of a plain GET; problem is None below 500."""
    server_name = target[2]
    request = ("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: ucproxy-health-check\r\nConnection: close\r\n\r\n"
               % (path, server_name))
    status = exchange(target, request, deadline)[0]
    if status >= 500:
        return status, "https://%s%s answered %d%s" % (
            server_name, path, status,
            ": the upstream did not answer through the proxy" if status in UPSTREAM_FAILED else "")
    return status, None


def websocket(target, path, deadline):
    """(status, problem) of a WebSocket opening handshake. 101 with the right Sec-WebSocket-Accept
    passes, and so does 401: the UCServer opens its client WebSocket only for a session and
    refuses an upgrade without one, which proves that nginx passed the upgrade on."""
    server_name = target[2]
    key = base64.b64encode(os.urandom(16)).decode("ascii")
    status, headers = exchange(target, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                       "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
                                       "User-Agent: ucproxy-health-check\r\n\r\n" % (path, server_name, key), deadline)
    accept = base64.b64encode(hashlib.sha1((key + WEBSOCKET_GUID).encode("ascii")).digest()).decode("ascii")
    if status == 401:
        return status, None
    if status != 101:
        return status, "WebSocket upgrade of wss://%s%s answered %d instead of 101" % (server_name, path, status)
    if headers.get("sec-websocket-accept") != accept:
        return status, "WebSocket upgrade of wss://%s%s returned a wrong Sec-WebSocket-Accept" % (server_name, path)
    return status, None


# TLS 1.2 suites that only an RSA certificate can serve: with them, nginx shows its RSA
# certificate even where it also has an ECDSA one (which a default handshake gets).
RSA_ONLY_TLS12 = "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305"


def served_certificates(address, port, server_name, timeout):
    """The certificates nginx serves for server_name: {key type: (notBefore, notAfter) (UTC)}, from a default
    handshake and one that only an RSA certificate can answer (skipped where the profile has no
    TLS 1.2). Needs no access to the files. Raises NoAnswer when no handshake succeeds."""
    from cryptography import x509  # the role installs python3-cryptography on every proxy
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    found, errors = {}, []
    for rsa_only in (False, True):
        context = _context(None)
        if rsa_only:
            context.maximum_version = ssl.TLSVersion.TLSv1_2
            context.set_ciphers(RSA_ONLY_TLS12)
        try:
            with socket.create_connection((address, port), timeout=timeout) as raw:
                with context.wrap_socket(raw, server_hostname=server_name) as tls:
                    der = tls.getpeercert(binary_form=True)
        except OSError as error:
            errors.append(str(error))
            continue
        certificate = x509.load_der_x509_certificate(der)
        key = certificate.public_key()
        kind = "rsa" if isinstance(key, rsa.RSAPublicKey) else "ecdsa" if isinstance(key, ec.EllipticCurvePublicKey) \
            else "other"
        found[kind] = _validity(certificate)
    if not found:
        raise NoAnswer("https://%s via %s:%d: no TLS handshake (%s)" % (server_name, address, port, errors[0]))
    return found


def _validity(certificate):
    """(notBefore, notAfter) in UTC (cryptography 42 renamed the attributes; Debian 12 has older)."""
    if hasattr(certificate, "not_valid_after_utc"):
        return certificate.not_valid_before_utc, certificate.not_valid_after_utc
    return (certificate.not_valid_before.replace(tzinfo=datetime.timezone.utc),
            certificate.not_valid_after.replace(tzinfo=datetime.timezone.utc))


def certificate_validity(path):
    """(notBefore, notAfter) (UTC) of the first certificate in a PEM file."""
    from cryptography import x509  # the role installs python3-cryptography on every proxy

    with open(path, "rb") as pem:
        return _validity(x509.load_pem_x509_certificate(pem.read()))


def ocsp_responders(path):
    """The OCSP responder URLs the first certificate in a PEM file names (its Authority Information
    Access); none for a CA that runs no OCSP (Let's Encrypt since August 2025)."""
    from cryptography import x509  # the role installs python3-cryptography on every proxy
    from cryptography.x509.oid import AuthorityInformationAccessOID

    with open(path, "rb") as pem:
        certificate = x509.load_pem_x509_certificate(pem.read())
    try:
        access = certificate.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except x509.ExtensionNotFound:
        return []
    return [entry.access_location.value for entry in access
            if entry.access_method == AuthorityInformationAccessOID.OCSP]


def days_left(expiry, now=None):
    """Whole days from now until expiry (negative once expired)."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return (expiry - now).days


# Certificates are renewed with a third of their lifetime left (half under 10 days; the
# certbot_renewal module). Alerts come later, at a share of the lifetime or at the configured
# days, whichever is less: a 90-day certificate warns 21 days and turns critical 7 days before it
# expires, a 6-day one 36 and 12 hours before.
WARNING_SHARE, CRITICAL_SHARE = 1 / 4, 1 / 12


def expiry_alert(validity, warning_days, critical_days, now=None):
    """("ok", "warning" or "critical", time left, warning threshold, critical threshold) of a
    certificate valid (notBefore, notAfter)."""
    not_before, not_after = validity
    now = now or datetime.datetime.now(datetime.timezone.utc)
    lifetime, left = not_after - not_before, not_after - now
    warning = min(datetime.timedelta(days=warning_days), lifetime * WARNING_SHARE)
    critical = min(datetime.timedelta(days=critical_days), lifetime * CRITICAL_SHARE)
    state = "critical" if left < critical else "warning" if left < warning else "ok"
    return state, left, warning, critical


def duration_text(duration):
    """A time span as an admin reads it: days, below two days hours, below two hours minutes."""
    seconds = abs(duration.total_seconds())
    for unit, length in (("days", 86400), ("hours", 3600)):
        if seconds >= 2 * length:
            return "%d %s" % (seconds // length, unit)
    return "%d minutes" % (seconds // 60)
