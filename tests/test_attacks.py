"""helpers.attacks.fgsm: the formula exactly, clipping, the L-inf budget, and input checks."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers.attacks import fgsm, outputs_are_probabilities

RNG = np.random.default_rng(0)
W = RNG.normal(size=(6, 3)).astype("float32")
X = RNG.uniform(0.2, 0.8, size=(16, 6)).astype("float32")
Y = RNG.integers(0, 3, size=16)


def linear_model(softmax: bool) -> keras.Model:
    """logits = x @ W (no bias), so grad_x of the cross-entropy is (softmax - onehot) @ W.T."""
    model = keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(
                3,
                use_bias=False,
                activation="softmax" if softmax else None,
            ),
        ]
    )
    model.layers[0].kernel.assign(W)
    return model


def expected(x, y, eps, targeted=False):
    z = x @ W
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    grad = (p - np.eye(3)[y]) @ W.T
    step = -1 if targeted else 1
    return np.clip(x + step * eps * np.sign(grad), 0, 1)


@pytest.mark.parametrize("softmax", [True, False])
def test_equals_the_formula(softmax):
    x_adv = fgsm(linear_model(softmax), X, Y, eps=0.1, batch_size=5)
    np.testing.assert_allclose(x_adv, expected(X, Y, 0.1), atol=1e-6)


def test_targeted_steps_against_the_target_gradient():
    target = (Y + 1) % 3
    model = linear_model(True)
    x_adv = fgsm(model, X, target, eps=0.1, targeted=True)
    np.testing.assert_allclose(
        x_adv, expected(X, target, 0.1, targeted=True), atol=1e-6
    )
    before = model.predict(X, verbose=0)[np.arange(16), target]
    after = model.predict(x_adv, verbose=0)[np.arange(16), target]
    assert np.all(after > before)


def test_eps_zero_returns_x():
    np.testing.assert_array_equal(
        fgsm(linear_model(True), X, Y, eps=0.0), X
    )


def test_stays_in_range_and_uses_the_whole_budget():
    x = RNG.uniform(0, 1, size=(64, 6)).astype("float32")
    y = RNG.integers(0, 3, size=64)
    x_adv = fgsm(linear_model(False), x, y, eps=0.3)
    assert x_adv.min() >= 0 and x_adv.max() <= 1
    delta = np.abs(x_adv - x)
    unclipped = (x_adv > 0) & (x_adv < 1)
    np.testing.assert_allclose(
        delta[unclipped], 0.3, atol=1e-6
    )  # L-inf budget exactly eps
    assert delta.max() <= 0.3 + 1e-6


def test_detects_probabilities_and_logits():
    assert outputs_are_probabilities(np.array([[0.2, 0.8], [1.0, 0.0]]))
    assert not outputs_are_probabilities(np.array([[2.0, -1.0]]))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(eps=-0.1), "eps: expected a number >= 0"),
        (dict(eps=float("nan")), "eps"),
        (dict(y=Y[:5]), "y: expected one label per image"),
        (dict(x=X * 3), r"x: expected values in \[0.0, 1.0\]"),
        (dict(y=Y.astype(float)), "y: expected integer class labels"),
        (dict(clip=(1.0, 0.0)), "clip"),
    ],
)
def test_bad_input(kwargs, match):
    args = dict(model=linear_model(True), x=X, y=Y, eps=0.1)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        fgsm(**args)
