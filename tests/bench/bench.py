"""make bench: the estos guide's nginx config (as written, on Debian's stock nginx.conf) and this
role's config, deployed in turn to the same Debian 12 container in front of the same UCServer
stand-in, measured with the same clients in one run on this machine. Writes docs/benchmarks.md
and docs/benchmarks.png and prints the table. Every load is bounded in count and time, and only
the project's own containers are targets."""
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NETWORK, PROXY, UCSERVER, CLIENT = "ucproxy-bench", "bench-proxy", "bench-ucserver", "bench-client"
NAME = "uc.example.test"
WEBSOCKETS = int(os.environ.get("BENCH_WEBSOCKETS", "10000"))
CHANGES = 3
CHANGE_WEBSOCKETS = 200  # held while the configuration changes
IMAGES = {key: os.environ[key] for key in ("UCPROXY_IMAGE_DEBIAN12", "UCPROXY_IMAGE_TOOLS")}


def log(message):
    print(f"bench: {message}", flush=True)


def run(command, check=True, timeout=900):
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if check and result.returncode != 0:
        raise RuntimeError(f"{command} failed: {result.stderr[-2000:]}")
    return result


def pexec(container, script, check=True, timeout=900):
    return run(["podman", "exec", container, "sh", "-c", script], check, timeout).stdout


def start(container, image, capabilities=()):
    run(["podman", "rm", "--force", "--time", "5", container], check=False)
    run(["podman", "run", "--detach", "--name", container, "--hostname", container, "--network", NETWORK,
         *[f"--cap-add={capability}" for capability in capabilities],
         "--systemd=always", image, "/lib/systemd/systemd"])
    pexec(container, "timeout 60 systemctl is-system-running --wait || true")


def ip_of(container):
    return pexec(CLIENT, f"getent hosts {container} | cut -d' ' -f1").strip()


def setup():
    log("starting the UCServer stand-in and the client containers")
    run(["podman", "network", "create", NETWORK], check=False)
    start(UCSERVER, IMAGES["UCPROXY_IMAGE_TOOLS"])
    run(["podman", "cp", str(ROOT / "tests/standin/ucserver_standin.py"), f"{UCSERVER}:/opt/"])
    pexec(UCSERVER, "mkdir -p /opt/ucproxy && mv /opt/ucserver_standin.py /opt/ucproxy/")
    run(["podman", "cp", str(ROOT / "tests/standin/ucserver-standin.service"), f"{UCSERVER}:/etc/systemd/system/"])
    pexec(UCSERVER, "systemctl daemon-reload && systemctl start ucserver-standin")
    start(CLIENT, IMAGES["UCPROXY_IMAGE_TOOLS"])
    # wrk (keep-alive load) and h2load (new TLS handshakes), both C clients from Debian: the client
    # shares the two cores with the proxy and must not be what limits a figure.
    pexec(CLIENT, "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nghttp2-client"
                  " >/dev/null")
    for script in ("tests/bench/ws_load.py", "tests/bench/tls_load.py", "tests/bench/request_stream.py",
                   "tests/clients/uclogin.py"):
        run(["podman", "cp", str(ROOT / script), f"{CLIENT}:/opt/{Path(script).name}"])


def point_client_at_proxy(cafile_on_proxy):
    """The client resolves the server name to the proxy and trusts the proxy's certificate."""
    proxy_ip = ip_of(PROXY)
    # /etc/hosts is a bind mount: rewrite it in place.
    pexec(CLIENT, f"grep -v ' {NAME}$' /etc/hosts > /tmp/hosts; echo '{proxy_ip} {NAME}' >> /tmp/hosts; "
                  "cat /tmp/hosts > /etc/hosts")
    pem = pexec(PROXY, f"cat {cafile_on_proxy}")
    with tempfile.NamedTemporaryFile("w", delete=False) as ca:
        ca.write(pem)
    run(["podman", "cp", ca.name, f"{CLIENT}:/tmp/proxy-ca.pem"])
    os.unlink(ca.name)
    return proxy_ip


def deploy_guide(key_type):
    """Debian's nginx with the guide's site file; a certificate and dhparam provided so it starts
    (generating the guide's 4096-bit dhparam would take more than 15 minutes on this box)."""
    if key_type == "rsa":
        log("deploying the guide's configuration (stock nginx.conf, guide site file)")
        start(PROXY, IMAGES["UCPROXY_IMAGE_DEBIAN12"])
        pexec(PROXY, "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl"
                     " >/dev/null")
        run(["podman", "cp", str(ROOT / "tests/bench/guide-site.conf"),
             f"{PROXY}:/etc/nginx/sites-available/reverseproxy"])
        pexec(PROXY, "ln -sf /etc/nginx/sites-available/reverseproxy /etc/nginx/sites-enabled/reverseproxy && "
                     "openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe4096 -out /etc/ssl/certs/dhparam.pem")
    key = "-newkey rsa:2048" if key_type == "rsa" else "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1"
    pexec(PROXY, f"openssl req -x509 {key} -nodes -days 30 -subj /CN={NAME} -addext subjectAltName=DNS:{NAME} "
                 "-keyout /etc/ssl/certs/privkey.pem -out /etc/ssl/certs/fullchain.pem 2>/dev/null && "
                 "systemctl restart nginx")
    return point_client_at_proxy("/etc/ssl/certs/fullchain.pem")


