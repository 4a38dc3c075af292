#!/usr/bin/env bash
# make demo: a UCServer stand-in and a Debian 12 proxy container, the role applied with
# `ansible-playbook site.yml -i inventories/demo`, then a smoke test from this host.
# Afterwards: https://localhost:8443 and http://localhost:8080 (name uc.example.test).
# `scripts/demo.sh clean` (make demo-clean) removes the containers and their network.
# The smoke test's functions run only through check(), which shellcheck cannot follow:
# shellcheck disable=SC2317
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/images.env
export PATH="$PWD/.venv/bin:$PATH"

network=ucproxy-demo
proxy=ucproxy-demo
standin=ucserver-demo
name=uc.example.test

if [[ "${1:-}" == clean ]]; then
  podman rm --force --time 5 "$proxy" "$standin" >/dev/null 2>&1 || true
  podman network rm "$network" >/dev/null 2>&1 || true
  echo "demo: containers and network removed"
  exit 0
fi

start() {  # start NAME IMAGE [podman run options...]
  local container=$1 image=$2
  shift 2
  if podman container exists "$container"; then
    podman start "$container" >/dev/null
  else
    echo "demo: starting container $container ($image)"
    podman run --detach --name "$container" --hostname "$container" --network "$network" \
      --systemd=always "$@" "$image" /lib/systemd/systemd >/dev/null
  fi
  # systemd inside is ready when it has finished booting (bounded wait).
  timeout 60 podman exec "$container" systemctl is-system-running --wait >/dev/null || true
}

podman network exists "$network" || podman network create "$network" >/dev/null
start "$standin" "$UCPROXY_IMAGE_TOOLS"
# NET_ADMIN and NET_RAW: fail2ban bans password guessers with nftables rules. SYS_ADMIN: systemd
# builds the services' sandboxes (mount namespaces), as on a host; without it they run unconfined.
start "$proxy" "$UCPROXY_IMAGE_DEBIAN12" --publish 8080:80 --publish 8443:443 --cap-add NET_ADMIN,NET_RAW,SYS_ADMIN

echo "demo: starting the UCServer stand-in"
ansible-playbook -i inventories/demo tests/playbooks/standin.yml >/dev/null
echo "demo: ansible-playbook site.yml -i inventories/demo"
ansible-playbook -i inventories/demo site.yml

echo "demo: smoke test from this host"
ca=$(mktemp)
trap 'rm -f "$ca"' EXIT
podman exec "$proxy" cat /etc/nginx/tls/reverseproxy.fullchain.pem >"$ca"
curl_demo() { curl -sS --max-time 10 --cacert "$ca" --resolve "$name:8443:127.0.0.1" --resolve "$name:8080:127.0.0.1" "$@"; }
failures=0
check() {  # check DESCRIPTION COMMAND...
  local description=$1
  shift
  if "$@"; then echo "  OK    $description"; else echo "  FAIL  $description"; failures=$((failures + 1)); fi
}
https_ok() { [[ $(curl_demo -o /dev/null -w '%{http_code}' "https://$name:8443/ws/client/echo") == 200 ]]; }
redirect_ok() {
  [[ $(curl_demo -o /dev/null -w '%{http_code} %{redirect_url}' "http://$name:8080/ws/client/echo") \
     == "301 https://$name:8443/ws/client/echo" ]]
}
hsts_ok() { curl_demo -o /dev/null -D - "https://$name:8443/" | grep -qi '^strict-transport-security: max-age=63072000'; }
login_ok() {
  python tests/clients/uclogin.py "https://$name:8443" --connect-to 127.0.0.1:8443 --cafile "$ca" --websocket \
    | grep -q '"websocket_echoed": 1'
}
check "HTTPS 200 from the UCServer stand-in through the proxy" https_ok
check "http://$name:8080/ redirects (301) to https://$name:8443/" redirect_ok
check "HSTS header (max-age=63072000)" hsts_ok
masked_ok() {
  local line
  curl_demo -o /dev/null "https://$name:8443/ws/direct/getversion?user=alice&pass=S3cret-Passw0rd" || return 1
  line=$(podman exec "$proxy" tail -n 1 /var/log/nginx/access.log)
  echo "$line"
  [[ $line == *'pass=*** '* ]]
}
check "Login (401 challenge, NTLM-style rounds, session) and the session's WebSocket" login_ok
check "The access log masks the password in the query (line above)" masked_ok
monitoring_ok() {
  local line
  line=$(podman exec "$proxy" /usr/local/lib/ucproxy-nginx/check_ucproxy)
  echo "$line"
  [[ $line == 'UCPROXY OK - '* ]]
}
check "The monitoring check on the proxy says OK (line above)" monitoring_ok
echo "demo: the proxy stays up at https://localhost:8443 and http://localhost:8080 (server name $name,"
echo "      self-signed), e.g. curl -k --resolve $name:8443:127.0.0.1 https://$name:8443/"
echo "      remove it with: make demo-clean"
exit $((failures > 0))
