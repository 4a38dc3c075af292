# -*- coding: utf-8 -*-
# Copyright: ucproxy.nginx developers
# MIT License (see LICENSE)
"""Everything the reverse_proxy role needs to know about a host before it changes anything, read
in one module call (a task per probe cost most of a run's time)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: host_state
short_description: Reads what the reverse_proxy role needs to know about a Debian or Ubuntu host, in one call
version_added: 1.6.0
description:
  - Changes nothing. Returns the distribution, the packages that are missing and whether
    apt's lists offer them, the nginx and OpenSSL versions (of the installed nginx, else of the
    package apt would install and of the system library), whether the host has IPv6, the open-file
    limits of the host and of the running nginx, the state of systemd units, which of the given
    paths exist and which files match the given patterns, backups an interrupted run left, sites an
    earlier run wrote that are no longer wanted, whether self-signed certificates, ACME lineages
    and generated DH parameters are as wanted, and (with O(updates)) how security updates reach
    nginx and OpenSSL, with the warnings of M(ucproxy.nginx.update_status).
  - On a host that is not of the Debian family it returns the distribution only.
  - Certificates and keys are read with the host's python3-cryptography; without it they count as
    not as wanted.
options:
  packages:
    description: Debian packages the host needs.
    type: list
    elements: str
    default: []
  services:
    description: systemd units whose state (active, enabled) is reported.
    type: list
    elements: str
    default: []
  paths:
    description: Paths whose existence is reported (RV(existing)); links count by themselves, not by their target.
    type: list
    elements: path
    default: []
  patterns:
    description: Shell patterns of files to find (RV(matches)).
    type: list
    elements: str
    default: []
  backups_of:
    description: Files a run replaces with a backup; their backups (C(<file>.<pid>.<date>@<time>~)) are RV(stale_backups).
    type: list
    elements: path
    default: []
  sites:
    description: Site files a run writes; the ones that carry O(marker) but are no longer wanted are RV(retired_sites).
    type: dict
    suboptions:
      directory:
        description: Where the site files are (C(/etc/nginx/sites-available)).
        type: path
        required: true
      wanted:
        description: Names of the sites still wanted.
        type: list
        elements: str
        required: true
  selfsigned:
    description: Self-signed certificates the host should have, each checked against its key, names and
      O(renew_days).
    type: list
    elements: dict
    default: []
    suboptions:
      certificate:
        description: Certificate file.
        type: path
        required: true
      key:
        description: Private key file.
        type: path
        required: true
      type:
        description: Key type.
        type: str
        choices: [rsa, ecdsa]
        required: true
      names:
        description: DNS names; the first is the subject's common name.
        type: list
        elements: str
        required: true
  renew_days:
    description: A self-signed certificate that expires within these days is made again.
    type: int
    default: 30
  acme:
    description: Names of certbot lineages (in C(/etc/letsencrypt)).
    type: list
    elements: str
    default: []
  marker:
    description:
      - Text that marks a file as written by the role (O(marked_paths), the files in O(sites.directory)).
      - Required with O(marked_paths) or O(sites).
    type: str
  marked_paths:
    description: Files whose carrying O(marker) is reported (RV(marked)).
    type: list
    elements: path
    default: []
  dhparam:
    description: DH parameters the host should have generated.
    type: dict
    suboptions:
      path:
        description: The file.
        type: path
        required: true
      bits:
        description: Their size.
        type: int
        required: true
  warn:
    description:
      - Whether what O(nginx_open_files) and O(updates) find is also said as a warning. A second read in
        the same run, after installing packages, passes V(false) when the first one read them already.
    type: bool
    default: true
  nginx_pid:
    description: The pid file of the running nginx master (nginx.conf's C(pid)).
    type: path
    required: true
  nginx_open_files:
    description:
      - The open files each nginx worker should get. When the host allows fewer, and the running nginx
        does not have the capped limit yet (the run that applies it), a warning names O(nginx_open_files.reason)
        and the numbers; once nginx runs with it, the warning is not repeated.
    type: dict
    suboptions:
      wanted:
        description: Open files wanted per worker.
        type: int
        required: true
      reason:
        description: What asks for them (the variable and its value).
        type: str
        required: true
  updates:
    description:
      - The options of M(ucproxy.nginx.update_status) (without O(ucproxy.nginx.update_status#module:release),
        which comes from the host); omitted, nothing about updates is read. Read only once nginx is installed.
    type: dict
    suboptions:
      binary_upgrade:
        description: As O(ucproxy.nginx.update_status#module:binary_upgrade).
        type: path
        required: true
      own_source:
        description: As O(ucproxy.nginx.update_status#module:own_source).
        type: path
        required: true
      add_source:
        description: As O(ucproxy.nginx.update_status#module:add_source).
        type: bool
        default: false
      restart_policy:
        description: As O(ucproxy.nginx.update_status#module:restart_policy).
        type: bool
        default: false
author:
  - ucproxy.nginx developers (@ucproxy)
"""

