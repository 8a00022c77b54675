# Sourced by .ci/test, .ci/book and .ci/execute: make ./.venv hold everything the book needs.
# Installs only what is missing (a stamp records the pyproject.toml it installed from).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${AEGAN_VENV:-$ROOT/.venv}"

find_python() {
  for py in "${PYTHON:-}" python3.11 python3; do
    [ -n "$py" ] || continue
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      echo "$py"; return 0
    fi
  done
  echo "error: Python 3.11 is needed (set PYTHON=/path/to/python3.11, or use environment.yml with conda)" >&2
  return 1
}

if [ ! -x "$VENV/bin/python" ]; then
  echo "== creating $VENV"
  "$(find_python)" -m venv "$VENV"
fi
STAMP="$VENV/.aegan-installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -e "$STAMP" ]; then
  echo "== installing the helpers package and its pinned tools into $VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e ".[cpu,book,test]"
  rm -f "$VENV"/.aegan-installed-*
  touch "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
export TF_CPP_MIN_LOG_LEVEL=3 PYTHONHASHSEED=0

# Offline data: seed a private Keras cache from ../shared/data (or $AEGAN_DATA) when it exists,
# so that nothing is downloaded. Without it, Keras downloads into its usual cache.
seed_keras_home() {
  local src="${AEGAN_DATA:-$ROOT/../shared/data}"
  if [ -d "$src" ]; then
    KERAS_HOME="$(mktemp -d "${TMPDIR:-/tmp}/aegan-keras.XXXXXX")"
    mkdir -p "$KERAS_HOME/datasets"
    cp -r "$src"/fashion-mnist "$src"/mnist.npz "$KERAS_HOME/datasets/"
    chmod -R u+w "$KERAS_HOME"
    export KERAS_HOME
    echo "== datasets from $src (KERAS_HOME=$KERAS_HOME)"
  fi
}
