"""helpers.display: glued values in MyST-NB's format, helper source as code, GIFs as HTML."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from helpers import display, metrics


@pytest.fixture
def shown(monkeypatch):
    """What the helpers passed to IPython's display()."""
    calls = []
    monkeypatch.setattr(
        "IPython.display.display", lambda *a, **k: calls.append((a, k))
    )
    return calls


def test_glue_writes_what_myst_nb_reads(shown):
    display.glue("ch0_value", 0.5)
    (bundle,), kwargs = shown[0]
    assert bundle == {"application/papermill.record/text/plain": "0.5"}
    assert kwargs["metadata"]["scrapbook"] == {
        "name": "ch0_value",
        "mime_prefix": "application/papermill.record/",
    }
    assert kwargs["raw"] is True
    from myst_nb.ext.glue import GLUE_PREFIX

    assert display.GLUE_PREFIX == GLUE_PREFIX
    shown.clear()
    # stored as 0.25, not 'np.float64(0.25)'
    display.glue("ch0_numpy", np.float64(0.25))
    assert shown[0][0][0] == {
        "application/papermill.record/text/plain": "0.25"
    }
    with pytest.raises(ValueError, match="name"):
        display.glue("bad name!", 1)


def test_glue_formats_and_can_display(shown):
    display.glue("ch0_fmt", 0.123456, fmt="{:.2f}")
    stored = shown[0][0][0]["application/papermill.record/text/plain"]
    from myst_nb.core.variables import format_plain_text

    assert (
        format_plain_text(stored, "") == "0.12"
    )  # what {glue:text} shows
    display.glue("ch0_shown", 3, display=True)
    (bundle,), kwargs = shown[1]
    assert bundle == {"text/plain": "3"}
    assert kwargs["metadata"]["scrapbook"]["mime_prefix"] == ""
    with pytest.raises(TypeError, match="fmt: expected a format string"):
        display.glue("ch0_x", 1, fmt=2)


def test_source_of_public_functions_and_classes():
    text = display.source_of(metrics.psnr)
    assert text.startswith("def psnr(") and text.endswith("\n")
    assert '"""PSNR in dB' in text
    from helpers.layers import MinibatchStdDev

    assert display.source_of(MinibatchStdDev).startswith(
        "@keras.saving.register"
    )
    # a method, dedented
    method = display.source_of(MinibatchStdDev.call)
    assert method.startswith("def call(self, inputs):")


def _private():
    return 1


@pytest.mark.parametrize(
    "obj, error, match",
    [
        (_private, ValueError, "obj: _private is private"),
        (
            len,
            TypeError,
            "obj: expected a function, class or method, got builtin",
        ),
        (
            3,
            TypeError,
            "obj: expected a function, class or method, got int",
        ),
        (
            metrics,
            TypeError,
            "obj: expected a function, class or method, got module",
        ),
        ("psnr", TypeError, "got str"),
    ],
)
def test_source_of_refuses_private_names_and_non_functions(
    obj, error, match
):
    with pytest.raises(error, match=match):
        display.source_of(obj)


def test_show_source_displays_python_code(shown):
    from IPython.display import Code

    display.show_source(metrics.psnr, metrics.sharpness)
    (((code,), _),) = shown
    assert isinstance(code, Code) and code.language == "python"
    assert (
        code.data.startswith("def psnr(")
        and "\n\n\ndef sharpness(" in code.data
    )
    with pytest.raises(ValueError, match="objects: name at least one"):
        display.show_source()
    with pytest.raises(ValueError, match="is private"):
        display.show_source(_private)


GIF = b"GIF89a" + bytes(20)


def test_show_gif_embeds_the_bytes(shown):
    from IPython.display import HTML

    display.show_gif(GIF, alt="progress", width=300)
    (((html,), _),) = shown
    assert isinstance(html, HTML)
    encoded = base64.b64encode(GIF).decode("ascii")
    assert f'src="data:image/gif;base64,{encoded}"' in html.data
    assert 'alt="progress"' in html.data and 'width="300"' in html.data
    with pytest.raises(
        ValueError, match="data: expected the bytes of a GIF"
    ):
        display.show_gif(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(
        TypeError, match="data: expected the bytes of a GIF"
    ):
        display.show_gif("GIF89a")
    with pytest.raises(TypeError, match="alt: expected a string"):
        display.show_gif(GIF, alt=3)
    with pytest.raises(
        ValueError, match="width: expected an integer >= 1"
    ):
        display.show_gif(GIF, width=0)
