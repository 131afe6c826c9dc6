#!/usr/bin/env bash
# Run the whole suite twice: on SQLite, then on a throwaway PostgreSQL cluster. Browser tests run in both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export PYTHONDONTWRITEBYTECODE=1
start=$(date +%s)
run_pytest() {
  local label=$1; shift
  echo "=== Test suite on $label ==="
  set +e
  "$PY" -m pytest "$@"
  local rc=$?
  set -e
  if [ $rc -eq 5 ]; then echo "pytest collected no test on $label: failing." >&2; exit 1; fi
  [ $rc -eq 0 ] || { echo "Test suite failed on $label (exit $rc)." >&2; exit $rc; }
}
(unset DATABASE_URL; run_pytest SQLite "$@")
scripts/with-postgres.sh bash -c "$(declare -f run_pytest); PY=$PY; run_pytest PostgreSQL $*"
echo "make test: both databases passed in $(( $(date +%s) - start )) s"
