"""Image-quality numbers shared by the chapters.

PSNR (peak signal-to-noise ratio) in dB:
``10 * log10(max_val**2 / MSE)``. ``max_val`` is the largest value a
pixel can take *in the arrays you pass*: 1.0 for images scaled to
[0, 1], 255 only for raw 8-bit images. Using 255 on [0, 1] images
inflates every PSNR by ``20 * log10(255)``, about 48 dB, a common
mistake in reports.
"""

from __future__ import annotations

import numpy as np

from helpers.checks import as_array


def psnr(a: object, b: object, max_val: float = 1.0) -> np.ndarray:
    """PSNR in dB of each image in ``b`` against the same image in ``a``.

    ``a`` and ``b`` are batches of the same shape, ``(n, ...)``; the MSE
    is taken over all axes but the first, so the result has shape
    ``(n,)``. Identical images give ``inf``. Average the result
    (``psnr(...).mean()``) for one number per set, as the chapters do.
    """
    if not np.isscalar(max_val) or not max_val > 0:
        raise ValueError(
            f"max_val: expected a positive number, got {max_val!r}"
        )
    a = as_array(
        "a", a, ndim=(2, 3, 4), value_range=(0.0, float(max_val))
    ).astype(np.float64)
    b = as_array(
        "b", b, ndim=(2, 3, 4), value_range=(0.0, float(max_val))
    ).astype(np.float64)
    if a.shape != b.shape:
        raise ValueError(
            f"b: expected the shape of a, {a.shape}, got {b.shape}"
        )
    mse = np.mean((a - b) ** 2, axis=tuple(range(1, a.ndim)))
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(float(max_val) ** 2 / mse)


def frechet_distance(features_a: object, features_b: object) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets (rows
    = samples).

    ``||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^{1/2})``, the formula
    of the FID. The trace of the matrix square root is computed as
    ``sum(sqrt(eig(A S_b A)))`` with ``A = S_a^{1/2}`` from a symmetric
    eigendecomposition: ``A S_b A`` is symmetric and positive
    semi-definite, so its eigenvalues are real (tiny negative round-off is
    clipped to 0) and no complex ``sqrtm`` output has to be patched.
    """
    a = as_array("features_a", features_a, ndim=2).astype(np.float64)
    b = as_array("features_b", features_b, ndim=2).astype(np.float64)
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"features_b: expected {a.shape[1]} features per row like "
            "features_a, "
            f"got {b.shape[1]}"
        )
    for name, f in (("features_a", a), ("features_b", b)):
        if len(f) < 2:
            raise ValueError(
                f"{name}: need at least 2 samples to estimate a "
                f"covariance, got {len(f)}"
            )
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    cov_a, cov_b = (
        np.atleast_2d(np.cov(a, rowvar=False)),
        np.atleast_2d(np.cov(b, rowvar=False)),
    )
    return frechet_distance_from_moments(mu_a, cov_a, mu_b, cov_b)


def frechet_distance_from_moments(
    mu_a: np.ndarray,
    cov_a: np.ndarray,
    mu_b: np.ndarray,
    cov_b: np.ndarray,
) -> float:
    """The Fréchet distance of N(mu_a, cov_a) and N(mu_b, cov_b); see
    :func:`frechet_distance`.
    """
    evals, evecs = np.linalg.eigh(cov_a)
    sqrt_a = (evecs * np.sqrt(np.clip(evals, 0.0, None))) @ evecs.T
    middle = sqrt_a @ cov_b @ sqrt_a
    trace_sqrt = float(
        np.sum(
            np.sqrt(
                np.clip(
                    np.linalg.eigvalsh((middle + middle.T) / 2), 0.0, None
                )
            )
        )
    )
    diff = mu_a - mu_b
    return float(
        diff @ diff + np.trace(cov_a) + np.trace(cov_b) - 2.0 * trace_sqrt
    )


def class_histogram(labels: object, num_classes: int = 10) -> np.ndarray:
    """How many of ``labels`` fall in each class
    ``0 .. num_classes - 1``.
    """
    labels = as_array(
        "labels", labels, ndim=1, value_range=(0, num_classes - 1)
    )
    if not np.all(labels == np.round(labels)):
        raise ValueError("labels: expected integer class labels")
    return np.bincount(labels.astype(int), minlength=num_classes)


def class_coverage(
    labels: object, num_classes: int = 10, min_share: float = 0.01
) -> int:
    """Number of classes that get at least ``min_share`` of the samples
    (default 1 %).

    A generator that covers the data has all ``num_classes``; one that
    collapsed onto a few modes has few. The threshold keeps a handful of
    stray samples from counting.
    """
    if not 0 <= min_share < 1:
        raise ValueError(
            f"min_share: expected a fraction in [0, 1), got {min_share}"
        )
    hist = class_histogram(labels, num_classes)
    return int(np.sum(hist >= min_share * hist.sum()))


def class_entropy(labels: object, num_classes: int = 10) -> float:
    """Entropy in bits of the class histogram: log2(num_classes) when
    uniform, 0 when one class.
    """
    hist = class_histogram(labels, num_classes).astype(np.float64)
    p = hist[hist > 0] / hist.sum()
    return float(-np.sum(p * np.log2(p)) + 0.0)


def sharpness(images: object) -> np.ndarray:
    """Mean gradient magnitude of each image (pixels in [0, 1]):
    ``mean(sqrt(dx² + dy²))``.

    Blurry images have weak edges and score low; real Fashion-MNIST images
    set the level to compare with. Noise scores *high* too, so read it
    next to a distance to the data.
    """
    x = as_array("images", images, ndim=3, value_range=(0.0, 1.0)).astype(
        np.float64
    )
    dx = x[:, :-1, 1:] - x[:, :-1, :-1]
    dy = x[:, 1:, :-1] - x[:, :-1, :-1]
    return np.sqrt(dx**2 + dy**2).mean(axis=(1, 2))
