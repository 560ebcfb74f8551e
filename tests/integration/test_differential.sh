#!/bin/bash
# test_differential.sh — pqsh serve and moto in lock-step: a fixed-seed walk of
# random item-API and PartiQL operations (differential.py), compared after
# every step. Differences where moto is wrong per the reference are listed in
# differential_moto.md and recognised by the driver; any other fails the test.
# Usage: bash test_differential.sh PQSH_BINARY [driver options, e.g. --steps N --seed S]
set -u
PQSH=${1:?usage: test_differential.sh PQSH_BINARY [--steps N] [--seed S]}
shift
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/serve_lib.sh"
serve_setup

serve_start --local :memory:
python3 "$HERE/differential.py" "$SERVE_URL" "$@" || fails=$((fails+1))
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
serve_finish
