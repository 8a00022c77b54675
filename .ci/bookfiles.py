"""The book's own files, read without TensorFlow: _config.yml, _toc.yml, chapters.

Build tooling (.ci/*.py) and the tests import this module; the helpers
package never does.
"""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SETUP_TAG = "colab-setup"


def repository_from_config(config_path: Path) -> tuple[str, str]:
    """``(repository.url, repository.branch)`` from ``_config.yml``."""
    config = yaml.safe_load(Path(config_path).read_text())
    repo = config.get("repository") or {}
    url, branch = repo.get("url"), repo.get("branch", "main")
    if not url or not str(url).startswith("https://"):
        raise ValueError(
            f"{config_path}: repository.url must be the https URL of the "
            f"book's repository, got {url!r}"
        )
    return str(url).rstrip("/"), str(branch)


def colab_setup_source(url: str, branch: str) -> str:
    """The first code cell of every chapter: on Colab, get the helpers.

    Outside Colab it does nothing. ``.ci/sync_setup_cells.py`` writes it
    from ``_config.yml``; a test checks that the chapters agree.
    """
    return f'''# Colab set-up; anywhere else this cell does nothing. Written by
# .ci/sync_setup_cells.py from repository.url in _config.yml.
import os
import subprocess
import sys

if "google.colab" in sys.modules:
    REPO = "{url}"
    BRANCH, HOME = "{branch}", "/content/aegan-book"
    if not os.path.isdir(HOME):
        # The helpers package, its judge and models; Colab's own
        # TensorFlow stays (the package asks only for a Keras 3).
        clone = ["git", "clone", "-q", "--depth", "1", "-b", BRANCH]
        subprocess.run([*clone, REPO, HOME], check=True)
        pip = [sys.executable, "-m", "pip", "install", "-q", "-e", HOME]
        subprocess.run(pip, check=True)
    sys.path.insert(0, HOME)
    os.chdir(HOME + "/book")
    import tensorflow as tf

    if not tf.config.list_logical_devices("GPU"):
        print(
            "No GPU: Runtime > Change runtime type > T4 GPU, then run"
            " again; or set PROFILE = 'cpu' (smaller, slower)."
        )'''


def toc_files(root: Path = ROOT) -> list[str]:
    """Every page of ``_toc.yml`` in reading order (no suffix), root first."""
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part.get("chapters", [])]
    return files


def chapter_notebooks(root: Path = ROOT) -> list[Path]:
    """The chapters: notebooks of ``_toc.yml`` named by number (``07_gans``)."""
    root = Path(root)
    return [
        root / f"{f}.ipynb"
        for f in toc_files(root)
        if (root / f"{f}.ipynb").exists() and Path(f).name[:1].isdigit()
    ]
