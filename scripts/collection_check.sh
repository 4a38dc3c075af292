#!/usr/bin/env bash
# The collection installs and documents itself: `ansible-galaxy collection build` gives a tarball
# without warnings, the tarball installs offline, every relative link of its README.md and
# docs/*.md resolves inside the installation, and ansible-doc shows, from that installation,
# every option of roles/reverse_proxy/meta/argument_specs.yml with its description and default,
# and the documentation of every filter plugin; ansible-builder creates the execution environment.
#   PATH=.venv/bin:$PATH scripts/collection_check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Only what the tarball holds counts: no ansible.cfg, no ~/.ansible, no checkout on the path.
# (community.crypto, the dependency, comes from the `ansible` package in the venv.)
: >"$work/ansible.cfg"
export ANSIBLE_CONFIG=$work/ansible.cfg ANSIBLE_COLLECTIONS_PATH=$work/collections
cd "$work"

ansible-galaxy collection build --output-path "$work/dist" "$repo" 2>&1 | tee build.log
if grep -q WARNING build.log; then
  echo "collection_check: FAILED, ansible-galaxy collection build printed warnings" >&2
  exit 1
fi
ansible-galaxy collection install --offline --no-deps -p "$work/collections" "$work"/dist/*.tar.gz

# The installed README.md and docs/*.md link only to what the tarball holds (and to headings that
# exist), by the link rules of tests/unit/test_docs.py, which checks the checkout the same way.
# Files that do not ship (galaxy.yml's build_ignore: molecule/, tests/, scripts/, ...) are named
# in code spans there, not linked.
python - "$repo" "$work/collections/ansible_collections/ucproxy/nginx" <<'EOF'
import sys
from pathlib import Path

sys.path.insert(0, str(Path(sys.argv[1]) / "tests" / "unit"))
from test_docs import broken_links  # noqa: E402

problems = broken_links(Path(sys.argv[2]))
for problem in problems:
    print(f"collection_check: broken link in the installed collection: {problem}", file=sys.stderr)
if problems:
    sys.exit(1)
print("collection_check: every relative link of the installed README.md and docs/*.md resolves")
EOF

# AWX / Automation Platform: ansible-builder writes the execution environment's build context, and
# finds the collection's Python needs (meta/execution-environment.yml) in the installed tarball.
ansible-builder create --file "$repo/execution-environment.yml" --context "$work/ee" >/dev/null
grep -q "ucproxy/ucproxy.nginx" "$work/ee/_build/requirements.yml"
ansible-builder introspect --sanitize "$work/collections" | tee introspect.txt
grep -q "cryptography>=3.3  # from collection ucproxy.nginx" introspect.txt

ansible-doc -t role ucproxy.nginx.reverse_proxy >role.txt
ansible-doc -t role --json ucproxy.nginx.reverse_proxy >role.json
ansible-doc -t filter --list --json ucproxy.nginx >filters.json
python - "$repo" <<'EOF'
"""Compares what ansible-doc shows with the role's argument specs and the filter plugins."""
import importlib
import json
import subprocess
import sys
from pathlib import Path

import yaml

repo = Path(sys.argv[1])
specs = yaml.safe_load((repo / "roles/reverse_proxy/meta/argument_specs.yml").read_text())
wanted = specs["argument_specs"]["main"]["options"]
shown = json.loads(Path("role.json").read_text())["ucproxy.nginx.reverse_proxy"]["entry_points"]["main"]["options"]
problems = [f"{name}: in argument_specs.yml, not shown by ansible-doc" for name in sorted(set(wanted) - set(shown))]
problems += [f"{name}: shown by ansible-doc, not in argument_specs.yml" for name in sorted(set(shown) - set(wanted))]
for name in sorted(set(wanted) & set(shown)):
    if not shown[name].get("description"):
        problems.append(f"{name}: no description")
    # An option without a default in the spec is shown as "default: null" (derived, see its text).
    if shown[name].get("default") != wanted[name].get("default"):
        problems.append(f"{name}: ansible-doc shows default {shown[name].get('default')!r}, "
                        f"the spec says {wanted[name].get('default')!r}")
text = Path("role.txt").read_text()
problems += [f"{name}: missing from ansible-doc's text output" for name in wanted if name not in text]

sys.path.insert(0, str(repo / "collections"))
filters = set()
for plugin in sorted((repo / "plugins" / "filter").glob("*.py")):
    module = importlib.import_module(f"ansible_collections.ucproxy.nginx.plugins.filter.{plugin.stem}")
    filters |= {f"ucproxy.nginx.{name}" for name in module.FilterModule().filters()}
listed = json.loads(Path("filters.json").read_text())
for name in sorted(filters):
    result = subprocess.run(["ansible-doc", "-t", "filter", "--json", name], capture_output=True, text=True,
                            check=False)
    doc = json.loads(result.stdout or "{}") if result.returncode == 0 else {}
    if name not in listed or not doc.get(name, {}).get("doc", {}).get("description"):
        problems.append(f"filter {name}: not documented (plugins/filter/<name>.yml)")

for problem in problems:
    print(f"collection_check: {problem}", file=sys.stderr)
if problems:
    sys.exit(1)
print(f"collection_check: ansible-doc shows all {len(wanted)} role options with description and default, "
      f"and {len(filters)} documented filters")
EOF