EXAMPLES = r"""
- name: What the role needs to know about the host is known
  ucproxy.nginx.host_state:
    packages: [nginx, python3-cryptography]
    services: [nginx]
    paths: [/etc/nginx/sites-enabled/default]
  register: host
"""

RETURN = r"""
supported:
  description: Whether the host is of the Debian family (what follows the distribution is returned only then).
  returned: always
  type: bool
distribution:
  description: As Ansible's fact C(ansible_distribution) (C(Debian), C(Ubuntu)).
  returned: always
  type: str
distribution_version:
  description: The release's version (C(12), C(24.04)).
  returned: always
  type: str
distribution_release:
  description: The release's codename (C(bookworm), C(noble)).
  returned: always
  type: str
os_family:
  description: As Ansible's fact C(ansible_os_family).
  returned: always
  type: str
missing_packages:
  description: Packages of O(packages) that are not installed.
  type: list
  elements: str
  returned: when supported
uncached_packages:
  description: Missing packages apt's lists do not offer (the lists must be refreshed first).
  type: list
  elements: str
  returned: when supported
nginx_installed:
  description: Whether nginx is installed (else the versions are those apt would install).
  type: bool
  returned: when supported
nginx_version:
  description: nginx's version, or C(0) when it is not known.
  type: str
  returned: when supported
openssl_version:
  description: The OpenSSL version nginx runs with, or C(0) when it is not known.
  type: str
  returned: when supported
ipv6:
  description: Whether the host offers IPv6 sockets.
  type: bool
  returned: when supported
host_nofile:
  description: The most open files a process may have on this host.
  type: int
  returned: when supported
nginx_nofile:
  description: The open-file limit of the running nginx master, or C(none).
  type: str
  returned: when supported
nginx_sandboxed:
  description: Whether the running nginx master may gain no new privileges (systemd's sandbox sets this), or
    C(none) when no master runs.
  type: raw
  returned: when supported
services:
  description: For each unit of O(services), C(active) and C(enabled).
  type: dict
  returned: when supported
existing:
  description: The paths of O(paths) that exist.
  type: list
  elements: str
  returned: when supported
matches:
  description: Files matching O(patterns).
  type: list
  elements: str
  returned: when supported
stale_backups:
  description: Backups of the files of O(backups_of).
  type: list
  elements: str
  returned: when supported
marked:
  description: The files of O(marked_paths) that carry O(marker).
  type: list
  elements: str
  returned: when supported
retired_sites:
  description: Site files the role wrote that are not among O(sites.wanted), with C(name), C(enabled) and
    C(acme_lineage) (certbot has a lineage of that name).
  type: list
  elements: dict
  returned: when supported
selfsigned:
  description: For each of O(selfsigned), C(certificate) and C(reason), why it must be made again (empty
    when it is as wanted).
  type: list
  elements: dict
  returned: when supported
acme:
  description:
    - For each of O(acme), C(lineage), C(issued), and once issued C(names), C(expired), and the C(server),
      C(key_type) and C(authenticator) its renewal settings name.
  type: list
  elements: dict
  returned: when supported
dhparam_current:
  description: Whether O(dhparam.path) holds DH parameters of O(dhparam.bits) bits.
  type: bool
  returned: when supported
updates:
  description: What M(ucproxy.nginx.update_status) returns, with O(updates).
  type: dict
  returned: when supported, O(updates) is given and nginx is installed
"""

import datetime
import glob
import os
import re
import ssl

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ucproxy.nginx.plugins.module_utils.sites import SITE_NAME, acme_lineage as acme_files
from ansible_collections.ucproxy.nginx.plugins.module_utils.update_status import report

