#!/usr/bin/env bash
# Installs what the demo and the tests need on a Debian machine (run as root):
# podman with runc, debootstrap, shellcheck (for ansible-test sanity), and a Python venv (.venv)
# with the pinned tooling.
# Each step is skipped when its result is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=()
for tool in podman runc debootstrap shellcheck; do
  command -v "$tool" >/dev/null || packages+=("$tool")
done
command -v aardvark-dns >/dev/null || [[ -x /usr/lib/podman/aardvark-dns ]] || packages+=(aardvark-dns)
python3 -c 'import ensurepip' 2>/dev/null || packages+=(python3-venv)
if ((${#packages[@]})); then
  echo "bootstrap: apt-get install ${packages[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
fi

wanted=$(sha256sum requirements.txt | cut -d' ' -f1)
if [[ "$(cat .venv/.requirements.sha256 2>/dev/null)" != "$wanted" ]]; then
  echo "bootstrap: creating .venv with the pinned tooling from requirements.txt (about a minute)"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
  echo "$wanted" >.venv/.requirements.sha256
fi
