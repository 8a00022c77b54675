"""The set-up scripts behave as README says, on fake Pythons (fast).

``.ci/lib.sh`` (find_python, ensure_venv, install_stamp), ``.ci/setup.sh``,
``.ci/test`` and ``.ci/run`` run in bash with a PATH of stand-ins: fake
Pythons that answer with a version, make a "venv" and log pip, pytest and
the other commands they are asked to run. Nothing is installed or executed
for real. Then the pins: pyproject's extras, the conda file, and Colab's
versions (.ci/colab-requirements.txt) against the notes and the helpers'
own requirements.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / ".ci"))

from colab_versions import differences, read_pins  # noqa: E402

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
COLAB_PINS = ROOT / ".ci" / "colab-requirements.txt"
NOTES = ROOT.parent / "shared" / "NOTES.md"
BASH = shutil.which("bash")
TOOLS = (
    "cat",
    "cut",
    "dirname",
    "sed",
    "sha256sum",
    "rm",
    "touch",
    "mktemp",
)

FAKE_PYTHON = """#!/bin/sh
# A stand-in for Python {version}.
PATH=/usr/bin:/bin
case "$1 $2" in
  "-m venv")
    for dir; do :; done
    mkdir -p "$dir/bin" && : > "$dir/pyvenv.cfg" && cp "$0" "$dir/bin/python"
    exit 0 ;;
  "-m pip"|"-m pytest")
    echo "$0 $* PROFILE=$AEGAN_PROFILE" >> "$CALLS"
    exit 0 ;;
esac
echo {version}
"""
SHIM = """#!/bin/sh
PATH=/usr/bin:/bin
echo "pyenv: $(basename "$0"): command not found" >&2
exit 127
"""
LOGGER = """#!/bin/sh
PATH=/usr/bin:/bin
echo "$(basename "$0") $* BROWSER=$AEGAN_REQUIRE_BROWSER" \
  "COLAB=$AEGAN_REQUIRE_COLAB" >> "$CALLS"
