#!/usr/bin/env bash
# Print the path of a Python >= 3.12: $PYTHON if set, else python3.13, python3.12, else pyenv's 3.13/3.12.
set -euo pipefail
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
if [ -n "${PYTHON:-}" ]; then
  if ok "$PYTHON"; then command -v "$PYTHON" || echo "$PYTHON"; exit 0; fi
  echo "PYTHON=$PYTHON is not a Python >= 3.12." >&2; exit 1
fi
for candidate in python3.13 python3.12 python3; do
  if command -v "$candidate" >/dev/null && ok "$candidate"; then command -v "$candidate"; exit 0; fi
done
root=""
if command -v pyenv >/dev/null; then root=$(pyenv root 2>/dev/null || true); fi
for base in "$root" "${PYENV_ROOT:-}" "$HOME/.pyenv"; do
  [ -n "$base" ] && [ -d "$base/versions" ] || continue
  for candidate in $(ls -d "$base"/versions/3.12* "$base"/versions/3.13* 2>/dev/null); do
    if [ -x "$candidate/bin/python3" ] && ok "$candidate/bin/python3"; then echo "$candidate/bin/python3"; exit 0; fi
  done
done
echo "No Python >= 3.12 found. Install one (for example 'pyenv install 3.12') or run with PYTHON=/path/to/python3.12." >&2
exit 1