def recap_counts(output):
    """The play recap's counts (ok, changed, skipped, ...), summed over its hosts. `ok` counts every
    task that ran on a host, changed ones included."""
    counts = {}
    for name, number in re.findall(r"(\w+)=(\d+)", output[output.rindex("PLAY RECAP"):]):
        counts[name] = counts.get(name, 0) + int(number)
    return counts


def playbook(inventory, extra_vars=None):
    """Runs site.yml: (seconds, the play recap's counts)."""
    command = [str(ROOT / ".venv/bin/ansible-playbook"), "-i", inventory, str(ROOT / "site.yml")]
    if extra_vars:
        command += ["-e", json.dumps(extra_vars)]
    started = time.monotonic()
    result = run(command, timeout=900)
    return time.monotonic() - started, recap_counts(result.stdout)


def enable_ssh(container):
    """The role is timed over SSH with pipelining (ansible.cfg), the way an admin reaches a proxy;
    returns the private key file. sshd is installed before the clock starts. apt's lists are deleted
    afterwards on purpose, as image builds and cleaned hosts do: the cache then looks fresh but
    offers nothing, and the role must refresh it (tasks/install.yml)."""
    key = Path(tempfile.mkdtemp()) / "id_ed25519"
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)])
    pexec(container, "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server"
                     " >/dev/null && rm -rf /var/lib/apt/lists/* && install -d -m 0700 /root/.ssh")
    run(["podman", "cp", f"{key}.pub", f"{container}:/root/.ssh/authorized_keys"])
    pexec(container, "chown root: /root/.ssh/authorized_keys && systemctl start ssh")
    return key


def inventory_file(ssh_key=None):
    """Inventory of the proxy container, over SSH when ssh_key is given, else over podman exec."""
    connection = {"ansible_connection": "containers.podman.podman"} if ssh_key is None else {
        "ansible_host": ip_of(PROXY), "ansible_user": "root", "ansible_ssh_private_key_file": str(ssh_key),
        "ansible_ssh_common_args": "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"}
    path = Path(tempfile.mkdtemp()) / "hosts.yml"
    path.write_text(json.dumps({"ucproxy": {"hosts": {PROXY: connection}, "vars": {
        "ansible_become": False, "reverse_proxy_server_names": [NAME], "reverse_proxy_upstream_host": UCSERVER}}}))
    return str(path)


def deploy_role(key_type, results):
    """Returns the proxy's address and the inventory that reaches it."""
    if key_type == "rsa":
        log("deploying the role's configuration on a fresh container (timed, over SSH)")
        # SYS_ADMIN lets systemd in the container build the services' sandboxes, as on a host.
        start(PROXY, IMAGES["UCPROXY_IMAGE_DEBIAN12"], capabilities=["SYS_ADMIN"])
        inventory = inventory_file(enable_ssh(PROXY))
        results["converge_fresh_s"], _counts = playbook(inventory)
        results["no_change_s"], counts = playbook(inventory)
        results.update(no_change_ok=counts["ok"], no_change_changed=counts["changed"],
                       no_change_skipped=counts["skipped"])
        results["no_change_podman_s"], _counts = playbook(inventory_file())
    else:
        inventory = inventory_file()
        playbook(inventory, {"reverse_proxy_certificate_key_type": "ecdsa"})
    return point_client_at_proxy("/etc/nginx/tls/reverseproxy.fullchain.pem"), inventory


def wrk(url, connections, seconds, latency=False):
    out = pexec(CLIENT, f"wrk -t2 -c{connections} -d{seconds}s {'--latency' if latency else ''} {url}",
                timeout=seconds + 60)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    quantiles = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+\w+)", out, re.M))
    return {"rate": rate, "requests": total, "failed": errors + (int(non2xx.group(1)) if non2xx else 0),
            "p50": quantiles.get("50"), "p99": quantiles.get("99")}


def to_ms(value):
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def handshakes(results, key):
    """New TLS handshakes per second at saturation (h2load, stepped rate; tls_load.py), through the
    name the client resolves to the proxy."""
    out = json.loads(pexec(CLIENT, f"python3 /opt/tls_load.py --name {NAME}", timeout=600).strip().splitlines()[-1])
    log(f"{key}: {json.dumps(out)}")
    results[key] = out["per_second"]
    results[f"{key}_saturated"] = out["saturated"]
    results[f"{key}_failed"] = out["failed"]


def nginx_rss_kib():
    return sum(int(n) for n in pexec(PROXY, "ps -o rss= -C nginx").split())


