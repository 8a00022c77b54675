"""Image-quality numbers shared by the chapters.

PSNR (peak signal-to-noise ratio) in dB: ``10 * log10(max_val**2 / MSE)``. ``max_val`` is
the largest value a pixel can take *in the arrays you pass*: 1.0 for images scaled to
[0, 1], 255 only for raw 8-bit images. Using 255 on [0, 1] images inflates every PSNR by
``20 * log10(255)``, about 48 dB, a common mistake in reports.
"""
from __future__ import annotations

import numpy as np

from helpers.checks import as_array


def psnr(a: object, b: object, max_val: float = 1.0) -> np.ndarray:
    """PSNR in dB of each image in ``b`` against the same image in ``a``.

    ``a`` and ``b`` are batches of the same shape, ``(n, ...)``; the MSE is taken over all
    axes but the first, so the result has shape ``(n,)``. Identical images give ``inf``.
    Average the result (``psnr(...).mean()``) for one number per set, as the chapters do.
    """
    if not np.isscalar(max_val) or not max_val > 0:
        raise ValueError(f"max_val: expected a positive number, got {max_val!r}")
    a = as_array("a", a, ndim=(2, 3, 4), value_range=(0.0, float(max_val))).astype(np.float64)
    b = as_array("b", b, ndim=(2, 3, 4), value_range=(0.0, float(max_val))).astype(np.float64)
    if a.shape != b.shape:
        raise ValueError(f"b: expected the shape of a, {a.shape}, got {b.shape}")
    mse = np.mean((a - b) ** 2, axis=tuple(range(1, a.ndim)))
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(float(max_val) ** 2 / mse)
