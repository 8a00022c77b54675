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
