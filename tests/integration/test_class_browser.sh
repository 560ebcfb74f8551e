#!/bin/bash
# test_class_browser.sh — `pqsh serve --class` in headless Chromium (tests/js/class_browser.mjs,
# puppeteer-core from tests/js): the tutorial typed into the web terminal, the teacher
# page at 4 / 4, the CSV, a reset. The screenshots it makes land in the build folder
# (docs/img/ holds the committed copies, for README).
# Usage: bash test_class_browser.sh PQSH_BINARY
set -u
PQSH=${1:?usage: test_class_browser.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/class_lib.sh"
serve_setup
if ! command -v "${CHROMIUM:-chromium}" >/dev/null; then
    echo "FAIL: chromium is not installed (.ci/run installs it)"; exit 1
fi
class_start
node "$HERE/../js/class_browser.mjs" "$CLASS_URL" "$CLASS_CODE" "$TEACHER_TOKEN" \
    "${PQSH_BUILD_DIR:-$WORK}" || fails=$((fails+1))
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
serve_finish
