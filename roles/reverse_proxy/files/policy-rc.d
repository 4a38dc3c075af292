#!/bin/sh
# ucproxy.nginx (reverse_proxy_security_updates): Debian's policy for services during package changes.
# A package upgrade must not restart nginx, which would drop every client. nginx-common's upgrade
# asks for a restart of nginx.service (deb-systemd-invoke), nginx's own for a binary upgrade and,
# should that fail, a restart (invoke-rc.d nginx): both restarts are refused (invoke-rc.d then
# carries on as if done), and apt's hook (nginx-binary-upgrade) takes the new files up instead.
# Every other action of every service is allowed.
while [ "${1#--}" != "$1" ]; do
    shift
done
case "${1%.service} $2" in
    "nginx restart" | "nginx try-restart") exit 101 ;;
esac
exit 0
