# -*- coding: utf-8 -*-
# Copyright: ucproxy.nginx developers
# MIT License (see LICENSE)
"""The rules for DNS names, in one place: the validation filter (what the role accepts) and the
health_check module (what the gate connects with) both use them, so they cannot disagree."""

from __future__ import annotations

import re

LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
HOST_NAME = re.compile(r"^%s(\.%s)*\.?$" % (LABEL, LABEL))
SERVER_NAME = re.compile(r"^(\*\.)?%s(\.%s)*$" % (LABEL, LABEL))
# The label a client puts in place of a wildcard's "*" to reach a wildcard server name.
WILDCARD_LABEL = "ucproxy-health-check"


def is_server_name(name):
    """A DNS name nginx may serve and a certificate may name: letters, digits and hyphens in
    labels, a leading "*." wildcard allowed."""
    return isinstance(name, str) and len(name) <= 253 and bool(SERVER_NAME.match(name))


def is_host_name(name):
    """A DNS host name without wildcard (a trailing dot allowed)."""
    return isinstance(name, str) and len(name) <= 254 and bool(HOST_NAME.match(name))


def is_wildcard(name):
    return name.startswith("*.")


def concrete_name(name):
    """A name a client can connect with: a wildcard stands for one label of our choice."""
    return WILDCARD_LABEL + name[1:] if is_wildcard(name) else name


def first_concrete_name(names):
    """The first name without a wildcard, else the first wildcard made concrete."""
    for name in names:
        if not is_wildcard(name):
            return name
    return concrete_name(names[0])


def covers(pattern, name):
    """Whether a certificate's DNS entry `pattern` covers the server name `name` (RFC 6125: a
    wildcard covers exactly one label; letter case and a trailing dot do not matter)."""
    pattern, name = pattern.lower().rstrip("."), name.lower().rstrip(".")
    if pattern == name:
        return True
    if is_wildcard(pattern) and not is_wildcard(name):
        head, dot, rest = name.partition(".")
        return bool(head and dot) and rest == pattern[2:]
    return False
