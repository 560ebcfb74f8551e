#!/usr/bin/env bash
# bench/client/run.sh — client cost per statement: pqsh vs boto3 vs the AWS CLI.
#
#   bench/client/run.sh PQSH [N] [N_CLI]
#
# Needs python3 with boto3 and moto (moto_server), and the `aws` CLI. See
# client_cost.py for what is measured; figures are recorded in bench/README.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pqsh=$(realpath "${1:?usage: bench/client/run.sh PQSH [N] [N_CLI]}")
export HOME=$(mktemp -d) XDG_DATA_HOME=
trap 'rm -rf "$HOME"' EXIT
exec python3 "$here/client_cost.py" "$pqsh" "${2:-500}" "${3:-20}"
