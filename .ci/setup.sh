# Sourced by .ci/test, .ci/book and .ci/execute: make ./.venv hold everything the book needs.
# Python 3.13, 3.12 or 3.11: $PYTHON if set, else the newest found (.ci/lib.sh, find_python).
# Installs only what is missing: a stamp records the pyproject.toml it installed from and
# the Python it installed with; PYTHON=another Python makes the venv anew.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/.ci/lib.sh"
VENV="${AEGAN_VENV:-$ROOT/.venv}"

ensure_venv "$VENV"
STAMP="$(install_stamp "$VENV" pyproject.toml)"
if [ ! -e "$STAMP" ]; then
  echo "== installing the helpers package and its pinned tools into $VENV" \
    "(Python $(python_version "$VENV/bin/python"))"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e ".[cpu,book,test]"
  rm -f "$VENV"/.aegan-installed-*
  touch "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
export TF_CPP_MIN_LOG_LEVEL=3 PYTHONHASHSEED=0
