"""Numbers that measure images and generative models, for every chapter.

PSNR (peak signal-to-noise ratio, dB): ``10 log10(max_val² / MSE)``, with
``max_val`` the largest value a pixel can take *in the arrays passed*: 1
for images in [0, 1], 255 only for raw 8-bit images (255 on [0, 1] images
would add about 48 dB, a common mistake, which :func:`psnr` refuses).

For generative models, computed on a judge's features: the Fréchet
distance (the formula of the FID), the kernel inception distance (KID,
unbiased at small sample sizes), class coverage and entropy, diversity
within each class, and the distances to the nearest training image that a
memorisation check compares.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from helpers.checks import (
    as_array,
    number,
    positive_int,
)
from helpers.checks import (
    images as checked_images,
)
from helpers.checks import (
    labels as checked_labels,
)


def psnr(a: object, b: object, max_val: float = 1.0) -> np.ndarray:
    """PSNR in dB of each image in ``b`` against the same image in ``a``.

    ``a`` and ``b`` are batches of the same shape; the MSE is taken over
    all axes but the first, so the result has shape ``(n,)``. Identical
    images give ``inf``. Average it (``psnr(...).mean()``) for one number.
    """
    max_val = number("max_val", max_val, low=0.0, low_open=True)
    a = as_array("a", a, ndim=(2, 3, 4), value_range=(0.0, max_val))
    b = as_array("b", b, ndim=(2, 3, 4), value_range=(0.0, max_val))
    if max_val > 1.0 and max(a.max(), b.max()) <= 1.0:
        raise ValueError(
            f"max_val: {max_val:g} for images whose pixels all lie in "
            "[0, 1]; use max_val=1.0 (255 only for 8-bit pixels, which "
            "would inflate the PSNR by about 48 dB here)"
        )
    if a.shape != b.shape:
        raise ValueError(
            f"b: expected the shape of a, {a.shape}, got {b.shape}"
        )
    a, b = a.astype(np.float64), b.astype(np.float64)
    mse = np.mean((a - b) ** 2, axis=tuple(range(1, a.ndim)))
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(max_val**2 / mse)


def _features(name: str, value: object, min_rows: int = 2) -> np.ndarray:
    arr = as_array(name, value, ndim=2).astype(np.float64)
    if len(arr) < min_rows:
        raise ValueError(
            f"{name}: need at least {min_rows} rows, got {len(arr)}"
        )
    return arr


def _same_width(a: np.ndarray, b: np.ndarray, name: str) -> None:
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"{name}: expected {a.shape[1]} features per row, "
            f"got {b.shape[1]}"
        )


def frechet_distance(features_a: object, features_b: object) -> float:
    """Fréchet distance of Gaussians fitted to two feature sets (rows).

    ``|mu_a - mu_b|² + Tr(S_a + S_b - 2 (S_a S_b)^½)``, the formula of the
    FID; see :func:`frechet_distance_from_moments` for the square root.
    """
    a = _features("features_a", features_a)
    b = _features("features_b", features_b)
    _same_width(a, b, "features_b")
    return frechet_distance_from_moments(
        a.mean(axis=0),
        np.atleast_2d(np.cov(a, rowvar=False)),
        b.mean(axis=0),
        np.atleast_2d(np.cov(b, rowvar=False)),
    )


def frechet_distance_from_moments(
    mu_a: object, cov_a: object, mu_b: object, cov_b: object
) -> float:
    """The Fréchet distance of N(mu_a, cov_a) and N(mu_b, cov_b).

    The trace of the matrix square root is ``sum(sqrt(eig(A S_b A)))``
    with ``A = S_a^½`` from a symmetric eigendecomposition: ``A S_b A`` is
    symmetric positive semi-definite, so no complex ``sqrtm`` output has
    to be patched (round-off below 0 is clipped).
    """
    mu_a = as_array("mu_a", mu_a, ndim=1).astype(np.float64)
    d = len(mu_a)
    mu_b = as_array("mu_b", mu_b, shape=(d,)).astype(np.float64)
    covs = []
    for name, cov in (("cov_a", cov_a), ("cov_b", cov_b)):
        c = as_array(name, cov, shape=(d, d)).astype(np.float64)
        if not np.allclose(c, c.T, rtol=1e-6, atol=1e-9):
            raise ValueError(
                f"{name}: a covariance matrix must be symmetric"
            )
        if np.linalg.eigvalsh(c).min() < -1e-6 * max(1.0, np.abs(c).max()):
            raise ValueError(
                f"{name}: a covariance matrix must be "
                "positive semi-definite"
            )
        covs.append(c)
    cov_a, cov_b = covs
    evals, evecs = np.linalg.eigh(cov_a)
    sqrt_a = (evecs * np.sqrt(np.clip(evals, 0.0, None))) @ evecs.T
    middle = sqrt_a @ cov_b @ sqrt_a
    eig = np.linalg.eigvalsh((middle + middle.T) / 2)
    trace_sqrt = float(np.sum(np.sqrt(np.clip(eig, 0.0, None))))
    diff = mu_a - mu_b
    return float(
        diff @ diff + np.trace(cov_a) + np.trace(cov_b) - 2.0 * trace_sqrt
    )


def mmd2_unbiased(x: np.ndarray, y: np.ndarray) -> float:
    """Unbiased squared MMD with the cubic kernel ``(x·y / d + 1)³``.

    ``x`` and ``y`` are feature rows, at least 2 each.
    """
    for name, rows in (("x", x), ("y", y)):
        _features(name, rows)  # numbers, 2-D, at least 2 rows
    x, y = np.asarray(x), np.asarray(y)
    _same_width(x, y, "y")
    d = x.shape[1]
    k_xx = (x @ x.T / d + 1.0) ** 3
    k_yy = (y @ y.T / d + 1.0) ** 3
    k_xy = (x @ y.T / d + 1.0) ** 3
    m, n = len(x), len(y)
    within_x = (k_xx.sum() - np.trace(k_xx)) / (m * (m - 1))
    within_y = (k_yy.sum() - np.trace(k_yy)) / (n * (n - 1))
    return float(within_x + within_y - 2.0 * k_xy.mean())


def kernel_inception_distance(
    features_a: object,
    features_b: object,
    subset_size: int = 1000,
    n_subsets: int = 10,
    seed: int = 0,
) -> tuple[float, float]:
    """KID (Binkowski et al. 2018): ``(mean, sd)`` of the unbiased MMD².

    The squared MMD with the polynomial kernel ``(x·y / d + 1)³``,
    estimated without bias on ``n_subsets`` random subsets of
    ``subset_size`` rows from each set (smaller sets are used whole). Its
    expectation is 0 for two samples of one distribution at any size,
    unlike the Fréchet distance, whose small-sample bias is positive.
    """
    a = _features("features_a", features_a)
    b = _features("features_b", features_b)
    _same_width(a, b, "features_b")
    size = min(
        positive_int("subset_size", subset_size, minimum=2), len(a), len(b)
    )
    n_subsets = positive_int("n_subsets", n_subsets)
    rng = np.random.default_rng(positive_int("seed", seed, minimum=0))
    values = [
        mmd2_unbiased(
            a[rng.choice(len(a), size, replace=False)],
            b[rng.choice(len(b), size, replace=False)],
        )
        for _ in range(n_subsets)
    ]
    sd = float(np.std(values, ddof=1)) if n_subsets > 1 else float("nan")
    return float(np.mean(values)), sd


def class_histogram(labels: object, num_classes: int = 10) -> np.ndarray:
    """How many ``labels`` fall in each class ``0 .. num_classes - 1``."""
    num_classes = positive_int("num_classes", num_classes)
    y = checked_labels("labels", labels, num_classes)
    return np.bincount(y, minlength=num_classes)


def class_coverage(
    labels: object, num_classes: int = 10, min_share: float = 0.01
) -> int:
    """How many classes get at least ``min_share`` of the samples.

    A generator that covers the data has all ``num_classes``; one that
    collapsed onto a few modes has few. The threshold keeps a handful of
    stray samples from counting.
    """
    min_share = number(
        "min_share", min_share, low=0.0, high=1.0, high_open=True
    )
    hist = class_histogram(labels, num_classes)
    return int(np.sum(hist >= min_share * hist.sum()))


def class_entropy(labels: object, num_classes: int = 10) -> float:
    """Entropy (bits) of the class histogram: log2(classes) if uniform."""
    hist = class_histogram(labels, num_classes).astype(np.float64)
    p = hist[hist > 0] / hist.sum()
    return float(-np.sum(p * np.log2(p)) + 0.0)


def mean_pairwise_distance(
    features: object, max_rows: int = 500, seed: int = 0
) -> float:
    """Mean Euclidean distance between distinct rows (a random subset)."""
    f = _features("features", features)
    max_rows = positive_int("max_rows", max_rows, minimum=2)
    if len(f) > max_rows:
        rng = np.random.default_rng(positive_int("seed", seed, minimum=0))
        f = f[rng.choice(len(f), max_rows, replace=False)]
    sq = np.sum(f**2, axis=1)
    d2 = np.clip(sq[:, None] + sq[None, :] - 2 * f @ f.T, 0, None)
    n = len(f)
    return float(np.sqrt(d2)[~np.eye(n, dtype=bool)].mean())


def within_class_diversity(
    features: object,
    labels: object,
    reference_features: object,
    reference_labels: object,
    num_classes: int = 10,
    min_count: int = 20,
) -> dict[str, Any]:
    """Diversity inside each predicted class, against real images.

    For every class with at least ``min_count`` samples in both sets, the
    mean pairwise feature distance among the generated images of that
    class divided by the same among the real ones: about 1 for a
    generator as varied as the data, well below 1 when it collapsed
    *within* a class (which class coverage cannot see). Returns
    ``{"ratio": mean over classes, "per_class": {class: ratio}}``.
    """
    num_classes = positive_int("num_classes", num_classes)
    f = _features("features", features)
    r = _features("reference_features", reference_features)
    _same_width(f, r, "reference_features")
    y = checked_labels("labels", labels, num_classes, len(f))
    y_ref = checked_labels(
        "reference_labels", reference_labels, num_classes, len(r)
    )
    min_count = positive_int("min_count", min_count, minimum=2)
    per_class = {}
    for c in range(num_classes):
        mine, real = f[y == c], r[y_ref == c]
        if len(mine) >= min_count and len(real) >= min_count:
            per_class[c] = mean_pairwise_distance(
                mine
            ) / mean_pairwise_distance(real)
    ratio = (
        float(np.mean(list(per_class.values())))
        if per_class
        else float("nan")
    )
    return {"ratio": ratio, "per_class": per_class}


def nearest_distances(
    queries: object, references: object, chunk: int = 512
) -> np.ndarray:
    """Euclidean distance from each query image to its nearest reference.

    Images (any shape after the first axis) are compared as flat pixel
    vectors; the references are scanned in chunks to bound the memory.
    """
    q = as_array("queries", queries, ndim=(2, 3, 4))
    ref = as_array("references", references, ndim=q.ndim)
    q = q.reshape(len(q), -1).astype(np.float32)
    ref = ref.reshape(len(ref), -1).astype(np.float32)
    _same_width(q, ref, "references")
    chunk = positive_int("chunk", chunk)
    best = np.full(len(q), np.inf, dtype=np.float64)
    q_sq = np.sum(q**2, axis=1)
    for i in range(0, len(ref), chunk):
        part = ref[i : i + chunk]
        d2 = (
            q_sq[:, None]
            + np.sum(part**2, axis=1)[None, :]
            - 2 * q @ part.T
        )
        best = np.minimum(best, d2.min(axis=1))
    return np.sqrt(np.clip(best, 0, None))


def sharpness(images: object) -> np.ndarray:
    """Mean gradient magnitude of each image: ``mean(sqrt(dx² + dy²))``.

    Blurry images have weak edges and score low; real images set the
    level to compare with. Noise scores *high* too, so read it next to a
    distance to the data. Pixels in [0, 1].
    """
    x = checked_images("images", images, ndim=3).astype(np.float64)
    dx = x[:, :-1, 1:] - x[:, :-1, :-1]
    dy = x[:, 1:, :-1] - x[:, :-1, :-1]
    return np.sqrt(dx**2 + dy**2).mean(axis=(1, 2))