BACKUP = re.compile(r"\.[0-9]+\.[0-9]{4}-[0-9]{2}-[0-9]{2}@[0-9]{2}:[0-9]{2}:[0-9]{2}~$")


def distribution():
    """The distribution as Ansible's facts name it, from /etc/os-release."""
    release = {}
    try:
        with open("/etc/os-release", encoding="utf-8") as text:
            for line in text:
                key, equals, value = line.strip().partition("=")
                if equals:
                    release[key] = value.strip('"')
    except OSError:
        pass
    family = release.get("ID", "") + " " + release.get("ID_LIKE", "")
    return {"distribution": (release.get("NAME") or "unknown").split()[0],
            "distribution_version": release.get("VERSION_ID", ""),
            "distribution_release": release.get("VERSION_CODENAME", ""),
            "os_family": "Debian" if "debian" in family.split() else release.get("ID", "unknown")}


def packages(module, wanted):
    """(missing, uncached) of the wanted packages: not installed, and of those the ones apt's lists do
    not offer."""
    _rc, out, _err = module.run_command(["dpkg-query", "--show", "--showformat", "${Package} ${Status}\n"] + wanted)
    installed = {line.split()[0] for line in out.splitlines() if line.endswith(" install ok installed")}
    missing = [name for name in wanted if name not in installed]
    uncached = []
    if missing:
        _rc, policy, _err = module.run_command(["apt-cache", "policy"] + missing)
        uncached = [name for name in missing if name not in offered(policy)]
    return missing, uncached


def offered(policy):
    """The packages `apt-cache policy` names with an install candidate."""
    return set(re.findall(r"^(\S+):\n(?:  .*\n)*?  Candidate: (?!\(none\))", policy + "\n", re.M))


def versions(module):
    """(installed, nginx version, OpenSSL version): nginx -V, else apt's candidate and the system OpenSSL."""
    nginx = module.get_bin_path("nginx", opt_dirs=["/usr/sbin"])
    rc, _out, err = module.run_command([nginx, "-V"]) if nginx else (1, "", "")
    if rc == 0:
        nginx = re.search(r"nginx/([0-9.]+)", err)
        openssl = re.search(r"running with OpenSSL ([0-9.]+)", err) or re.search(r"built with OpenSSL ([0-9.]+)", err)
        return True, nginx.group(1) if nginx else "0", openssl.group(1) if openssl else "0"
    _rc, policy, _err = module.run_command(["apt-cache", "policy", "nginx"])
    candidate = re.search(r"Candidate:\s*(?:[0-9]+:)?([0-9.]+)", policy)
    openssl = re.search(r"OpenSSL ([0-9.]+)", ssl.OPENSSL_VERSION)
    return False, candidate.group(1) if candidate else "0", openssl.group(1) if openssl else "0"


def host_nofile():
    """The hard open-file limit of PID 1, capped by the kernel's nr_open."""
    with open("/proc/sys/fs/nr_open", encoding="ascii") as nr_open:
        most = int(nr_open.read())
    hard = _open_files_limit("/proc/1/limits", hard=True)
    return most if hard in (None, "unlimited") or int(hard) > most else int(hard)


def _open_files_limit(limits_file, hard):
    """A process's "Max open files" limit, or None: "Max open files  <soft>  <hard>  files"."""
    try:
        with open(limits_file, encoding="ascii") as limits:
            for line in limits:
                if line.startswith("Max open files"):
                    return line.split()[4 if hard else 3]
    except OSError:
        return None
    return None


def nginx_master(pid_file):
    """The running nginx master's open-file limit (systemd's LimitNOFILE) and whether it runs sandboxed
    (NoNewPrivs, which systemd's sandbox sets): ("none", None) when no master runs."""
    try:
        with open(pid_file, encoding="ascii") as pid:
            proc = "/proc/%s/" % pid.read().strip()
        with open(proc + "status", encoding="ascii") as status:
            no_new_privs = re.search(r"^NoNewPrivs:\s*(\d)", status.read(), re.M)
    except OSError:
        return "none", None
    return (_open_files_limit(proc + "limits", hard=False) or "none",
            no_new_privs.group(1) == "1" if no_new_privs else None)


