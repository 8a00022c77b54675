"""The set-up files agree with each other: pip extras, conda file, CI entry point, README."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_extras_are_pinned_exactly():
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert {"cpu", "book", "test"} <= set(extras)
    for name, reqs in extras.items():
        for req in reqs:
            assert re.fullmatch(
                r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.]*", req
            ), f"{name}: {req}"
    assert (
        "tensorflow-cpu==2.21.0" in extras["cpu"]
        and "keras==3.15.1" in extras["cpu"]
    )
    assert any(r.startswith("jupyter-book==1.") for r in extras["book"])


def test_core_dependencies_keep_colab_tensorflow():
    core = PYPROJECT["project"]["dependencies"]
    assert not any(r.startswith(("tensorflow", "tf-keras")) for r in core)
    assert any(r.startswith("keras>=3") for r in core)


def test_conda_environment_installs_the_same_extras():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    assert "python=3.11" in deps
    pip = next(d["pip"] for d in deps if isinstance(d, dict))
    assert pip == ['-e ".[cpu,book,test]"']
    setup = (ROOT / ".ci" / "setup.sh").read_text()
    assert (
        '-e ".[cpu,book,test]"' in setup
        and "sys.version_info[:2] != (3, 11)" in setup
    )


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    for command in (
        "bash .ci/book",
        "bash .ci/test",
        "bash .ci/execute --profile",
    ):
        assert command in readme
    assert "exec bash .ci/test" in (ROOT / ".ci" / "run").read_text()
    test = (ROOT / ".ci" / "test").read_text()
    assert "--nbval-lax" in test and "AEGAN_PROFILE=smoke" in test
    assert "jupyter-book build . -W -n --keep-going" in test


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