def hold_websockets(proxy_ip, count, during=None):
    """Opens `count` WebSockets (each client process logs in once and holds its sockets on the
    UCServer's own path with its session), runs `during()` while they are held, then checks each
    again."""
    pexec(CLIENT, "rm -f /tmp/ws-ready.* /tmp/ws-release")
    processes = max(1, min(4, count // 500))
    command = (f"python3 /opt/ws_load.py {NAME} --ip {proxy_ip} --cafile /tmp/proxy-ca.pem "
               f"--connections {count} --processes {processes} --ready /tmp/ws-ready --release /tmp/ws-release")
    load = subprocess.Popen(["podman", "exec", CLIENT, "sh", "-c", command], stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 420
    while int(pexec(CLIENT, "ls /tmp/ws-ready.* 2>/dev/null | wc -l")) < processes:
        if time.monotonic() > deadline or load.poll() is not None:
            break
        time.sleep(1)
    observed = during() if during else None
    pexec(CLIENT, "touch /tmp/ws-release")
    summary = json.loads(load.communicate(timeout=300)[0].strip().splitlines()[-1])
    return summary, observed


def measure(label, proxy_ip, results, apply_change):
    log(f"{label}: {WEBSOCKETS} WebSockets")
    baseline = nginx_rss_kib()
    held, rss = hold_websockets(proxy_ip, WEBSOCKETS, nginx_rss_kib)
    results.update(ws_logins=held["logins"], ws_attempted=held["attempted"], ws_opened=held["opened"],
                   ws_echoed=held["first_echo"], ws_errors=held["errors"])
    # No socket held, no memory per socket.
    results["rss_per_ws_kib"] = (rss - baseline) / held["opened"] if held["opened"] else None
    log(f"{label}: {json.dumps(held)}")
    log(f"{label}: keep-alive throughput, through the proxy and direct")
    proxied = wrk(f"https://{NAME}/ws/client/poll", 32, 10)
    direct = wrk(f"http://{UCSERVER}:7224/ws/client/poll", 32, 10)
    results.update(proxied_rps=proxied["rate"], direct_rps=direct["rate"], ratio=proxied["rate"] / direct["rate"])
    log(f"{label}: latency under moderate load")
    latency = wrk(f"https://{NAME}/ws/client/poll", 8, 10, latency=True)
    results.update(p50_ms=to_ms(latency["p50"]), p99_ms=to_ms(latency["p99"]))
    log(f"{label}: {CHANGES} configuration changes during requests and {CHANGE_WEBSOCKETS} held WebSockets")

    def changes():
        load = subprocess.Popen(["podman", "exec", CLIENT, "python3", "/opt/request_stream.py", "--connections", "8",
                                 "--seconds", str(10 * CHANGES + 10), f"https://{NAME}/ws/client/poll"],
                                stdout=subprocess.PIPE, text=True)
        time.sleep(3)
        for number in range(CHANGES):
            apply_change(number)
            time.sleep(5)
        return json.loads(load.communicate(timeout=120)[0].strip().splitlines()[-1])

    held, stream = hold_websockets(proxy_ip, CHANGE_WEBSOCKETS, changes)
    # Only sockets that were open and echoing before the changes can be dropped by them.
    results.update(change_requests=stream["requests"], change_failed_requests=stream["failed"],
                   change_retried_requests=stream["retried"], change_errors=stream["errors"],
                   change_held_ws=held["first_echo"], change_dropped_ws=held["first_echo"] - held["final_echo"])
    log(f"{label}: {json.dumps(results)}")


def main():
    machine = {"cores": os.cpu_count(), "date": datetime.date.today().isoformat()}
    setup()
    guide, role = {}, {}
    ip = deploy_guide("rsa")
    machine["guide_versions"] = pexec(PROXY, "nginx -v 2>&1; openssl version").split("\n")

    def guide_change(number):
        pexec(PROXY, f"sed -i 's/proxy_read_timeout [0-9]*s/proxy_read_timeout {3600 + number + 1}s/' "
                     "/etc/nginx/sites-available/reverseproxy && systemctl restart nginx")

    measure("guide", ip, guide, guide_change)
    handshakes(guide, "handshakes_rsa")
    deploy_guide("ecdsa")
    handshakes(guide, "handshakes_ecdsa")

    ip, inventory = deploy_role("rsa", role)
    machine["role_versions"] = pexec(PROXY, "nginx -v 2>&1; openssl version").split("\n")

    def role_change(number):
        playbook(inventory, {"reverse_proxy_extra_headers": [{"name": "X-Bench-Change", "value": str(number)}]})

    measure("role", ip, role, role_change)
    handshakes(role, "handshakes_rsa")
    deploy_role("ecdsa", role)
    handshakes(role, "handshakes_ecdsa")
    log("writing docs/benchmarks.md and docs/benchmarks.png")
    sys.path.insert(0, str(Path(__file__).parent))
    from report import write_report
    print(write_report(guide, role, machine, WEBSOCKETS, CHANGES, CHANGE_WEBSOCKETS))


if __name__ == "__main__":
    try:
        main()
    finally:
        for container in (PROXY, UCSERVER, CLIENT):
            subprocess.run(["podman", "rm", "--force", "--time", "5", container], capture_output=True, check=False)
        subprocess.run(["podman", "network", "rm", NETWORK], capture_output=True, check=False)
