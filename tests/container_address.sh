#!/usr/bin/env bash
# Prints the address of a podman container on its network; the molecule inventories reach the
# proxies over SSH at this address (.config/molecule/config.yml).
set -euo pipefail
podman container inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"
