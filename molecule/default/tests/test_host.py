"""What an admin checks on the proxy host itself."""
from molecule_support.host_paths import DEBIAN_DEFAULT_SITE_LINK, DHPARAM, NGINX_CONF, SITE
from molecule_support.scenario import proxy_backends, proxy_vars, tls_profile

testinfra_hosts = proxy_backends()


def test_nginx_is_installed_enabled_and_running(host):
    assert host.package("nginx").is_installed
    nginx = host.service("nginx")
    assert nginx.is_enabled
    assert nginx.is_running


def test_site_is_in_sites_available_and_linked_from_sites_enabled(host):
    site = host.file(SITE.file)
    assert site.is_file
    # Login paths to the upstream without kept-alive connections, the rest to the one with them.
    assert "proxy_pass http://ucserver_reverseproxy$ucproxy_login_upstream;" in site.content_string
    link = host.file(SITE.link)
    assert link.is_symlink
    assert link.linked_to == SITE.file


def test_debian_default_site_is_disabled(host):
    assert not host.file(DEBIAN_DEFAULT_SITE_LINK).exists


def test_whole_nginx_configuration_passes_nginx_t_without_warnings(host):
    result = host.run("nginx -t")
    assert result.rc == 0, result.stderr
    assert "test is successful" in result.stderr
    assert "[warn]" not in result.stderr, result.stderr


def test_tls_settings_are_defined_once_at_http_level(host):
    """Debian's stock `ssl_protocols TLSv1 TLSv1.1 ...` must be gone from the running config."""
    dump = host.run("nginx -T").stdout
    protocols = [line.strip() for line in dump.splitlines() if line.strip().startswith("ssl_protocols")]
    expected = "TLSv1.3" if tls_profile(host) == "modern" else "TLSv1.2 TLSv1.3"
    assert protocols == [f"ssl_protocols {expected};"]
    assert "ssl on;" not in dump


def test_private_key_is_root_only(host):
    key = host.file(SITE.key)
    assert key.user == "root"
    assert key.group == "root"
    assert key.mode == 0o600


def test_systemd_unit_restarts_nginx_whenever_it_stops_by_itself(host):
    # The faults scenario kills the master and watches systemd bring it back.
    assert host.run("systemctl show nginx --property Restart").stdout.strip() == "Restart=always"


def test_dhparam_is_the_rfc7919_ffdhe2048_group_unless_the_profile_has_no_dhe(host):
    if tls_profile(host) == "modern":
        assert "ssl_dhparam" not in host.run("nginx -T").stdout
        return
    dhparam = host.file(DHPARAM)
    assert dhparam.is_file
    assert f"ssl_dhparam {DHPARAM};" in host.file(NGINX_CONF).content_string
    # RFC 7919 primes start with 64 one-bits followed by the digits of e.
    prime = host.run("python3 -c \"from cryptography.hazmat.primitives.serialization import "
                     f"load_pem_parameters as l; p = l(open('{DHPARAM}','rb').read())"
                     ".parameter_numbers().p; print(p.bit_length(), hex(p)[:26])\"")
    assert prime.stdout.split() == ["2048", "0xffffffffffffffffadf85458"]


def test_nginx_workers_get_the_open_file_limit_the_role_computed(host):
    """Two descriptors per WebSocket plus headroom for reverse_proxy_max_clients, capped by the host."""
    clients = proxy_vars(host).get("reverse_proxy_max_clients", 10000)
    host_limit = min(int(host.run("awk '/^Max open files/ {print $5}' /proc/1/limits").stdout),
                     int(host.file("/proc/sys/fs/nr_open").content_string))
    expected = min(clients * 2 + 1280, host_limit)
    dump = host.run("nginx -T").stdout
    assert f"worker_rlimit_nofile {expected};" in dump
    assert f"worker_connections {expected - 256};" in dump
    workers = host.run("pgrep -f '^nginx: worker process'").stdout.split()
    assert workers
    for pid in workers:
        limits = host.file(f"/proc/{pid}/limits").content_string
        soft = next(line.split()[3] for line in limits.splitlines() if line.startswith("Max open files"))
        assert int(soft) == expected
