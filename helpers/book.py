"""Bridges between a running chapter and the rendered book.

:func:`glue` stores a value in the notebook's outputs under a name, in the format that
MyST-NB's ``{glue}`` role reads, so the prose quotes numbers the code printed instead of
numbers typed by hand. It needs no MyST-NB in the kernel (Colab has none).
"""
from __future__ import annotations

from typing import Any

GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, value: Any, display: bool = False, fmt: str | None = None) -> None:
    """Record ``value`` as ``name`` for ``{glue}`name``` in the book; show it too if ``display``.

    ``fmt`` (e.g. ``"{:.2f}"``) formats numbers before they are stored as text.
    """
    from IPython.core.formatters import format_display_data
    from IPython.display import display as ipy_display

    if not name or not name.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"name: expected letters, digits, '_' or '-', got {name!r}")
    if hasattr(value, "item") and getattr(value, "shape", None) == ():  # NumPy scalars -> Python
        value = value.item()
    shown = fmt.format(value) if fmt is not None else value
    bundle, metadata = format_display_data(shown)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    ipy_display({prefix + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)


def show_gif(data: bytes, alt: str = "animation", width: int | None = None) -> None:
    """Display an animated GIF inline as an ``<img>`` with a data URI.

    The notebook stores it as HTML, which Jupyter, Colab and the rendered book all show
    (a raw ``image/gif`` output is dropped by the book's renderer).
    """
    import base64

    from IPython.display import HTML, display

    if not isinstance(data, (bytes, bytearray)) or not bytes(data[:6]) in (b"GIF87a", b"GIF89a"):
        raise ValueError("data: expected the bytes of a GIF file (they start with GIF89a)")
    size = f' width="{int(width)}"' if width else ""
    encoded = base64.b64encode(bytes(data)).decode("ascii")
    display(HTML(f'<img src="data:image/gif;base64,{encoded}" alt="{alt}"{size}>'))


SETUP_TAG = "colab-setup"


def repository_from_config(config_path: str | Any) -> tuple[str, str]:
    """``(repository.url, repository.branch)`` from the book's ``_config.yml``: the one place they live."""
    from pathlib import Path

    import yaml

    config = yaml.safe_load(Path(config_path).read_text())
    repo = config.get("repository") or {}
    url, branch = repo.get("url"), repo.get("branch", "main")
    if not url or not str(url).startswith("https://"):
        raise ValueError(f"{config_path}: repository.url must be the https URL of the book's repository, got {url!r}")
    return str(url).rstrip("/"), str(branch)


def colab_setup_source(url: str, branch: str) -> str:
    """The first code cell of every chapter: on Colab, fetch and install the helpers; check for a GPU.

    Outside Colab it does nothing. ``.ci/sync_setup_cells.py`` writes it into the chapters
    from ``_config.yml``, and a test checks that they agree, so the URL is set in one place.
    """
    return f'''# Setup for Google Colab; anywhere else this cell does nothing.
# On Colab: clone the book (for the helpers package, its committed judge model and data
# notes), install the helpers without touching Colab's own TensorFlow, and look for a GPU.
# Written by .ci/sync_setup_cells.py from repository.url in _config.yml: edit it there.
import os, subprocess, sys
if "google.colab" in sys.modules:
    REPOSITORY, BRANCH = "{url}", "{branch}"
    if not os.path.isdir("/content/aegan-book"):
        subprocess.run(["git", "clone", "--quiet", "--depth", "1", "--branch", BRANCH, REPOSITORY,
                        "/content/aegan-book"], check=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "-e", "/content/aegan-book"],
                       check=True)
    sys.path.insert(0, "/content/aegan-book")
    os.chdir("/content/aegan-book/book")
    import tensorflow as tf
    if not tf.config.list_logical_devices("GPU"):
        print("No GPU found: Runtime > Change runtime type > T4 GPU, then run the notebook again. "
              "Without one, use PROFILE = 'cpu' (smaller, slower).")'''


def toc_files(root: str | Any) -> list[str]:
    """Every page of the book's ``_toc.yml`` in reading order (paths without suffix), root first."""
    from pathlib import Path

    import yaml

    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part.get("chapters", [])]
    return files


def chapter_notebooks(root: str | Any) -> list[Any]:
    """The chapters: notebooks of ``_toc.yml`` whose name starts with their number (``07_gans``).

    Other notebooks in the book (the instructors' "run the whole book" page) are not chapters:
    the runner and the tests leave them out.
    """
    from pathlib import Path

    root = Path(root)
    return [root / f"{f}.ipynb" for f in toc_files(root)
            if (root / f"{f}.ipynb").exists() and Path(f).name[:1].isdigit()]
