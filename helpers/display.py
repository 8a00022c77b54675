"""What a chapter shows besides figures: glued numbers, code, animations.

:func:`glue` stores a value under a name in the format MyST-NB's ``{glue}``
role reads, so the prose quotes numbers the code printed.
:func:`show_source` shows the source of a helper the chapter teaches
as highlighted Python, in Jupyter, Colab and the rendered book alike.
Neither needs MyST-NB.
"""

from __future__ import annotations

import base64
import inspect
import textwrap
from typing import Any

from helpers import checks

GLUE_PREFIX = "application/papermill.record/"


def _plain(value: Any) -> Any:
    """NumPy scalars (also inside lists and tuples) as Python numbers."""
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        return value.item()
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    return value


def glue(
    name: str, value: Any, display: bool = False, fmt: str | None = None
) -> None:
    """Record ``value`` as ``name`` for ``{glue}`name``` in the book.

    ``fmt`` (e.g. ``"{:.2f}"``) formats numbers before they are stored;
    ``display`` shows the value in the notebook as well.
    """
    from IPython.core.formatters import format_display_data
    from IPython.display import display as ipy_display

    if not isinstance(name, str):
        raise TypeError(
            f"name: expected a string, got {type(name).__name__}"
        )
    if not name.replace("_", "").replace("-", "").isalnum():
        raise ValueError(
            f"name: expected letters, digits, '_' or '-', got {name!r}"
        )
    if fmt is not None and not isinstance(fmt, str):
        raise TypeError(f"fmt: expected a format string, got {fmt!r}")
    checks.boolean("display", display)
    value = _plain(value)  # NumPy numbers as Python ones, lists too
    try:
        shown = fmt.format(value) if fmt is not None else value
    except (ValueError, TypeError, IndexError, KeyError) as err:
        raise ValueError(
            f"fmt: {fmt!r} cannot format {type(value).__name__} "
            f"{value!r} ({err})"
        ) from None
    bundle, metadata = format_display_data(shown)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    ipy_display(
        {prefix + k: v for k, v in bundle.items()},
        raw=True,
        metadata=metadata,
    )


def source_of(obj: Any) -> str:
    """The complete source of a public function, class or method."""
    return _source("obj", obj)


def _source(arg: str, obj: Any) -> str:
    name = getattr(obj, "__name__", None)
    if name is None or not (
        inspect.isfunction(obj)
        or inspect.isclass(obj)
        or inspect.ismethod(obj)
    ):
        raise TypeError(
            f"{arg}: expected a function, class or method, got "
            f"{type(obj).__name__}"
        )
    if name.startswith("_"):
        raise ValueError(
            f"{arg}: {name} is private; a chapter shows public code only"
        )
    return textwrap.dedent(inspect.getsource(obj)).rstrip() + "\n"


def show_source(*objects: Any) -> None:
    """Display the source of each object as highlighted Python code."""
    from IPython.display import Code, display

    if not objects:
        raise ValueError("objects: name at least one function or class")
    text = "\n\n".join(
        _source(f"objects[{i}]", obj) for i, obj in enumerate(objects)
    )
    display(Code(text, language="python"))


def show_gif(
    data: bytes, alt: str = "animation", width: int | None = None
) -> None:
    """Display an animated GIF inline, as an ``<img>`` with a data URI.

    Stored as HTML, which Jupyter, Colab and the rendered book all show (a
    raw ``image/gif`` output is dropped by the book's renderer).
    """
    from IPython.display import HTML, display

    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(
            f"data: expected the bytes of a GIF file, got "
            f"{type(data).__name__}"
        )
    if bytes(data[:6]) not in (
        b"GIF87a",
        b"GIF89a",
    ):
        raise ValueError(
            "data: expected the bytes of a GIF file (they start with "
            "GIF89a)"
        )
    if not isinstance(alt, str):
        raise TypeError(
            f"alt: expected a string, got {type(alt).__name__}"
        )
    size = ""
    if width is not None:
        size = f' width="{checks.positive_int("width", width)}"'
    encoded = base64.b64encode(bytes(data)).decode("ascii")
    display(
        HTML(
            f'<img src="data:image/gif;base64,{encoded}" '
            f'alt="{alt}"{size} '
            'style="max-width: 100%">'
        )
    )
