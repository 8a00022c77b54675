"""helpers.wgan: the gradient penalty's value, the n_critic rhythm, exact resume."""

from __future__ import annotations

import warnings

import keras
import numpy as np
import pytest

from helpers import training
from helpers.gan import GAN
from helpers.gan_networks import dense_discriminator, dense_generator
from helpers.training import resumable_fit
from helpers.wgan import WGANGP, gradient_penalty

SHAPE = (8, 8)
CODINGS = 8


def images(n=48, seed=0):
    return (
        np.random.default_rng(seed).random((n, *SHAPE)).astype("float32")
    )


def linear_critic(norm):
    """``critic(x) = w . x + b`` with ``|w| = norm``: gradient norm ``norm``."""
    critic = keras.Sequential(
        [keras.Input(SHAPE), keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    w = np.random.default_rng(1).normal(size=(SHAPE[0] * SHAPE[1], 1))
    critic.layers[-1].kernel.assign(norm * w / np.linalg.norm(w))
    critic.layers[-1].bias.assign([0.7])
    return critic


def tiny_wgan(n_critic=2, gp_weight=10.0, seed=0):
    keras.utils.set_random_seed(seed)
    model = WGANGP(
        dense_generator(CODINGS, image_shape=SHAPE),
        dense_discriminator(image_shape=SHAPE, output_activation=None),
        n_critic=n_critic,
        gp_weight=gp_weight,
        seed=seed,
    )
    model.compile()
    return model


def state(model):
    """Weights (the step counter too), seed states, both optimizers."""
    out = [*model.weights, *training.seed_states(model)]
    for opt in (model.d_optimizer, model.g_optimizer):
        assert len(opt.variables) > 2  # iterations, rate and moments
        out += opt.variables
    return out


def assert_same_state(a, b):
    va, vb = state(a), state(b)
    assert len(va) == len(vb)
    for x, y in zip(va, vb):
        np.testing.assert_array_equal(x.numpy(), y.numpy(), err_msg=x.path)


def loud(caught):
    """Recorded warnings, less TensorFlow's NumPy 2 deprecation notes."""
    return [
        str(w.message)
        for w in caught
        if not issubclass(w.category, DeprecationWarning)
    ]


def test_penalty_vanishes_for_a_unit_gradient_critic():
    real, fake = images(16, 1), images(16, 2)
    seeds = keras.random.SeedGenerator(0)
    gp = gradient_penalty(linear_critic(1.0), real, fake, seeds)
    assert abs(float(gp)) < 1e-6


def test_penalty_is_weight_times_squared_excess_norm_per_image():
    real, fake = images(16, 1), images(16, 2)
    seeds = keras.random.SeedGenerator(0)
    # gradient norm 3 for every image: 10 * (3 - 1)^2, whatever the
    # interpolates; a norm over the whole batch would give far more
    gp = gradient_penalty(linear_critic(3.0), real, fake, seeds)
    np.testing.assert_allclose(float(gp), 40.0, rtol=1e-4)
    gp = gradient_penalty(linear_critic(0.5), real, fake, seeds, 2.0)
    np.testing.assert_allclose(float(gp), 2.0 * 0.25, rtol=1e-4)
    gp = gradient_penalty(linear_critic(3.0), real, fake, seeds, 0.0)
    assert float(gp) == 0.0


def test_penalty_of_a_nonlinear_critic_is_positive_and_uses_the_seed():
    keras.utils.set_random_seed(0)
    critic = dense_discriminator(image_shape=SHAPE, output_activation=None)
    real, fake = images(16, 1), images(16, 2)

    def gp(seed):
        g = gradient_penalty(
            critic, real, fake, keras.random.SeedGenerator(seed)
        )
        return float(g)

    assert gp(0) > 0 and np.isfinite(gp(0))
    assert gp(0) == gp(0)  # the same interpolates from the same seed
    assert gp(0) != gp(1)


def test_compile_defaults_to_gulrajanis_adam():
    model = tiny_wgan()
    assert isinstance(model, GAN)
    for opt in (model.d_optimizer, model.g_optimizer):
        assert isinstance(opt, keras.optimizers.Adam) and opt.built
        assert float(opt.learning_rate) == pytest.approx(1e-4)
        assert opt.beta_1 == 0.0 and opt.beta_2 == 0.9
    assert model.d_optimizer is not model.g_optimizer


def test_generator_steps_once_every_n_critic_steps(tmp_path, monkeypatch):
    monkeypatch.setenv("AEGAN_EXECUTED", "1")
    model = tiny_wgan(n_critic=3)
    g0 = [w.copy() for w in model.generator.get_weights()]
    log = resumable_fit(
        model, images(), epochs=1, batch_size=8, checkpoint_dir=tmp_path
    )  # 6 critic steps
    assert set(log.history) == {
        "critic_loss",
        "g_loss",
        "gp",
        "w_distance",
        "epoch_seconds",
    }
    for key in ("critic_loss", "g_loss", "gp", "w_distance"):
        assert np.isfinite(log.last(key)), key
    assert log.last("gp") >= 0
    assert int(model.d_optimizer.iterations.numpy()) == 6
    assert int(model.g_optimizer.iterations.numpy()) == 2
    assert int(model.step.numpy()) == 6
    moved = [
        np.abs(a - b).max()
        for a, b in zip(model.generator.get_weights(), g0)
    ]
    assert max(moved) > 0


def test_resume_restores_both_optimizers_and_the_step(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("AEGAN_EXECUTED", "1")
    first = tiny_wgan()
    resumable_fit(
        first, images(), epochs=1, batch_size=16, checkpoint_dir=tmp_path
    )
    assert int(first.step.numpy()) == 3
    second = tiny_wgan(seed=5)  # other weights and seeds: all restored
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        log = resumable_fit(
            second,
            images(),
            epochs=1,
            batch_size=16,
            checkpoint_dir=tmp_path,
        )
    assert loud(caught) == []
    assert log.resumed_from == 1
    assert int(second.step.numpy()) == 3
    assert int(second.g_optimizer.iterations.numpy()) == 1
    assert_same_state(first, second)


def test_resumed_run_equals_the_uninterrupted_one(tmp_path, monkeypatch):
    """3 batches an epoch, a generator step every 2: the phase carries."""
    monkeypatch.setenv("AEGAN_EXECUTED", "1")

    def fit(model, folder, epochs):
        return resumable_fit(
            model,
            images(),
            epochs=epochs,
            batch_size=16,
            checkpoint_dir=tmp_path / folder,
        )

    full = tiny_wgan()
    full_log = fit(full, "full", 2)
    fit(tiny_wgan(), "cut", 1)
    resumed = tiny_wgan(seed=5)
    log = fit(resumed, "cut", 2)
    assert log.resumed_from == 1 and log.epochs == 2
    assert int(resumed.g_optimizer.iterations.numpy()) == 3
    assert_same_state(resumed, full)
    # a reported loss may differ in its last bit, even between two
    # uninterrupted runs; the state above is exact
    for key in ("critic_loss", "g_loss", "gp", "w_distance"):
        np.testing.assert_allclose(
            log.history[key], full_log.history[key], rtol=1e-6, err_msg=key
        )


def test_saves_and_loads_whole(tmp_path):
    model = tiny_wgan(n_critic=3, gp_weight=5.0, seed=4)
    model.save(tmp_path / "wgan.keras")
    loaded = keras.models.load_model(
        tmp_path / "wgan.keras", compile=False
    )
    assert isinstance(loaded, WGANGP)
    assert loaded.n_critic == 3 and loaded.gp_weight == 5.0
    assert loaded.seed == 4 and loaded.codings_size == CODINGS
    z = (
        np.random.default_rng(0)
        .normal(size=(3, CODINGS))
        .astype("float32")
    )
    np.testing.assert_allclose(
        loaded.generate(z), model.generate(z), rtol=1e-6
    )
    x = images(4)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loaded.discriminator(x)),
        keras.ops.convert_to_numpy(model.discriminator(x)),
        rtol=1e-6,
    )
