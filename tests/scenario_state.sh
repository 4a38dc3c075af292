#!/bin/sh
# Prints what a converge decides on a proxy, one line per item, in a stable order: every file and
# link nginx, its unit, keepalived, fail2ban, apt, the monitoring check and certbot read from the
# role (with its SHA-256 or link target), the role's packages with their versions, and whether
# their services are enabled and running. Two equal outputs mean the same configuration.
# Left out: logs, runtime state (bans, the VRRP role, processes), and what a renewal changes by
# design (certbot's archive and live links).
# Run on the proxy by the shared converge playbook (tests/playbooks/converge.yml), which records
# it after each run with the scenario's own variables, and by the tests
# (tests/molecule_support/scenario_state.py), which compare it with that record.
export LC_ALL=C
for path in /etc/nginx /etc/systemd/system/nginx.service.d /etc/systemd/system/certbot.service.d \
  /var/lib/ucproxy-nginx /etc/ucproxy-nginx /usr/local/lib/ucproxy-nginx /etc/keepalived \
  /etc/fail2ban/jail.d /etc/fail2ban/filter.d/ucproxy-nginx-login.conf \
  /etc/fail2ban/action.d/ucproxy-nginx-ban.conf /etc/apt/sources.list /etc/apt/sources.list.d \
  /etc/apt/apt.conf.d/52ucproxy-nginx /etc/needrestart/conf.d /usr/sbin/policy-rc.d \
  /etc/default/prometheus-nginx-exporter /etc/letsencrypt/renewal; do
  [ -e "$path" ] || [ -L "$path" ] || continue
  # nginx's list of banned addresses behind a load balancer is fail2ban's to change at runtime.
  find "$path" \( -type f -o -type l \) ! -path /etc/nginx/ucproxy-bans.conf -print
done | sort | while read -r file; do
  if [ -L "$file" ]; then
    echo "$file -> $(readlink "$file")"
  else
    echo "$file $(stat -c '%U:%G %a' "$file") $(sha256sum <"$file" | cut -d' ' -f1)"
  fi
done
dpkg-query -W -f '${Package} ${Version} ${db:Status-Abbrev}\n' nginx libssl3 keepalived fail2ban nftables \
  prometheus-nginx-exporter certbot unattended-upgrades 2>/dev/null | sort
for unit in nginx keepalived fail2ban prometheus-nginx-exporter certbot.timer; do
  echo "$unit $(systemctl is-enabled "$unit" 2>/dev/null || true) $(systemctl is-active "$unit" 2>/dev/null || true)"
done
