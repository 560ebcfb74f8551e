#!/usr/bin/env bash
# test_compat.sh PQSH — the compatibility run: the golden scripts on the
# embedded engine, on `pqsh serve` and on moto_server (see compat.py).
# Embedded and serve must print the same bytes for every statement; every
# statement moto answers otherwise is listed in ENDPOINT_BUGS.md with the
# moto bug behind it, and every listed one must still differ.
set -u
PQSH=${1:?usage: test_compat.sh PQSH_BINARY}
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/compat.py" "$PQSH" "$here/../sql" "$here/ENDPOINT_BUGS.md"