def services(module, units):
    found = {}
    for unit in units:
        active = module.run_command(["systemctl", "is-active", "--quiet", unit])[0] == 0
        enabled = module.run_command(["systemctl", "is-enabled", "--quiet", unit])[0] == 0
        found[unit] = {"active": active, "enabled": enabled}
    return found


def _marked(path, marker):
    try:
        with open(path, encoding="utf-8", errors="replace") as text:
            return marker in text.read()
    except OSError:
        return False


def retired_sites(directory, wanted, marker, lineage_of=acme_files):
    """Site files in `directory` that carry `marker` and are not wanted, whether each is enabled and
    whether certbot has a lineage of its name."""
    retired = []
    for name in sorted(os.listdir(directory)) if os.path.isdir(directory) else []:
        path = os.path.join(directory, name)
        if name not in wanted and SITE_NAME.match(name) and os.path.isfile(path) and _marked(path, marker):
            enabled = os.path.join(os.path.dirname(directory), "sites-enabled", name)
            retired.append({"name": name, "enabled": os.path.lexists(enabled),
                            "acme_lineage": os.path.exists(lineage_of(name)["renewal_conf"])})
    return retired


def _crypto():
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec, rsa
        return x509, serialization, ec, rsa
    except ImportError:
        return None


def _certificate(x509, path):
    with open(path, "rb") as pem:
        return x509.load_pem_x509_certificate(pem.read())


def _dns_names(x509, certificate):
    try:
        extension = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        return extension.get_values_for_type(x509.DNSName)
    except x509.ExtensionNotFound:
        return []


def _not_after(certificate):
    after = getattr(certificate, "not_valid_after_utc", None)
    return after if after is not None else certificate.not_valid_after.replace(tzinfo=datetime.timezone.utc)


def selfsigned_reason(wanted, renew_days, crypto):
    """Why a self-signed certificate must be made again, or "" when it is as wanted."""
    if crypto is None:
        return "python3-cryptography is not installed"
    x509, serialization, ec, rsa = crypto
    if not os.path.exists(wanted["certificate"]) or not os.path.exists(wanted["key"]):
        return "it does not exist"
    try:
        certificate = _certificate(x509, wanted["certificate"])
        with open(wanted["key"], "rb") as pem:
            key = serialization.load_pem_private_key(pem.read(), password=None)
    except (OSError, ValueError, TypeError) as error:
        return "it cannot be read (%s)" % error
    if wanted["type"] == "rsa" and not (isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048):
        return "the key is not RSA 2048"
    if wanted["type"] == "ecdsa" and not (isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1"):
        return "the key is not ECDSA P-256"
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    if (certificate.public_key().public_bytes(serialization.Encoding.DER, public)
            != key.public_key().public_bytes(serialization.Encoding.DER, public)):
        return "the certificate does not belong to the key"
    common_names = [attribute.value for attribute in certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)]
    if common_names != wanted["names"][:1] or sorted(_dns_names(x509, certificate)) != sorted(wanted["names"]):
        return "the names changed"
    left = _not_after(certificate) - datetime.datetime.now(datetime.timezone.utc)
    if left < datetime.timedelta(days=renew_days):
        return "it expires within %d days" % renew_days
    return ""


def acme_state(lineage, crypto):
    """What certbot holds for a lineage: whether it was issued, its names and expiry, and the
    directory, key type and authenticator of its renewal settings."""
    files = acme_files(lineage)
    found = {"lineage": lineage, "issued": os.path.exists(files["live"]["certificate"])}
    if found["issued"] and crypto is not None:
        x509 = crypto[0]
        certificate = _certificate(x509, files["certificate_alone"])
        found["names"] = sorted({name.lower() for name in _dns_names(x509, certificate)})
        found["expired"] = _not_after(certificate) <= datetime.datetime.now(datetime.timezone.utc)
    try:
        with open(files["renewal_conf"], encoding="utf-8") as renewal:
            settings = dict(re.findall(r"^(server|key_type|authenticator) = (.*)$", renewal.read(), re.M))
    except OSError:
        settings = {}
    found.update(server=settings.get("server", ""), key_type=settings.get("key_type", ""),
                 authenticator=settings.get("authenticator", ""))
    return found


