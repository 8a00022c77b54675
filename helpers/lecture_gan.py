"""The lecture's GAN loop: ``train_on_batch`` on each network in turn.

Keras 3 reads ``trainable`` when a model *trains*, not when it is
compiled, so the Keras 2 recipe (freeze the discriminator once, before
compiling the combined model) leaves it untrained. :func:`two_phase_step`
switches the flag before each phase, and :func:`weight_change` lets the
GAN chapter check which network each phase moved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import keras
import numpy as np
from keras import ops

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks
from helpers.priors import PRIORS, sample_codings


def two_phase_step(
    generator: keras.Model,
    discriminator: keras.Model,
    gan: keras.Model,
    real: np.ndarray,
    prior: str = "normal",
    rng: np.random.Generator | None = None,
    on_phase: Callable[[int], None] | None = None,
) -> tuple[float, float]:
    """One batch of the lecture's loop; returns ``(d_loss, g_loss)``.

    ``discriminator`` and ``gan`` (generator then discriminator) must be
    compiled; ``real`` holds images in the generator's output range,
    [0, 1] or [-1, 1] (a tanh output). ``on_phase(1)`` and
    ``on_phase(2)`` are called after each phase, for checks.
    """
    for name, model in (
        ("generator", generator),
        ("discriminator", discriminator),
        ("gan", gan),
    ):
        checks.instance(name, model, keras.Model)
    real = checks.images("real", real, value_range=(-1.0, 1.0))
    checks.fits_model("real", real, generator, "outputs")
    checks.one_of("prior", prior, PRIORS)
    if rng is not None:
        checks.instance("rng", rng, np.random.Generator)
    if on_phase is not None:
        checks.is_callable("on_phase", on_phase)
    rng = rng or np.random.default_rng()
    n, size = len(real), generator.input_shape[-1]

    def codings():
        seed = int(rng.integers(2**31))
        return ops.convert_to_numpy(sample_codings((n, size), prior, seed))

    # Phase 1: the discriminator learns real (1) from fake (0).
    fake = generator.predict_on_batch(codings())
    x = np.concatenate([fake, real])
    y = np.r_[np.zeros(n), np.ones(n)].reshape(-1, 1).astype("float32")
    discriminator.trainable = True
    d_loss = float(np.mean(discriminator.train_on_batch(x, y)))
    if on_phase:
        on_phase(1)
    # Phase 2: the generator learns to make the frozen one say "real".
    discriminator.trainable = False
    all_real = np.ones((n, 1), "float32")
    g_loss = float(np.mean(gan.train_on_batch(codings(), all_real)))
    discriminator.trainable = True
    if on_phase:
        on_phase(2)
    return d_loss, g_loss


def two_phase_epoch(
    generator: keras.Model,
    discriminator: keras.Model,
    gan: keras.Model,
    images: np.ndarray,
    batch_size: int = 32,
    prior: str = "normal",
    rng: np.random.Generator | None = None,
) -> dict[str, float]:
    """One epoch of :func:`two_phase_step`; each phase's mean loss."""
    images = checks.images("images", images)
    checks.fits_model("images", images, generator, "outputs")
    checks.one_of("prior", prior, PRIORS)
    if rng is not None:
        checks.instance("rng", rng, np.random.Generator)
    batch_size = checks.positive_int("batch_size", batch_size)
    if batch_size > len(images):
        raise ValueError(
            f"batch_size: {batch_size} is more than the {len(images)} "
            "images"
        )
    rng = rng or np.random.default_rng()
    order = rng.permutation(len(images))
    losses = [
        two_phase_step(
            generator,
            discriminator,
            gan,
            images[order[i : i + batch_size]],
            prior,
            rng,
        )
        for i in range(0, len(images) - batch_size + 1, batch_size)
    ]
    d_losses, g_losses = zip(*losses)
    return {
        "d_loss": float(np.mean(d_losses)),
        "g_loss": float(np.mean(g_losses)),
    }


def weight_change(
    model: keras.Model, before: Sequence[np.ndarray]
) -> float:
    """Largest absolute change of any weight of ``model`` since ``before``.

    Take the snapshot with ``[w.copy() for w in model.get_weights()]``.
    """
    checks.instance("model", model, keras.Model)
    now = model.get_weights()
    if not now:
        raise ValueError("model: it has no weights to compare")
    if not isinstance(before, (list, tuple)):
        raise TypeError(
            f"before: expected a list of weight arrays "
            f"(model.get_weights()), got {type(before).__name__}"
        )
    if len(before) != len(now):
        raise ValueError(
            f"before: expected a snapshot of {len(now)} weight arrays "
            f"(model.get_weights()), got {len(before)}"
        )
    for i, (a, b) in enumerate(zip(now, before)):
        checks.as_array(f"before[{i}]", b, shape=a.shape, allow_empty=True)
    return float(max(np.max(np.abs(a - b)) for a, b in zip(now, before)))
