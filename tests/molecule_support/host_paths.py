"""Where the role puts things on a proxy: the one table the tests read paths on the host from
(the role's own names are in roles/reverse_proxy/vars/main/ and plugins/module_utils/sites.py).

Host-level files are named for the host, not after a site: the marker of a pending reload
(RELOAD_PENDING) and the ACME server's CA (ACME_SERVER_CA)."""
from dataclasses import dataclass

# reverse_proxy_site_name's default: the site of a single-site inventory.
DEFAULT_SITE = "reverseproxy"

NGINX_CONF = "/etc/nginx/nginx.conf"
SITES_AVAILABLE = "/etc/nginx/sites-available"
SITES_ENABLED = "/etc/nginx/sites-enabled"
DEBIAN_DEFAULT_SITE_LINK = f"{SITES_ENABLED}/default"
TLS_DIR = "/etc/nginx/tls"
DHPARAM = f"{TLS_DIR}/dhparam.pem"
NGINX_UNIT_DROPINS = "/etc/systemd/system/nginx.service.d"
NGINX_PID = "/run/nginx/nginx.pid"
# The old master's pid while nginx runs a new binary (apt's hook, a binary upgrade).
NGINX_OLD_PID = "/run/nginx/nginx.pid.oldbin"
NGINX_LOGS = "/var/log/nginx"
ACCESS_LOG = f"{NGINX_LOGS}/access.log"
LOGIN_FAILURES_LOG = f"{NGINX_LOGS}/ucproxy-login-failures.log"

# The role's state directory, and the marker that exists from a run's first change of nginx's files
# until nginx runs them.
STATE_DIR = "/var/lib/ucproxy-nginx"
RELOAD_PENDING = f"{STATE_DIR}/nginx-reload-pending"

# The monitoring check and its settings.
MONITORING_CHECK = "/usr/local/lib/ucproxy-nginx/check_ucproxy"
MONITORING_CHECK_SETTINGS = "/etc/ucproxy-nginx/check_ucproxy.json"

# Security updates.
BINARY_UPGRADE = "/usr/local/lib/ucproxy-nginx/nginx-binary-upgrade"
APT_CONF = "/etc/apt/apt.conf.d/52ucproxy-nginx"
POLICY_RC_D = "/usr/sbin/policy-rc.d"
SECURITY_SOURCE = "/etc/apt/sources.list.d/ucproxy-nginx-security.list"
# apt's record of its daily job's last unattended upgrade (apt-daily-upgrade.service skips it for a day).
APT_DAILY_UPGRADE_STAMP = "/var/lib/apt/periodic/upgrade-stamp"

# Login protection.
FAIL2BAN_JAIL = "/etc/fail2ban/jail.d/ucproxy-nginx.conf"
FAIL2BAN_FILTER = "/etc/fail2ban/filter.d/ucproxy-nginx-login.conf"
FAIL2BAN_JAIL_NAME = "ucproxy-nginx-login"
FAIL2BAN_LOG = "/var/log/fail2ban.log"

# High availability.
KEEPALIVED_CONF = "/etc/keepalived/keepalived.conf"

# ACME: one account and server CA per host, certbot's files per site (its lineage is named after it).
ACME_SERVER_CA = f"{TLS_DIR}/acme-server-ca.pem"
CERTBOT_DROPIN = "/etc/systemd/system/certbot.service.d/ucproxy-nginx.conf"
# systemd's sandbox of each unit the role runs (reverse_proxy_sandbox): a drop-in of this name.
SANDBOX_DROPIN = "ucproxy-sandbox.conf"
NGINX_SANDBOX = f"{NGINX_UNIT_DROPINS}/{SANDBOX_DROPIN}"
NGINX_DROPIN = f"{NGINX_UNIT_DROPINS}/ucproxy.conf"
# The binary upgrade's helper, which has its sandbox in its unit file.
UPGRADE_AFTER_DRAIN = "ucproxy-nginx-upgrade-after-drain.service"
ACME_ACCOUNTS = "/etc/letsencrypt/accounts"


@dataclass(frozen=True)
class SitePaths:
    """The files of one site on the host."""

    site: str = DEFAULT_SITE

    @property
    def file(self) -> str:
        return f"{SITES_AVAILABLE}/{self.site}"

    @property
    def link(self) -> str:
        return f"{SITES_ENABLED}/{self.site}"

    @property
    def certificate(self) -> str:
        """The certificate (with its chain) the role writes in selfsigned and files mode."""
        return f"{TLS_DIR}/{self.site}.fullchain.pem"

    @property
    def key(self) -> str:
        return f"{TLS_DIR}/{self.site}.key"

    @property
    def ecdsa_certificate(self) -> str:
        """The second, ECDSA certificate (key type both, or two certificates in files mode)."""
        return f"{TLS_DIR}/{self.site}.ecdsa.fullchain.pem"

    @property
    def ecdsa_key(self) -> str:
        return f"{TLS_DIR}/{self.site}.ecdsa.key"

    @property
    def tls_files(self) -> str:
        """A shell pattern for every file the role wrote for the site in the TLS directory."""
        return f"{TLS_DIR}/{self.site}.*"

    @property
    def state_files(self) -> str:
        """A shell pattern for the files 1.x kept for the site in the role's state directory."""
        return f"{STATE_DIR}/{self.site}.*"

    @property
    def acme_lineage(self) -> str:
        """certbot's archive of the site's certificates (cert1.pem, cert2.pem, ... one per order)."""
        return f"/etc/letsencrypt/archive/{self.site}"

    @property
    def acme_renewal(self) -> str:
        return f"/etc/letsencrypt/renewal/{self.site}.conf"


SITE = SitePaths()
