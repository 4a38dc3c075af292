"""check_ucproxy - monitoring check of the UCServer reverse proxy (monitoring-plugins conventions).

Sends an https request and a WebSocket upgrade through the proxy under its public name, as a
client from the internet would, and reads the expiry of every certificate nginx serves for it
(RSA and ECDSA, from TLS handshakes: no access to the key directory needed). Exit
codes and one status line as Nagios, Icinga, Checkmk, Zabbix and Sensu expect:

  0 OK        the proxy answers and the UCServer behind it, certificates beyond --warning days
  1 WARNING   a certificate expires within --warning days, or the proxy answers but the
              UCServer behind it does not (nginx says 502/503/504): users are cut off, but the
              proxy is not the cause
  2 CRITICAL  the proxy does not answer (nginx stopped, TLS broken), the WebSocket upgrade
              fails, or a certificate expires within --critical days or has expired
  3 UNKNOWN   bad arguments, an unreadable settings file, or a value neither gives

The paths and thresholds come from the settings file the reverse_proxy role writes (--config,
from the role's variables) or from the arguments, which win.
On a proxy with several sites the settings list them, and each one is checked (its own name,
UCServer and certificates; the worst state counts) unless -H names one.
A certificate alerts at --warning / --critical days, or with a quarter / a twelfth of its lifetime
left where that comes later (certificates that live days: a 6-day one warns 36 hours before it
expires, not 21 days before it was issued).
"""
import argparse
import datetime
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import proxy_probe  # noqa: E402  pylint: disable=wrong-import-position,import-error

OK, WARNING, CRITICAL, UNKNOWN = 0, 1, 2, 3
STATES = ("OK", "WARNING", "CRITICAL", "UNKNOWN")
CONFIG = "/etc/ucproxy-nginx/check_ucproxy.json"


class Unknown(Exception):
    """Bad arguments or settings: state UNKNOWN."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise Unknown(message)


def arguments(argv):
    """The settings of each check to run: one per site of the settings file, or the one -H names."""
    parser = Parser(prog="check_ucproxy", description=__doc__.split("\n\n", 1)[1],
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default=CONFIG, help="settings file (JSON) with defaults (default: %(default)s)")
    parser.add_argument("-H", "--server-name", help="public name to connect with (SNI and Host)")
    parser.add_argument("-I", "--address", help="address of the proxy (default: 127.0.0.1)")
    parser.add_argument("-p", "--port", type=int, help="https port (default: 443)")
    parser.add_argument("--path", help="path of the plain request")
    parser.add_argument("--websocket-path", help="path of the WebSocket upgrade, '' to skip")
    parser.add_argument("-C", "--certificate", action="append", dest="certificates",
                        help="a certificate file to check as well (repeat for several)")
    parser.add_argument("-w", "--warning", type=int, help="days before expiry for WARNING")
    parser.add_argument("-c", "--critical", type=int, help="days before expiry for CRITICAL")
    parser.add_argument("-t", "--timeout", type=float, help="seconds for each request (default: 10)")
    args = parser.parse_args(argv)
    settings = {"address": "127.0.0.1", "port": 443, "certificates": [], "timeout": 10.0}
    explicit_config = args.config != CONFIG
    if os.path.exists(args.config) or explicit_config:
        try:
            with open(args.config, encoding="utf-8") as config:
                settings.update(json.load(config))
        except (OSError, ValueError) as error:
            raise Unknown("cannot read %s: %s" % (args.config, error)) from error
    given = {key: value for key, value in vars(args).items() if value is not None and key != "config"}
    sites = settings.pop("sites", None) or [{}]
    if args.server_name:  # one name: its site's paths, if it is one of the sites
        sites = [site for site in sites if site.get("server_name") == args.server_name][:1] or [{}]
    return [valid({**settings, **site, **given}) for site in sites]


def valid(settings):
    """One check's settings, with numbers as numbers, or Unknown."""
    missing = [name for name in ("path", "websocket_path", "warning", "critical") if name not in settings]
    if missing:
        raise Unknown("no %s: give %s or the settings file the role writes" % (
            ", ".join(missing), ", ".join("--" + name.replace("_", "-") for name in missing)))
    for name, kind in (("port", int), ("warning", int), ("critical", int), ("timeout", float)):
        try:
            settings[name] = kind(settings[name])
        except (TypeError, ValueError) as error:
            raise Unknown("%s: %s" % (name, error)) from error
    if not settings.get("server_name"):
        raise Unknown("no server name: give -H/--server-name")
    if not 0 <= settings["critical"] <= settings["warning"]:
        raise Unknown("thresholds out of order: need 0 <= --critical (%s) <= --warning (%s)"
                      % (settings["critical"], settings["warning"]))
    for name in ("path", "websocket_path"):
        if settings[name] and not proxy_probe.PATH.match(settings[name]):
            raise Unknown("--%s: %r is not a URL path" % (name.replace("_", "-"), settings[name]))
    return settings


