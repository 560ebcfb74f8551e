# class_lib.sh — sourced by the test_class_*.sh tests: `pqsh serve --class` on free ports.
#
# class_start ARGS... starts "$PQSH serve --port 0 --class --class-port 0 ARGS..."
# (serve_lib.sh's serve_start) and sets CLASS_URL, CLASS_CODE and TEACHER_TOKEN
# from what it prints at start.
. "$(dirname "${BASH_SOURCE[0]}")/serve_lib.sh"

class_start() {
    serve_start --local :memory: --class --class-port 0 "$@" # waits for "Ctrl-C stops"
    CLASS_URL=$(sed -n 's#.*classroom at \(http://[0-9.]*:[0-9]*\)/.*#\1#p' "$SERVE_LOG.out")
    CLASS_CODE=$(sed -n 's#.*(class code \([^)]*\)).*#\1#p' "$SERVE_LOG.out")
    TEACHER_TOKEN=$(sed -n 's#.*teacher?token=\([0-9a-f]*\).*#\1#p' "$SERVE_LOG.out")
    if [ -z "$CLASS_URL" ] || [ -z "$CLASS_CODE" ] || [ -z "$TEACHER_TOKEN" ]; then
        echo "FAIL: the classroom did not start"; cat "$SERVE_LOG.out" "$SERVE_LOG"; exit 1
    fi
}
