#!/usr/bin/env bash
# Prints host number N of a podman network's IPv4 subnet with the subnet's prefix length, e.g.
# "10.89.3.200/24": the ha scenario's virtual address, recorded by molecule/ha/prepare.yml.
#   tests/network_address.sh NETWORK N
set -euo pipefail
subnet=$(podman network inspect --format '{{range .Subnets}}{{.Subnet}}{{"\n"}}{{end}}' "$1" | grep -m1 '\.')
python3 -c 'import ipaddress, sys
network = ipaddress.ip_network(sys.argv[1])
print(f"{network[int(sys.argv[2])]}/{network.prefixlen}")' "$subnet" "$2"