def check(settings):
    """(state, text, performance data) of one check."""
    target = (settings["address"], settings["port"], settings["server_name"], None)
    name = settings["server_name"]
    perfdata, state, texts = [], OK, []
    started = time.monotonic()
    try:
        status, problem = proxy_probe.plain(target, settings["path"], started + settings["timeout"])
        perfdata.append("time=%.3fs;;;0" % (time.monotonic() - started))
        if status in proxy_probe.UPSTREAM_FAILED:
            state, texts = WARNING, ["proxy answers, but the UCServer behind it does not (https://%s%s: %d)"
                                     % (name, settings["path"], status)]
        elif problem:
            state, texts = CRITICAL, [problem]
        elif settings["websocket_path"]:
            ws_status, problem = proxy_probe.websocket(target, settings["websocket_path"],
                                                       time.monotonic() + settings["timeout"])
            if ws_status in proxy_probe.UPSTREAM_FAILED:
                state, texts = WARNING, ["proxy answers, but the UCServer behind it does not (WebSocket: %d)"
                                         % ws_status]
            elif problem:
                state, texts = CRITICAL, [problem]
            else:
                texts = ["https and WebSocket through %s answer (%d, %d)" % (name, status, ws_status)]
        else:
            texts = ["https through %s answers (%d)" % (name, status)]
    except proxy_probe.NoAnswer as error:
        state, texts = CRITICAL, ["proxy does not answer: %s" % error]
    # The certificates nginx serves, from handshakes (no access to the key directory needed), and
    # any certificate files named with --certificate.
    validities = {}
    try:
        for kind, validity in proxy_probe.served_certificates(settings["address"], settings["port"], name,
                                                              settings["timeout"]).items():
            validities[kind] = ("%s certificate served for %s" % (kind.upper(), name), validity)
    except proxy_probe.NoAnswer:
        pass  # already CRITICAL: the proxy does not answer
    for path in settings["certificates"]:
        try:
            validity = proxy_probe.certificate_validity(path)
            validities[os.path.basename(path).replace(" ", "_")] = ("certificate %s" % path, validity)
        except (OSError, ValueError) as error:
            state = max(state, CRITICAL)
            texts.append("certificate %s unreadable: %s" % (path, error))
    shortest = None
    for label, (what, validity) in validities.items():
        alert, left, warning, critical = proxy_probe.expiry_alert(validity, settings["warning"], settings["critical"])
        shortest = left if shortest is None else min(shortest, left)
        # Days; thresholds as ranges "N:" (alert below N), per the monitoring-plugins guidelines.
        perfdata.append("days_%s=%s;%s:;%s:" % (label, _days(left), _days(warning), _days(critical)))
        if alert != "ok":
            state = max(state, CRITICAL if alert == "critical" else WARNING)
            texts.append("%s %s %s (%s)" % (what, "expired" if left < datetime.timedelta(0) else "expires",
                                            validity[1].strftime("%Y-%m-%d %H:%M UTC"),
                                            proxy_probe.duration_text(left)))
    if state == OK and validities:
        texts.append("certificates valid for %s+ %s" % tuple(proxy_probe.duration_text(shortest).split()))
    return state, "; ".join(texts), perfdata


def _days(duration):
    """Days with up to three decimals, without trailing zeros (85.42, 0.5, 21): perfdata allows no exponent."""
    return ("%.3f" % (duration.total_seconds() / 86400)).rstrip("0").rstrip(".")


def check_all(checks):
    """(state, text, performance data) of every site's check: the worst state, each site's text and
    data under its name when there are several."""
    if len(checks) == 1:
        return check(checks[0])
    worst, texts, perfdata = OK, [], []
    for settings in checks:
        state, text, data = check(settings)
        worst = max(worst, state)
        texts.append("%s: %s" % (settings["server_name"], text))
        perfdata += ["%s_%s" % (settings["server_name"], item) for item in data]
    return worst, "; ".join(texts), perfdata


def main(argv=None):
    try:
        checks = arguments(sys.argv[1:] if argv is None else argv)
    except Unknown as error:
        print("UCPROXY UNKNOWN - %s" % error)
        return UNKNOWN
    state, text, perfdata = check_all(checks)
    print("UCPROXY %s - %s | %s" % (STATES[state], text, " ".join(perfdata)))
    return state


if __name__ == "__main__":
    sys.exit(main())
