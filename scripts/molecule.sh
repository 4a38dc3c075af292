#!/usr/bin/env bash
# Runs the molecule scenarios, in lanes that run at the same time: each argument is one lane, a
# space-separated list of scenarios run one after the other; a lane stops at its first failure.
# A scenario spends much of its time waiting for containers, networks and scanners, so two lanes
# on 2 cores take less time than one. Each scenario's output goes to .cache/molecule/<name>.log;
# the log of a failed scenario is printed.
#   scripts/molecule.sh "default" "faults acme-pair" "sites acme" "ha"
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
logs=.cache/molecule
mkdir -p "$logs"

lane() {
  local scenario start
  for scenario in "$@"; do
    start=$SECONDS
    echo "== molecule test -s $scenario (log: $logs/$scenario.log)"
    if molecule test -s "$scenario" >"$logs/$scenario.log" 2>&1; then
      echo "== $scenario: passed in $(( (SECONDS - start) / 60 ))m$(( (SECONDS - start) % 60 ))s"
    else
      echo "== $scenario: FAILED after $(( (SECONDS - start) / 60 ))m$(( (SECONDS - start) % 60 ))s"
      tail -n 150 "$logs/$scenario.log"
      return 1
    fi
  done
}

pids=()
for scenarios in "$@"; do
  # shellcheck disable=SC2086 # a lane is a space-separated list of scenario names
  lane $scenarios &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do
  wait "$pid" || status=1
done
exit $status
