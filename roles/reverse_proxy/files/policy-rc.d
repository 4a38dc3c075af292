#!/bin/sh
# ucproxy.nginx (reverse_proxy_security_updates): Debian's policy for services during package changes.
# A package upgrade must not restart nginx, which would drop every client: nginx-common's upgrade
# asks for a restart of nginx.service, which this refuses; nginx's own upgrade then replaces the
# running binary with nginx's binary upgrade (invoke-rc.d nginx upgrade), which keeps connections.
# Every other action of every other service is allowed.
while [ "${1#--}" != "$1" ]; do
    shift
done
case "$1 $2" in
    "nginx.service restart" | "nginx.service try-restart") exit 101 ;;
esac
exit 0
