#!/bin/bash
# test_query_paginate.sh — boto3's Query / Scan paginators (query_paginate.py)
# and the JS SDK's paginateQuery / paginateScan (tests/js/paginate_query.mjs)
# against `pqsh serve`: hash-only tables, sort keys, LSI, GSI.
# Usage: bash test_query_paginate.sh PQSH_BINARY
set -u
PQSH=${1:?usage: test_query_paginate.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/serve_lib.sh"
serve_setup
serve_start --local :memory:
python3 "$HERE/query_paginate.py" "$SERVE_URL" || fails=$((fails+1))
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
serve_start --local :memory:
node "$HERE/../js/paginate_query.mjs" "$SERVE_URL" || fails=$((fails+1))
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
serve_finish
