#!/usr/bin/env bash
# Run the whole suite on SQLite and on a throwaway PostgreSQL cluster, browser tests included in both.
# The two runs go side by side (one per core); each one's output is printed when both are done.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export PYTHONDONTWRITEBYTECODE=1
LOGS=$(mktemp -d /tmp/parcours-tests.XXXXXX)
start=$(date +%s)

run_suite() {  # label, then pytest arguments
  local label=$1; shift
  set +e
  "$PY" -m pytest "$@" > "$LOGS/$label.log" 2>&1
  echo $? > "$LOGS/$label.rc"
  set -e
}

(unset DATABASE_URL; run_suite sqlite "$@") &
sqlite_pid=$!
scripts/with-postgres.sh bash -c "$(declare -f run_suite); PY=$PY; LOGS=$LOGS; run_suite postgresql $*" &
postgres_pid=$!
wait $sqlite_pid || true
wait $postgres_pid || true

status=0
for label in sqlite postgresql; do
  echo "=== Test suite on $label ==="
  cat "$LOGS/$label.log"
  rc=$(cat "$LOGS/$label.rc" 2>/dev/null || echo 1)
  if [ "$rc" = "5" ]; then echo "pytest collected no test on $label: failing." >&2; status=1
  elif [ "$rc" != "0" ]; then echo "Test suite failed on $label (exit $rc)." >&2; status=1; fi
done
rm -rf "$LOGS"
echo "make test: $( [ $status = 0 ] && echo 'both databases passed' || echo 'FAILED' ) in $(( $(date +%s) - start )) s"
exit $status
