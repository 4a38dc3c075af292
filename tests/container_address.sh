#!/usr/bin/env bash
# Prints the address of a podman container on its network. The prepare step records it once
# (tests/playbooks/ssh_access.yml); the inventories and the tests read the record.
set -euo pipefail
podman container inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"
