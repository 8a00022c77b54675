"""helpers.attacks: FGSM is the formula exactly, PGD stays in its box, and both check their inputs."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers.attacks import fgsm, outputs_are_probabilities, pgd

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


def cross_entropy(model, x, y):
    p = model.predict(x, verbose=0)
    return -np.log(p[np.arange(len(y)), y])


def test_pgd_stays_in_the_box_and_raises_the_loss():
    model = linear_model(True)
    x_adv = pgd(model, X, Y, eps=0.1, steps=20, batch_size=5)
    assert x_adv.shape == X.shape and x_adv.dtype == np.float32
    assert x_adv.min() >= 0 and x_adv.max() <= 1
    assert np.abs(x_adv - X).max() <= 0.1 + 1e-6
    clean, fgsm_loss = (
        cross_entropy(model, X, Y),
        cross_entropy(model, fgsm(model, X, Y, eps=0.1), Y),
    )
    pgd_loss = cross_entropy(model, x_adv, Y)
    assert np.all(pgd_loss > clean)
    # many small steps find at least what one big step finds, on average
    assert pgd_loss.mean() >= fgsm_loss.mean() - 1e-4


def test_pgd_is_seeded():
    model = linear_model(False)
    # one small step: the random start still shows
    kwargs = dict(eps=0.1, steps=1, step_size=0.01)
    a = pgd(model, X, Y, seed=3, **kwargs)
    np.testing.assert_array_equal(a, pgd(model, X, Y, seed=3, **kwargs))
    assert not np.array_equal(a, pgd(model, X, Y, seed=4, **kwargs))
    np.testing.assert_array_equal(pgd(model, X, Y, eps=0.0), X)


@pytest.mark.parametrize("attack", [fgsm, pgd])
@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (
            dict(eps=-0.1),
            ValueError,
            r"eps: expected a number in \[0, inf\]",
        ),
        (
            dict(eps=float("nan")),
            ValueError,
            "eps: expected a finite number",
        ),
        (
            dict(eps=8),
            ValueError,
            "eps: 8 is larger than the pixel range 1",
        ),
        (dict(eps="0.1"), TypeError, "eps: expected a number"),
        (dict(y=Y[:5]), ValueError, "y: expected 16 labels"),
        (dict(y=Y + 3), ValueError, "y: expected labels below 3"),
        (
            dict(y=Y + 0.5),
            ValueError,
            "y: expected whole-number class labels",
        ),
        (dict(x=X * 3), ValueError, r"x: expected values in \[0, 1\]"),
        (
            dict(clip=(1.0, 0.0)),
            ValueError,
            "clip: expected .* low < high",
        ),
        (
            dict(batch_size=0),
            ValueError,
            "batch_size: expected an integer >= 1",
        ),
        (dict(model="model"), TypeError, "model: expected a Model"),
    ],
)
def test_bad_input(attack, kwargs, error, match):
    args = dict(model=linear_model(True), x=X, y=Y, eps=0.1)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        attack(**args)


def test_float_labels_that_are_whole_numbers_are_accepted():
    np.testing.assert_array_equal(
        fgsm(linear_model(True), X, Y.astype(float), eps=0.1),
        fgsm(linear_model(True), X, Y, eps=0.1),
    )


def test_other_pixel_ranges():
    x = X * 2 - 1  # images in [-1, 1]
    x_adv = fgsm(linear_model(False), x, Y, eps=0.5, clip=(-1.0, 1.0))
    assert x_adv.min() >= -1 and x_adv.max() <= 1
    with pytest.raises(ValueError, match="pixel range 2"):
        fgsm(linear_model(False), x, Y, eps=3, clip=(-1.0, 1.0))


def test_targeted_must_be_a_boolean_and_steps_positive():
    with pytest.raises(
        TypeError, match="targeted: expected True or False"
    ):
        fgsm(linear_model(True), X, Y, eps=0.1, targeted="yes")
    with pytest.raises(
        ValueError, match="steps: expected an integer >= 1"
    ):
        pgd(linear_model(True), X, Y, eps=0.1, steps=0)
    with pytest.raises(
        ValueError, match="step_size: expected a number in"
    ):
        pgd(linear_model(True), X, Y, eps=0.1, step_size=-1.0)


def test_a_model_without_class_scores_is_refused():
    flat = keras.Sequential(
        [keras.Input((6,)), keras.layers.Reshape((2, 3))]
    )
    with pytest.raises(
        ValueError,
        match=r"model: expected class scores of shape \(n, classes\)",
    ):
        fgsm(flat, X, Y, eps=0.1)
