"""Adversarial examples: the fast gradient sign method (Goodfellow, Shlens
& Szegedy 2015).

``x_adv = clip(x + eps * sign(grad_x J(theta, x, y)))``: one step, of size
``eps`` in every pixel, in the direction that increases the classifier's
loss the fastest under an L-inf budget. The targeted variant steps
*against* the gradient of the loss of a chosen class. Taught in the
adversarial-examples chapter, which shows this source.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers.checks import as_array, positive_int


def outputs_are_probabilities(
    outputs: np.ndarray, atol: float = 1e-3
) -> bool:
    """True if every row is non-negative and sums to 1 (a softmax), False
    for logits.
    """
    outputs = np.asarray(outputs)
    return bool(
        np.all(outputs >= 0)
        and np.allclose(outputs.sum(axis=-1), 1.0, atol=atol)
    )


def fgsm(
    model: keras.Model,
    x: Any,
    y: Any,
    eps: float,
    clip: tuple[float, float] = (0.0, 1.0),
    targeted: bool = False,
    from_logits: bool | None = None,
    batch_size: int = 256,
) -> np.ndarray:
    """Fast gradient sign method for a Keras classifier; returns the
    adversarial batch.

    ``y`` holds integer labels: the true classes (untargeted: move away
    from them) or, with ``targeted=True``, the classes to move towards.
    ``from_logits=None`` detects whether the model outputs probabilities
    (rows summing to 1) or logits. Pixels are clipped to ``clip``, which
    ``x`` must already respect.
    """
    if not np.isscalar(eps) or not np.isfinite(eps) or eps < 0:
        raise ValueError(f"eps: expected a number >= 0, got {eps!r}")
    lo, hi = clip
    if not lo < hi:
        raise ValueError(
            f"clip: expected (low, high) with low < high, got {clip}"
        )
    x = as_array("x", x, value_range=(lo, hi)).astype(np.float32)
    y = as_array("y", y, ndim=1)
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"y: expected integer class labels, got dtype {y.dtype}"
        )
    if len(x) != len(y):
        raise ValueError(
            f"y: expected one label per image, got {len(y)} labels for "
            f"{len(x)} images"
        )
    batch_size = positive_int("batch_size", batch_size)
    if eps == 0:
        return x.copy()
    if from_logits is None:
        from_logits = not outputs_are_probabilities(
            model(x[:batch_size], training=False)
        )
    loss_fn = keras.losses.SparseCategoricalCrossentropy(
        from_logits=from_logits, reduction="sum"
    )
    direction = -1.0 if targeted else 1.0
    out = np.empty_like(x)
    for start in range(0, len(x), batch_size):
        xb = tf.convert_to_tensor(x[start : start + batch_size])
        yb = tf.convert_to_tensor(y[start : start + batch_size])
        with tf.GradientTape() as tape:
            tape.watch(xb)
            loss = loss_fn(yb, model(xb, training=False))
        grad = tape.gradient(loss, xb)
        out[start : start + batch_size] = np.clip(
            xb.numpy() + direction * eps * np.sign(grad.numpy()), lo, hi
        )
    return out
