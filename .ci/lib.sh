# Functions for the .ci scripts, sourced by .ci/setup.sh and .ci/colab_check.
# Sourcing it only defines them (tests/test_setup.py calls them directly).

# The Python versions the book is tested on, newest first (README says so).
AEGAN_PYTHONS="3.13 3.12 3.11"

# colab_python_version: the Python version of Colab's runtime, as read with
# its package versions (.ci/colab-requirements.txt, "# colab-python:").
colab_python_version() {
  sed -n 's/^# colab-python: *//p' "$ROOT/.ci/colab-requirements.txt"
}

# python_version PY: print PY's version (3.13.0); status 1 if PY does not run
# (a pyenv shim of a version pyenv did not activate fails here too).
python_version() {
  "$1" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null
}

# is_wanted 3.13.0 "3.13 3.12": whether the version is one of those X.Y.
is_wanted() {
  case " $2 " in *" ${1%.*} "*) return 0 ;; esac
  return 1
}

# find_python [X.Y ...]: print a Python of one of the versions asked (default:
# $AEGAN_PYTHONS). $PYTHON when set (an error if it is another version); else
# the first of python3.13, python3.12, python3.11, python3 on PATH that is one;
# else one installed by pyenv but not activated. Status 1 and a message if none.
find_python() {
  local wanted="${*:-$AEGAN_PYTHONS}" py version found=""
  local names="${wanted// /, }"
  case "$names" in *", "*) names="${names%, *} or ${names##*, }" ;; esac
  if [ -n "${PYTHON:-}" ]; then
    if ! version="$(python_version "$PYTHON")"; then
      echo "error: PYTHON=$PYTHON does not run; Python $names is needed." >&2
      return 1
    elif ! is_wanted "$version" "$wanted"; then
      echo "error: PYTHON=$PYTHON is Python $version; Python $names is" \
        "needed." >&2
      return 1
    fi
    echo "$PYTHON"
    return 0
  fi
  local -a candidates=()
  for version in $wanted; do candidates+=("python$version"); done
  candidates+=(python3)
  for version in $wanted; do
    candidates+=("${PYENV_ROOT:-${HOME:-}/.pyenv}"/versions/"$version".*/bin/python"$version")
  done
  for py in "${candidates[@]}"; do
    version="$(python_version "$py")" || continue
    if is_wanted "$version" "$wanted"; then
      echo "$py"
      return 0
    fi
    found="$found, $py is Python $version"
  done
  found="${found#, }"
  echo "error: Python $names is needed; found ${found:-none (no python3)}." \
    "Install one and set PYTHON=/path/to/python${wanted%% *} if it is not" \
    "on PATH (or use environment.yml with conda)." >&2
  return 1
}

# ensure_venv DIR [X.Y ...]: DIR holds a virtual environment of one of those
# Python versions (default: $AEGAN_PYTHONS). An existing one is kept unless
# $PYTHON names another Python (another X.Y.Z) or its own no longer runs or is
# not wanted: then it is made anew from find_python (venv --clear).
ensure_venv() {
  local venv="$1"
  shift
  local wanted="${*:-$AEGAN_PYTHONS}" have py
  have="$(python_version "$venv/bin/python")" || have=""
  if [ -n "$have" ] && is_wanted "$have" "$wanted"; then
    if [ -z "${PYTHON:-}" ] || [ "$(python_version "$PYTHON")" = "$have" ]; then
      return 0
    fi
  fi
  py="$(find_python "$wanted")" || return 1
  if [ -e "$venv" ] && [ ! -e "$venv/pyvenv.cfg" ]; then
    echo "error: $venv has Python ${have:-that does not run}, not $(python_version "$py")," \
      "and is no venv: it is left alone. Point AEGAN_VENV elsewhere." >&2
    return 1
  fi
  echo "== creating $venv with $py (Python $(python_version "$py"))${have:+; it had Python $have}"
  "$py" -m venv --clear "$venv"
}

# install_stamp DIR FILE...: the marker file in DIR that says "installed from
# these files with this Python"; it changes when either does.
install_stamp() {
  local venv="$1"
  shift
  local version
  version="$(python_version "$venv/bin/python")"
  echo "$venv/.aegan-installed-py$version-$(cat "$@" | sha256sum | cut -c1-16)"
}

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
