"""The figures every chapter draws: image grids, reconstructions, learning
curves, 2-D codes.

Each function checks its inputs (shape, range) and returns the matplotlib
``Figure`` (or ``Axes`` when drawing into one you pass), so a chapter can
add titles or save it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from helpers import checks
from helpers.checks import as_array, positive_int, same_length


def as_images(
    name: str, images: Any, value_range: tuple[float, float] = (0.0, 1.0)
) -> np.ndarray:
    """Check a batch of images and return it as ``(n, h, w)`` or
    ``(n, h, w, 3)`` in [0, 1].

    Accepts ``(n, h, w)``, ``(n, h, w, 1)``, ``(n, h, w, 3)`` and flat
    ``(n, h*w)`` with ``h*w`` a perfect square (784 -> 28 x 28). Pixels
    must lie in ``value_range`` (use ``(-1, 1)`` for tanh outputs); they
    are rescaled to [0, 1] for display.
    """
    value_range = checks.value_range("value_range", value_range)
    arr = as_array(
        name, images, ndim=(2, 3, 4), value_range=value_range
    ).astype(np.float32)
    if arr.ndim == 2:
        side = math.isqrt(arr.shape[1])
        if side * side != arr.shape[1]:
            raise ValueError(
                f"{name}: flat images need a square number of pixels, "
                f"got {arr.shape[1]} per image"
            )
        arr = arr.reshape(len(arr), side, side)
    if arr.ndim == 4:
        if arr.shape[-1] == 1:
            arr = arr[..., 0]
        elif arr.shape[-1] != 3:
            raise ValueError(
                f"{name}: expected 1 or 3 channels, got shape {arr.shape}"
            )
    lo, hi = value_range
    return (arr - lo) / (hi - lo)


def _hide_ticks(ax: plt.Axes) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def image_grid(
    images: Any,
    ncols: int = 10,
    titles: Sequence[str] | None = None,
    value_range: tuple[float, float] = (0.0, 1.0),
    size: float = 1.2,
    suptitle: str | None = None,
) -> plt.Figure:
    """Show a batch of images on a grid, ``ncols`` per row, with optional
    per-image titles.
    """
    imgs = as_images("images", images, value_range)
    ncols = positive_int("ncols", ncols)
    size = checks.number("size", size, low=0.0, low_open=True)
    if titles is not None and (
        isinstance(titles, str) or not hasattr(titles, "__len__")
    ):
        raise TypeError(
            "titles: expected a list of strings, got "
            f"{type(titles).__name__}"
        )
    if titles is not None and len(titles) != len(imgs):
        raise ValueError(
            f"titles: expected {len(imgs)} titles (one per image), "
            f"got {len(titles)}"
        )
    ncols = min(ncols, len(imgs))
    nrows = math.ceil(len(imgs) / ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(ncols * size, nrows * size * (1.25 if titles else 1)),
        squeeze=False,
    )
    for i, ax in enumerate(axes.flat):
        _hide_ticks(ax)
        if i < len(imgs):
            ax.imshow(
                imgs[i],
                cmap="binary" if imgs.ndim == 3 else None,
                vmin=0,
                vmax=1,
            )
            if titles is not None:
                ax.set_title(titles[i], fontsize=8)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def image_rows(
    rows: Mapping[str, Any],
    n: int = 10,
    value_range: tuple[float, float] = (0.0, 1.0),
) -> plt.Figure:
    """One labelled row of ``n`` images per entry of ``rows`` (all rows
    the same image shape).
    """
    n = positive_int("n", n)
    if not isinstance(rows, Mapping):
        raise TypeError(
            "rows: expected a non-empty dict of {label: images}, got "
            f"{type(rows).__name__}"
        )
    if not rows:
        raise ValueError(
            "rows: expected a non-empty dict of {label: images}"
        )
    checked = {
        label: as_images(f"rows[{label!r}]", imgs, value_range)
        for label, imgs in rows.items()
    }
    shapes = {k: v.shape[1:] for k, v in checked.items()}
    if len(set(shapes.values())) > 1:
        raise ValueError(
            f"rows: image shapes differ between rows: {shapes}"
        )
    n = min([n] + [len(v) for v in checked.values()])
    fig, axes = plt.subplots(
        len(checked),
        n,
        figsize=(n * 1.1, len(checked) * 1.2),
        squeeze=False,
    )
    for r, (label, imgs) in enumerate(checked.items()):
        for c in range(n):
            _hide_ticks(axes[r, c])
            axes[r, c].imshow(imgs[c], cmap="binary", vmin=0, vmax=1)
        axes[r, 0].set_ylabel(
            label, rotation=0, ha="right", va="center", fontsize=9
        )
    fig.tight_layout()
    return fig


def reconstruction_rows(
    originals: Any,
    reconstructions: Any | Mapping[str, Any],
    n: int = 10,
    value_range: tuple[float, float] = (0.0, 1.0),
) -> plt.Figure:
    """Originals on the first row, each model's reconstructions below (a
    dict gives several rows).
    """
    recs = (
        reconstructions
        if isinstance(reconstructions, Mapping)
        else {"reconstruction": reconstructions}
    )
    rows = {"original": originals, **recs}
    names = ["originals"] + [
        f"reconstructions[{k!r}]"
        if recs is reconstructions
        else "reconstructions"
        for k in recs
    ]
    same_length(
        **{
            name: as_array(name, v)
            for name, v in zip(names, rows.values())
        }
    )
    return image_rows(rows, n=n, value_range=value_range)


def _history_dict(history: Any) -> dict[str, list[float]]:
    """Accept a Keras ``History``, a
    :class:`helpers.training.TrainingLog` or a plain dict.
    """
    data = getattr(history, "history", history)
    if not isinstance(data, Mapping):
        raise TypeError(
            "history: expected a Keras History, a TrainingLog or a dict "
            f"of metric lists, got {type(history).__name__}"
        )
    if not data:
        raise ValueError(
            "history: expected a Keras History, a TrainingLog or a "
            "non-empty dict of metric lists"
        )
    return {k: list(v) for k, v in data.items()}


def learning_curves(
    history: Any,
    keys: Sequence[str] | None = None,
    ax: plt.Axes | None = None,
    title: str | None = None,
    logy: bool = False,
) -> plt.Axes:
    """Plot metrics per epoch (training solid, ``val_`` dashed in the same
    colour).
    """
    data = _history_dict(history)
    checks.boolean("logy", logy)
    if ax is not None:
        checks.instance("ax", ax, plt.Axes)
    if isinstance(keys, str):
        raise TypeError(f"keys: expected a list of names, got {keys!r}")
    if keys is None:
        keys = [
            k
            for k in data
            if not k.startswith("val_") and k != "epoch_seconds"
        ]
    missing = [k for k in keys if k not in data]
    if missing:
        raise ValueError(
            f"keys: {missing} not in the history; it has {sorted(data)}"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for i, key in enumerate(keys):
        epochs = np.arange(1, len(data[key]) + 1)
        ax.plot(epochs, data[key], color=f"C{i}", label=key)
        if f"val_{key}" in data:
            ax.plot(
                np.arange(1, len(data[f"val_{key}"]) + 1),
                data[f"val_{key}"],
                color=f"C{i}",
                linestyle="--",
                label=f"val_{key}",
            )
    ax.set_xlabel("epoch")
    if logy:
        ax.set_yscale("log")
    ax.legend()
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    return ax


def latent_scatter(
    codes: Any,
    labels: Any,
    class_names: Sequence[str] | None = None,
    ax: plt.Axes | None = None,
    title: str | None = None,
    s: float = 3.0,
) -> plt.Axes:
    """Scatter 2-D codings coloured by class, with a legend of class
    names.
    """
    codes = as_array("codes", codes, ndim=2)
    if codes.shape[1] != 2:
        raise ValueError(
            f"codes: expected shape (n, 2), got {codes.shape}"
        )
    labels = checks.labels("labels", labels)
    same_length(codes=codes, labels=labels)
    s = checks.number("s", s, low=0.0, low_open=True)
    if ax is not None:
        checks.instance("ax", ax, plt.Axes)
    n_classes = int(labels.max()) + 1
    if class_names is not None and len(class_names) < n_classes:
        raise ValueError(
            f"class_names: expected at least {n_classes} names, "
            f"got {len(class_names)}"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    cmap = plt.get_cmap("tab10" if n_classes <= 10 else "tab20")
    for k in range(n_classes):
        mask = labels == k
        name = class_names[k] if class_names is not None else str(k)
        ax.scatter(
            codes[mask, 0], codes[mask, 1], s=s, color=cmap(k), label=name
        )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend(
        markerscale=12 / max(s, 1.0),
        fontsize=7,
        loc="best",
        framealpha=0.8,
    )
    if title:
        ax.set_title(title)
    return ax


def class_heatmap(
    histograms: Mapping[int, Any],
    class_names: Sequence[str],
    ax: plt.Axes | None = None,
    title: str | None = None,
) -> plt.Axes:
    """Share of each class (columns) among generated samples, one row per
    epoch.

    ``histograms`` maps an epoch to its class counts. A column that goes
    white is a class the generator stopped making: mode collapse, seen
    over training.
    """
    if not isinstance(histograms, Mapping):
        raise TypeError(
            "histograms: expected a dict of {epoch: class counts}, got "
            f"{type(histograms).__name__}"
        )
    if not histograms:
        raise ValueError(
            "histograms: expected a non-empty dict of "
            "{epoch: class counts}"
        )
    if ax is not None:
        checks.instance("ax", ax, plt.Axes)
    if not isinstance(class_names, (tuple, list)) or not all(
        isinstance(c, str) for c in class_names
    ):
        raise TypeError(
            "class_names: expected a list of strings, got "
            f"{type(class_names).__name__}"
        )
    epochs = sorted(histograms)
    for e in epochs:
        got = as_array(
            f"histograms[{e!r}]", histograms[e], value_range=(0.0, np.inf)
        ).shape
        if got != (len(class_names),):
            raise ValueError(
                f"histograms: expected {len(class_names)} counts per "
                f"epoch (one per class name), got shape {got} at epoch "
                f"{e!r}"
            )
    counts = np.array(
        [np.asarray(histograms[e], dtype=float) for e in epochs]
    )
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 0.25 * len(epochs) + 1.6))
    image = ax.imshow(
        shares,
        aspect="auto",
        cmap="Blues",
        vmin=0,
        vmax=max(0.3, shares.max()),
    )
    ax.set_xticks(
        range(len(class_names)),
        class_names,
        rotation=45,
        ha="right",
        fontsize=8,
    )
    step = max(1, len(epochs) // 10)
    ax.set_yticks(
        range(0, len(epochs), step),
        [str(e) for e in epochs[::step]],
        fontsize=8,
    )
    ax.set_ylabel("epoch")
    ax.figure.colorbar(
        image, ax=ax, label="share of samples", fraction=0.046, pad=0.04
    )
    if title:
        ax.set_title(title)
    return ax


def progression_gif(
    grids: Mapping[int, Any],
    ncols: int = 8,
    scale: int = 3,
    ms_per_frame: int = 400,
    label: str = "epoch",
) -> bytes:
    """An animated GIF (bytes) of image grids, one labelled frame per key.

    ``grids`` maps an epoch (or a step: ``label``) to a batch of images in
    [0, 1] (e.g. what :meth:`helpers.gan_callbacks.SampleHistory.load`
    returns); each frame tiles them ``ncols`` wide, each pixel ``scale`` x
    ``scale``. Show it with :func:`helpers.display.show_gif`.
    """
    import io

    from PIL import Image, ImageDraw

    if not isinstance(grids, Mapping):
        raise TypeError(
            "grids: expected a dict of {epoch: images}, got "
            f"{type(grids).__name__}"
        )
    if not grids:
        raise ValueError(
            "grids: expected a non-empty dict of {epoch: images}"
        )
    ncols, scale = (
        positive_int("ncols", ncols),
        positive_int("scale", scale),
    )
    positive_int("ms_per_frame", ms_per_frame)
    frames = []
    for epoch in sorted(grids):
        imgs = as_images(f"grids[{epoch}]", grids[epoch])
        n, h, w = imgs.shape[:3]
        rows = -(-n // ncols)
        canvas = np.ones(
            (rows * (h + 2) + 14, ncols * (w + 2)), dtype=np.float32
        )
        for i, img in enumerate(imgs[..., 0] if imgs.ndim == 4 else imgs):
            r, c = divmod(i, ncols)
            canvas[
                14 + r * (h + 2) : 14 + r * (h + 2) + h,
                c * (w + 2) : c * (w + 2) + w,
            ] = 1.0 - img
        frame = Image.fromarray(
            np.round(canvas * 255).astype(np.uint8), mode="L"
        )
        frame = frame.resize(
            (frame.width * scale, frame.height * scale), Image.NEAREST
        )
        ImageDraw.Draw(frame).text((4, 4), f"{label} {epoch}", fill=0)
        frames.append(frame)
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=positive_int("ms_per_frame", ms_per_frame),
        loop=0,
    )
    return buffer.getvalue()
