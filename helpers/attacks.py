"""Adversarial examples: FGSM (Goodfellow et al. 2015), PGD (Madry 2018).

FGSM takes one step of size ``eps`` in every pixel, in the direction of the
sign of the loss gradient: ``clip(x + eps * sign(grad_x J(x, y)))``. PGD
starts at a random point of the ``eps``-box around ``x`` and takes many
smaller steps, projecting back into the box after each: the stronger
attack a defence must survive. Chapter 6 shows the per-batch cores
(:func:`loss_gradient_sign`, :func:`fgsm_batch`, :func:`pgd_batch`); the
public :func:`fgsm` and :func:`pgd` check their inputs and run in batches.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks


def loss_gradient_sign(model, x, y, from_logits: bool):
    """``sign(grad_x J(model(x), y))`` for a batch, J the cross-entropy.

    ``x`` is a tensor (it is watched); labels are checked against the
    model's classes when run eagerly (inside a compiled step, values are
    not known yet).
    """
    checks.instance("model", model, keras.Model)
    if not tf.is_tensor(x):
        raise TypeError(
            f"x: expected a tensor (tf.constant(x)), got "
            f"{type(x).__name__}"
        )
    checks.boolean("from_logits", from_logits)
    checks.fits_model("x", x, model)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(
        from_logits=from_logits, reduction="sum"
    )
    with tf.GradientTape() as tape:
        tape.watch(x)
        outputs = model(x, training=False)
        if tf.executing_eagerly():
            checks.labels("y", np.asarray(y), outputs.shape[-1], len(x))
        loss = loss_fn(y, outputs)
    return tf.sign(tape.gradient(loss, x))


def fgsm_batch(model, x, y, eps, clip, from_logits, targeted=False):
    """One FGSM step; ``targeted`` steps towards class ``y`` instead."""
    eps = checks.number("eps", eps, low=0.0)
    clip = checks.value_range("clip", clip)
    checks.boolean("targeted", targeted)
    direction = -1.0 if targeted else 1.0
    step = direction * eps * loss_gradient_sign(model, x, y, from_logits)
    return tf.clip_by_value(x + step, *clip)


def pgd_batch(model, x, y, eps, steps, step_size, clip, from_logits, seed):
    """L-inf PGD: a random start in the eps-box, then projected steps."""
    eps = checks.number("eps", eps, low=0.0)
    steps = checks.positive_int("steps", steps, minimum=0)
    step_size = checks.number("step_size", step_size, low=0.0)
    clip = checks.value_range("clip", clip)
    start = tf.random.stateless_uniform(tf.shape(x), seed, -eps, eps)
    x_adv = tf.clip_by_value(x + start, *clip)
    for _ in range(steps):
        grad_sign = loss_gradient_sign(model, x_adv, y, from_logits)
        x_adv = x_adv + step_size * grad_sign
        x_adv = tf.clip_by_value(x_adv, x - eps, x + eps)  # projection
        x_adv = tf.clip_by_value(x_adv, *clip)
    return x_adv


def outputs_are_probabilities(outputs: Any, atol: float = 1e-3) -> bool:
    """True if every row is non-negative and sums to 1 (a softmax)."""
    outputs = checks.as_array("outputs", outputs, ndim=2)
    atol = checks.number("atol", atol, low=0.0)
    sums = outputs.sum(axis=-1)
    return bool(np.all(outputs >= 0) and np.allclose(sums, 1.0, atol=atol))


def _checked(model, x, y, eps, clip, batch_size, from_logits):
    checks.instance("model", model, keras.Model)
    lo, hi = checks.value_range("clip", clip)
    eps = checks.number("eps", eps, low=0.0)
    if eps > hi - lo:
        raise ValueError(
            f"eps: {eps:g} is larger than the pixel range {hi - lo:g} of "
            f"clip={clip}; for images in [0, 1] use e.g. eps=0.1 (8/255 "
            "is 0.031), not 8"
        )
    x = checks.as_array("x", x, value_range=(lo, hi)).astype(np.float32)
    checks.fits_model("x", x, model)
    batch_size = checks.positive_int("batch_size", batch_size)
    if from_logits is not None:
        checks.boolean("from_logits", from_logits)
    probe = np.asarray(model(x[:batch_size], training=False))
    if probe.ndim != 2:
        raise ValueError(
            f"model: expected class scores of shape (n, classes), got "
            f"{probe.shape}"
        )
    y = checks.labels("y", y, probe.shape[1], len(x)).astype(np.int32)
    if from_logits is None:
        from_logits = not outputs_are_probabilities(probe)
    return x, y, eps, (lo, hi), batch_size, bool(from_logits)


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
    """FGSM adversarial examples for a Keras classifier, in batches.

    ``y`` holds the true classes (untargeted: move away from them) or, with
    ``targeted=True``, the classes to move towards. ``from_logits=None``
    detects whether the model outputs probabilities or logits. ``x`` must
    lie in ``clip``, and so do the results.
    """
    checks.boolean("targeted", targeted)
    x, y, eps, clip, batch_size, from_logits = _checked(
        model, x, y, eps, clip, batch_size, from_logits
    )
    if eps == 0:
        return x.copy()
    out = np.empty_like(x)
    for i in range(0, len(x), batch_size):
        xb = tf.constant(x[i : i + batch_size])
        yb = tf.constant(y[i : i + batch_size])
        out[i : i + batch_size] = fgsm_batch(
            model, xb, yb, eps, clip, from_logits, targeted
        ).numpy()
    return out


def pgd(
    model: keras.Model,
    x: Any,
    y: Any,
    eps: float,
    steps: int = 40,
    step_size: float | None = None,
    clip: tuple[float, float] = (0.0, 1.0),
    from_logits: bool | None = None,
    batch_size: int = 256,
    seed: int = 0,
) -> np.ndarray:
    """PGD (L-inf, random start) adversarial examples, in batches.

    ``step_size`` defaults to ``2.5 * eps / steps`` (Madry et al.), so the
    steps can cross the box; each batch's random start comes from
    ``(seed, batch index)``.
    """
    steps = checks.positive_int("steps", steps)
    seed = checks.positive_int("seed", seed, minimum=0)
    if step_size is not None:
        checks.number("step_size", step_size, low=0.0)
    x, y, eps, clip, batch_size, from_logits = _checked(
        model, x, y, eps, clip, batch_size, from_logits
    )
    if step_size is None:
        step_size = 2.5 * eps / steps
    step_size = checks.number("step_size", step_size, low=0.0)
    if eps == 0:
        return x.copy()
    out = np.empty_like(x)
    for b, i in enumerate(range(0, len(x), batch_size)):
        xb = tf.constant(x[i : i + batch_size])
        yb = tf.constant(y[i : i + batch_size])
        out[i : i + batch_size] = pgd_batch(
            model,
            xb,
            yb,
            eps,
            steps,
            step_size,
            clip,
            from_logits,
            tf.constant([seed, b], tf.int32),
        ).numpy()
    return out
