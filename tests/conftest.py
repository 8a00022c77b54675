"""Test set-up: offline datasets, a quiet TensorFlow, a non-interactive matplotlib.

If KERAS_HOME is not set (``.ci/test`` sets it), point it at a temporary folder seeded
from ``../shared/data`` (or ``$AEGAN_DATA``) before Keras is imported, so nothing downloads.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(
    os.environ.get("AEGAN_DATA", ROOT.parent / "shared" / "data")
)

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")
if "KERAS_HOME" not in os.environ and SHARED_DATA.is_dir():
    home = Path(tempfile.mkdtemp(prefix="aegan-keras-"))
    shutil.copytree(
        SHARED_DATA,
        home / "datasets",
        ignore=shutil.ignore_patterns("README*", "SHA256SUMS"),
    )
    os.environ["KERAS_HOME"] = str(home)

import helpers  # noqa: E402,F401  (before keras: pins the backend)


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every matplotlib figure a test opened."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture
def data_cache(tmp_path: Path) -> Path:
    """A private copy of the verified dataset files, laid out like Keras' cache."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"no dataset copy at {SHARED_DATA}")
    cache = tmp_path / "datasets"
    shutil.copytree(
        SHARED_DATA,
        cache,
        ignore=shutil.ignore_patterns("README*", "SHA256SUMS"),
    )
    for path in cache.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    return cache
