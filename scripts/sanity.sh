#!/usr/bin/env bash
# ansible-test sanity for the collection, run the way ansible-test expects it: on a copy of the
# checkout at <temp>/ansible_collections/<namespace>/<name>/, locally (no containers), for the
# Python of the venv on PATH. Then lints the changelog fragments. Exits non-zero on any finding.
#   PATH=.venv/bin:$PATH scripts/sanity.sh [ansible-test options, e.g. --test pylint]
# ansible-test installs each test's pinned tools (pylint, yamllint, voluptuous, ...) into its own
# venvs under ~/.ansible/test/venv on the first run (about a minute), from the configured index.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in ansible-test antsibull-changelog shellcheck git; do
  command -v "$tool" >/dev/null || { echo "sanity: $tool not found (make bootstrap installs it)" >&2; exit 1; }
done
python_version=$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
collection=$(python -c 'import yaml; g = yaml.safe_load(open("galaxy.yml")); print(g["namespace"] + "/" + g["name"])')

# ansible-test bootstraps pip in each of its venvs with a get-pip script downloaded from
# ci-files.testing.ansible.com, which a machine that reaches only package indexes cannot fetch.
# It uses a cached copy when there is one: this stand-in installs Python's own pip (ensurepip),
# then the requested pip version from the configured index, which is what get-pip does.
pip_version=$(python -c 'import types
from ansible_test._internal.python_requirements import get_venv_packages
print(get_venv_packages(types.SimpleNamespace(version="'"$python_version"'"))["pip"])')
get_pip=~/.ansible/test/cache/get_pip_${pip_version//./_}.py
if [[ ! -e $get_pip ]]; then
  mkdir -p "$(dirname "$get_pip")"
  cat >"$get_pip" <<'EOF'
# Offline stand-in for ansible-test's get-pip bootstrap script, written by ucproxy.nginx's
# scripts/sanity.sh: pip from ensurepip, then the requested packages from the configured index.
import subprocess
import sys

args = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'], stdout=subprocess.DEVNULL)
sys.exit(subprocess.call([sys.executable, '-m', 'pip', 'install', '--upgrade'] + args))
EOF
fi

# The checkout as git sees it (tracked and new files, without what .gitignore excludes: .venv,
# caches, ...), minus collections/, the symlink that makes the checkout resolvable by its name.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/ansible_collections/$collection
mkdir -p "$root"
git ls-files -z --cached --others --exclude-standard -- . ':(exclude)collections' |
  while IFS= read -r -d '' path; do
    if [[ -e $path || -L $path ]]; then printf '%s\0' "$path"; fi
  done |
  tar -c --null -T - -f - | tar -x -C "$root" -f -

echo "sanity: ansible-test sanity --python $python_version in $root"
(cd "$root" && ansible-test sanity --python "$python_version" "$@")

echo "sanity: antsibull-changelog lint"
antsibull-changelog lint