def dhparam_current(wanted, crypto):
    if crypto is None or not os.path.exists(wanted["path"]):
        return False
    from cryptography.hazmat.primitives.serialization import load_pem_parameters
    try:
        with open(wanted["path"], "rb") as pem:
            return load_pem_parameters(pem.read()).parameter_numbers().p.bit_length() == wanted["bits"]
    except (ValueError, TypeError):
        return False


def main():
    module = AnsibleModule(
        argument_spec=dict(
            packages=dict(type="list", elements="str", default=[]),
            services=dict(type="list", elements="str", default=[]),
            paths=dict(type="list", elements="path", default=[]),
            patterns=dict(type="list", elements="str", default=[]),
            backups_of=dict(type="list", elements="path", default=[]),
            marker=dict(type="str"),
            marked_paths=dict(type="list", elements="path", default=[]),
            sites=dict(type="dict", options=dict(
                directory=dict(type="path", required=True), wanted=dict(type="list", elements="str", required=True))),
            selfsigned=dict(type="list", elements="dict", default=[], options=dict(
                certificate=dict(type="path", required=True), key=dict(type="path", required=True),
                type=dict(type="str", choices=["rsa", "ecdsa"], required=True),
                names=dict(type="list", elements="str", required=True))),
            renew_days=dict(type="int", default=30),
            acme=dict(type="list", elements="str", default=[]),
            dhparam=dict(type="dict", options=dict(path=dict(type="path", required=True),
                                                   bits=dict(type="int", required=True))),
            warn=dict(type="bool", default=True),
            nginx_pid=dict(type="path", required=True),
            nginx_open_files=dict(type="dict", options=dict(wanted=dict(type="int", required=True),
                                                            reason=dict(type="str", required=True))),
            updates=dict(type="dict", options=dict(
                binary_upgrade=dict(type="path", required=True), own_source=dict(type="path", required=True),
                add_source=dict(type="bool", default=False), restart_policy=dict(type="bool", default=False))),
        ),
        required_by={"marked_paths": "marker", "sites": "marker"},
        supports_check_mode=True,
    )
    params = module.params
    facts = distribution()
    if facts["os_family"] != "Debian":
        module.exit_json(changed=False, supported=False, **facts)
    missing, uncached = packages(module, params["packages"])
    installed, nginx_version, openssl_version = versions(module)
    crypto = _crypto()
    nginx_nofile, nginx_sandboxed = nginx_master(params["nginx_pid"])
    result = dict(
        supported=True, **facts,
        missing_packages=missing, uncached_packages=uncached,
        nginx_installed=installed, nginx_version=nginx_version, openssl_version=openssl_version,
        ipv6=os.path.exists("/proc/net/if_inet6"), host_nofile=host_nofile(),
        nginx_nofile=nginx_nofile, nginx_sandboxed=nginx_sandboxed,
        services=services(module, params["services"]),
        existing=[path for path in params["paths"] if os.path.lexists(path)],
        matches=sorted(path for pattern in params["patterns"] for path in glob.glob(pattern)),
        stale_backups=sorted(backup for path in params["backups_of"] for backup in glob.glob(glob.escape(path) + ".*~")
                             if BACKUP.search(backup[len(path):])),
        marked=[path for path in params["marked_paths"] if _marked(path, params["marker"])],
        retired_sites=retired_sites(marker=params["marker"], **params["sites"]) if params["sites"] else [],
        selfsigned=[{"certificate": wanted["certificate"], "reason": selfsigned_reason(wanted, params["renew_days"], crypto)}
                    for wanted in params["selfsigned"]],
        acme=[acme_state(lineage, crypto) for lineage in params["acme"]],
        dhparam_current=dhparam_current(params["dhparam"], crypto) if params["dhparam"] else False,
    )
    if not params["warn"]:
        module.warn = lambda warning: None  # the run's first read has said it
    wanted = params["nginx_open_files"]
    allowed = result["host_nofile"]
    if wanted and installed and wanted["wanted"] > allowed and result["nginx_nofile"] != str(allowed):
        module.warn("%s needs %d open files per nginx worker; this host allows %d, so nginx gets %d (fewer clients "
                    "per worker than planned)." % (wanted["reason"], wanted["wanted"], allowed, allowed))
    if params["updates"] and installed:
        result["updates"] = report(module, facts["distribution_release"], **params["updates"])
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
