"""Where a generator's input comes from: a named prior over its codings.

The course's students compared normal, uniform and Weibull codings; the GAN
chapter adds the controls that separate a prior's centre from its scale.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks

PRIORS: tuple[str, ...] = (
    "normal",  # N(0, 1)
    "uniform",  # U(0, 1), NumPy's default, which the students used
    "uniform_sym",  # U(-1, 1)
    "uniform_centred",  # U(-0.5, 0.5): U(0, 1)'s scale, centred
    "uniform_wide",  # U(0, 2): U(-1, 1)'s scale, not centred
    "weibull",  # Weibull(k = 1.5, scale 1): non-negative, skewed
)
WEIBULL_SHAPE = 1.5


def sample_codings(
    shape: tuple[int, ...], prior: str = "normal", seed: Any = None
):
    """Codings of ``shape`` drawn from ``prior``, as a tensor.

    ``seed`` is an int or a ``keras.random.SeedGenerator``. The Weibull
    draw inverts its CDF: ``(-log(1 - u)) ** (1 / k)``.
    """
    checks.one_of("prior", prior, PRIORS)
    if not isinstance(shape, (tuple, list)) or not shape:
        raise TypeError(f"shape: expected a tuple of sizes, got {shape!r}")
    for i, size in enumerate(shape):
        if not hasattr(size, "shape"):  # a tensor inside a compiled step
            checks.positive_int(f"shape[{i}]", size)
    if seed is not None and not isinstance(
        seed, keras.random.SeedGenerator
    ):
        checks.positive_int("seed", seed, minimum=0)
    if prior == "normal":
        return keras.random.normal(shape, seed=seed)
    if prior == "weibull":
        u = keras.random.uniform(shape, 0.0, 1.0 - 1e-7, seed=seed)
        return ops.power(-ops.log1p(-u), 1.0 / WEIBULL_SHAPE)
    low, high = {
        "uniform": (0.0, 1.0),
        "uniform_sym": (-1.0, 1.0),
        "uniform_centred": (-0.5, 0.5),
        "uniform_wide": (0.0, 2.0),
    }[prior]
    return keras.random.uniform(shape, low, high, seed=seed)