"""


def write_exe(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


def fakes(folder: Path, **versions: str | None) -> Path:
    """A bin folder of fake Pythons: ``python3_13="3.13.0"``; None: a shim
    of a version pyenv has not activated (it fails, as on this machine)."""
    for name, version in versions.items():
        text = FAKE_PYTHON.format(version=version) if version else SHIM
        write_exe(folder / name.replace("_", "."), text)
    return folder


@pytest.fixture
def sandbox(tmp_path: Path):
    """Run bash with only the fakes (and a few coreutils) on PATH."""
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in TOOLS:
        (tools / tool).symlink_to(shutil.which(tool))
    calls = tmp_path / "calls.log"
    calls.touch()

    def run(script, bins=(), cwd=ROOT, **env):
        path = ":".join([*map(str, bins), str(tools)])
        environ = {
            "PATH": path,
            "HOME": str(tmp_path / "home"),
            "CALLS": str(calls),
            "AEGAN_DATA": str(tmp_path / "no-data"),
            "TMPDIR": str(tmp_path),
            **{k: str(v) for k, v in env.items()},
        }
        result = subprocess.run(
            [BASH, "-c", script],
            cwd=cwd,
            env=environ,
            capture_output=True,
            text=True,
            timeout=60,
        )
        result.calls = calls.read_text().splitlines()
        return result

    run.tmp = tmp_path
    return run


def lib(command: str) -> str:
    return f"source {ROOT / '.ci' / 'lib.sh'}; {command}"


def supported_pythons() -> list[str]:
    out = subprocess.run(
        [BASH, "-c", lib('echo "$AEGAN_PYTHONS"')],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split()


def test_the_tested_pythons_are_3_13_3_12_and_3_11():
    assert supported_pythons() == ["3.13", "3.12", "3.11"]


@pytest.mark.parametrize(
    "on_path, picked",
    [
        (
            dict(
                python3_13="3.13.0",
                python3_12="3.12.1",
                python3_11="3.11.7",
                python3="3.11.7",
            ),
            "python3.13",
        ),
        (dict(python3_12="3.12.1", python3_11="3.11.7"), "python3.12"),
        # pyenv's shims of versions it did not activate fail: skipped
        (
            dict(python3_13=None, python3_12=None, python3_11="3.11.7"),
            "python3.11",
        ),
        (dict(python3="3.12.3"), "python3"),
    ],
)
def test_find_python_takes_the_newest_tested_python(
    sandbox, on_path, picked
):
    result = sandbox(
        lib("find_python"), [fakes(sandbox.tmp / "bin", **on_path)]
    )
    assert (result.returncode, result.stdout.strip()) == (0, picked)


def test_find_python_refuses_python_3_10_with_a_clear_message(sandbox):
    bins = fakes(sandbox.tmp / "bin", python3="3.10.13", python3_13=None)
    result = sandbox(lib("find_python"), [bins])
    assert result.returncode == 1 and result.stdout == ""
    message = result.stderr
    assert "Python 3.13, 3.12 or 3.11 is needed" in message
    assert "python3 is Python 3.10.13" in message
    assert "PYTHON=/path/to/python3.13" in message


def test_find_python_falls_back_to_pythons_pyenv_installed(sandbox):
    bins = fakes(sandbox.tmp / "bin", python3="3.10.13", python3_13=None)
    pyenv = sandbox.tmp / "home" / ".pyenv" / "versions"
    fakes(pyenv / "3.12.1" / "bin", python3_12="3.12.1")
    result = sandbox(lib("find_python"), [bins])
    assert result.stdout.strip() == str(pyenv / "3.12.1/bin/python3.12")


def test_python_set_by_the_user_wins_or_is_refused(sandbox):
    bins = fakes(sandbox.tmp / "bin", python3_13="3.13.0")
    own = fakes(sandbox.tmp / "own", py312="3.12.1", py310="3.10.13")
    chosen = sandbox(lib("find_python"), [bins], PYTHON=own / "py312")
    assert chosen.stdout.strip() == str(own / "py312")
    # another version is an error, not silently replaced by python3.13
    refused = sandbox(lib("find_python"), [bins], PYTHON=own / "py310")
    assert refused.returncode == 1 and refused.stdout == ""
    assert f"PYTHON={own / 'py310'} is Python 3.10.13" in refused.stderr
    missing = sandbox(lib("find_python"), [bins], PYTHON="/no/python")
    assert "PYTHON=/no/python does not run" in missing.stderr


def test_colab_check_asks_for_exactly_its_python(sandbox):
    bins = fakes(
        sandbox.tmp / "bin", python3_12="3.12.1", python3="3.12.1"
    )
    result = sandbox(lib("find_python 3.13"), [bins])
    assert result.returncode == 1
    assert "Python 3.13 is needed" in result.stderr


def test_a_venv_is_kept_until_another_python_is_asked_for(sandbox):
    bins = fakes(
        sandbox.tmp / "bin", python3_13="3.13.0", python3_11="3.11.7"
    )
    venv = sandbox.tmp / "venv"
    made = sandbox(lib(f"ensure_venv {venv}"), [bins])
    assert (
        "== creating" in made.stdout and "(Python 3.13.0)" in made.stdout
    )
    kept = sandbox(lib(f"ensure_venv {venv}"), [bins])
    assert kept.returncode == 0 and kept.stdout == ""
    py311 = bins / "python3.11"
    switched = sandbox(lib(f"ensure_venv {venv}"), [bins], PYTHON=py311)
    assert "it had Python 3.13.0" in switched.stdout
    again = sandbox(lib(f"ensure_venv {venv}"), [bins], PYTHON=py311)
    assert again.returncode == 0 and again.stdout == ""
    assert (
        subprocess.run(
            [venv / "bin" / "python"], capture_output=True, text=True
        ).stdout.strip()
        == "3.11.7"
    )


def test_a_conda_prefix_of_another_python_is_left_alone(sandbox):
    bins = fakes(sandbox.tmp / "bin", python3_13="3.13.0")
    conda = fakes(sandbox.tmp / "conda" / "bin", python="3.10.13").parent
    result = sandbox(lib(f"ensure_venv {conda}"), [bins])
    assert result.returncode == 1 and "left alone" in result.stderr
    assert not (conda / "pyvenv.cfg").exists()
    ok = fakes(sandbox.tmp / "conda311" / "bin", python="3.11.7").parent
    assert sandbox(lib(f"ensure_venv {ok}"), [bins]).stdout == ""


def test_setup_installs_once_for_each_pyproject_and_python(sandbox):
    bins = fakes(
        sandbox.tmp / "bin", python3_13="3.13.0", python3_12="3.12.1"
    )
    venv = sandbox.tmp / "venv"
    setup = f"source {ROOT / '.ci' / 'setup.sh'}"

    def installs(**env):
        result = sandbox(setup, [bins], AEGAN_VENV=venv, **env)
        assert result.returncode == 0, result.stderr
        return [c for c in result.calls if "-e .[cpu,book,test]" in c]

    first = installs()
    assert len(first) == 1 and "-m pip install -q -e" in first[0]
    assert [p.name for p in venv.glob(".aegan-installed-*")] == [
        sandbox(lib(f"install_stamp {venv} pyproject.toml"))
        .stdout.strip()
        .rsplit("/", 1)[-1]
    ]
    assert any(
        ".aegan-installed-py3.13.0-" in p.name for p in venv.iterdir()
    )
    assert len(installs()) == 1  # nothing to do the second time
    assert len(installs(PYTHON=bins / "python3.12")) == 2  # a new venv
    stamps = [p.name for p in venv.glob(".aegan-installed-*")]
    assert len(stamps) == 1 and "py3.12.1" in stamps[0]


def test_install_stamp_changes_with_the_files_and_the_python(sandbox):
    bins = fakes(sandbox.tmp / "bin", python3_13="3.13.0")
    venv = sandbox.tmp / "venv"
    sandbox(lib(f"ensure_venv {venv}"), [bins])
    a, b = sandbox.tmp / "a.toml", sandbox.tmp / "b.toml"
    a.write_text("x = 1\n")
    b.write_text("x = 2\n")
    stamp_a = sandbox(lib(f"install_stamp {venv} {a}")).stdout
    stamp_b = sandbox(lib(f"install_stamp {venv} {b}")).stdout
    assert stamp_a != stamp_b and "py3.13.0" in stamp_a


@pytest.mark.parametrize(
    "pythons, require, colab",
    [
        (dict(python3_13="3.13.0"), "", True),
        # without Colab's Python the stage skips, unless it is required
        (dict(python3_12="3.12.1"), "", False),
        (dict(python3_12="3.12.1"), "1", True),
    ],
)
def test_ci_test_runs_the_chapters_then_colab_then_the_book(
    sandbox, pythons, require, colab
):
    """.ci/test in a copy of the scripts, every command a stand-in."""
    repo = sandbox.tmp / "repo"
    shutil.copytree(ROOT / ".ci", repo / ".ci")
    shutil.copy(ROOT / "pyproject.toml", repo)
    bins = fakes(sandbox.tmp / "bin", **pythons)
    for tool in ("bash", "jupyter-book"):
        write_exe(bins / tool, LOGGER)
    venv = repo / ".venv"
    result = sandbox(
        f"{BASH} .ci/test -k chapter",
        [bins],
        cwd=repo,
        AEGAN_VENV=venv,
        AEGAN_REQUIRE_COLAB=require,
    )
    assert result.returncode == 0, result.stderr
    steps = [
        c.split(" PROFILE=")[0].split(" BROWSER=")[0] for c in result.calls
    ]
    python = f"{venv}/bin/python"
    expected = [
        f"{python} -m pytest tests book --ignore=tests/browser --nbval-lax"
        " --nbval-current-env --nbval-sanitize-with .ci/nbval-sanitize.cfg"
        " -p no:cacheprovider -k chapter",
        *(["bash .ci/colab_check"] if colab else []),
        "jupyter-book build . -W -n --keep-going",
        f"{python} -m pytest tests/browser -p no:cacheprovider -q",
    ]
    assert steps[-len(expected) :] == expected
    assert result.calls[-len(expected)].endswith("PROFILE=smoke")
    assert ("skipped: no Python 3.13" in result.stdout) != colab


def test_ci_run_is_the_readme_test_command_with_a_browser(sandbox):
    bins = sandbox.tmp / "bin"
    for tool in ("bash", "chromium"):
        write_exe(bins / tool, LOGGER)
    result = sandbox(f"{BASH} .ci/run", [bins])
    assert result.returncode == 0, result.stderr
    assert result.calls == ["bash .ci/test BROWSER=1 COLAB=1"]
    readme = (ROOT / "README.md").read_text()
    assert "bash .ci/test" in readme and "bash .ci/book" in readme


def test_readme_names_the_tested_pythons_and_the_colab_check():
    readme = (ROOT / "README.md").read_text()
    setup = readme.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    *newer, oldest = supported_pythons()
    assert f"Python {', '.join(newer)} or {oldest}" in setup
    assert "bash .ci/colab_check" in setup
    assert f"Python {colab_header()['colab-python']}" in setup


def test_extras_are_pinned_exactly():
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert {"cpu", "book", "test"} <= set(extras)
    for name, reqs in extras.items():
        for req in reqs:
            assert re.fullmatch(
                r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.]*", req
            ), f"{name}: {req}"


def test_conda_environment_installs_every_extra_on_a_tested_python():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    python = next(d for d in deps if str(d).startswith("python="))
    assert python.split("=", 1)[1] in supported_pythons()
    pip = next(d["pip"] for d in deps if isinstance(d, dict))
    extras = sorted(PYPROJECT["project"]["optional-dependencies"])
    (line,) = pip
    match = re.fullmatch(r'-e "\.\[([a-z,]+)\]"', line)
    assert match and sorted(match.group(1).split(",")) == extras


def colab_header() -> dict[str, str]:
    text = COLAB_PINS.read_text()
    return dict(re.findall(r"^# (colab-[a-z]+): (.+)$", text, re.M))


def test_colab_pins_parse_and_say_where_and_when_they_were_read():
    pins = read_pins(COLAB_PINS)
    header = COLAB_PINS.read_text().split("\n\n", 1)[0]
    assert "googlecolab/backend-info" in header
    assert re.search(r"read on \d{4}-\d{2}-\d{2}", header)
    assert colab_header()["colab-python"] in supported_pythons()
    # the CPU build of Colab's TensorFlow release stands in for its GPU one
    assert "tensorflow-cpu" in pins and "tensorflow" not in pins
    for name in ("keras", "numpy", "ipykernel", "nbval", "pytest"):
        assert name in pins


@pytest.mark.skipif(not NOTES.exists(), reason=f"no {NOTES}")
def test_colab_pins_are_the_versions_the_notes_list():
    notes = NOTES.read_text().split("## Colab's runtime", 1)[1]
    bullet = next(b for b in notes.split("\n- ") if "Read on" in b)
    listed = dict(
        (name.lower(), version)
        for name, version in re.findall(
            r"\b([A-Za-z][\w-]*)\** (\d+\.\d+(?:\.\d+)?)", bullet
        )
    )
    pins = {
        canonicalize_name(n): v for n, v in read_pins(COLAB_PINS).items()
    }
    header = colab_header()
    assert listed.pop("python") == header["colab-python"]
    assert f"Ubuntu {listed.pop('ubuntu')}" == header["colab-os"]
    assert listed.pop("tensorflow") == pins["tensorflow-cpu"]
    assert len(listed) >= 7
    for name, version in listed.items():
        assert pins[canonicalize_name(name)] == version, name
    read = re.search(r"Read on (\S+) ", bullet).group(1)
    assert f"read on {read} " in COLAB_PINS.read_text().replace("\n#", "")


def test_colab_keeps_its_tensorflow_when_the_helpers_install():
    """`pip install -e` on Colab must find every core requirement met."""
    core = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
    names = {canonicalize_name(r.name) for r in core}
    assert not names & {"tensorflow", "tensorflow-cpu", "tf-keras"}
    pins = {
        canonicalize_name(n): v for n, v in read_pins(COLAB_PINS).items()
    }
    for req in core:
        have = pins[canonicalize_name(req.name)]
        assert req.specifier.contains(have), f"Colab's {req.name} {have}"


def test_colab_versions_reports_every_package_that_moved(tmp_path):
    import pytest as installed_pytest

    pins = tmp_path / "pins.txt"
    pins.write_text(
        f"pytest=={installed_pytest.__version__}  # as installed\n"
        "PyYAML==0.0.1\nno-such-package==1.0\n"
    )
    assert differences(read_pins(pins)) == [
        f"PyYAML: pinned 0.0.1, installed {metadata.version('PyYAML')}",
        "no-such-package: pinned 1.0, installed none",
    ]
    script = ROOT / ".ci" / "colab_versions.py"
    run = subprocess.run(
        [sys.executable, script, pins], capture_output=True, text=True
    )
    assert run.returncode == 1 and "PyYAML: pinned 0.0.1" in run.stderr
    pins.write_text("numpy>=2\n")
    with pytest.raises(ValueError, match="not name==version"):
        read_pins(pins)


def test_book_config():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["execute"]["execute_notebooks"] == "off"
    assert config["repository"]["url"].startswith("https://github.com/")
    assert (
        config["launch_buttons"]["colab_url"]
        == "https://colab.research.google.com"
    )
    for bib in config["bibtex_bibfiles"]:
        assert (ROOT / bib).exists()
    # the book build skips both virtual environments
    for venv in (".venv/*", ".venv-colab/*"):
        assert venv in config["exclude_patterns"]
