"""helpers.lecture_gan: the lecture's train_on_batch loop moves the right network in each phase."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers.gan_networks import dense_discriminator, dense_generator
from helpers.lecture_gan import (
    two_phase_epoch,
    two_phase_step,
    weight_change,
)

SHAPE = (
    8,
    8,
)  # small images: the loop's logic does not depend on the size


def images(n=64, seed=0):
    return (
        np.random.default_rng(seed).random((n, *SHAPE)).astype("float32")
    )


def lecture_models():
    """Generator, discriminator and combined model, compiled as in the lecture's loop."""
    gen = dense_generator(8, image_shape=SHAPE)
    disc = dense_discriminator(image_shape=SHAPE)
    disc.compile(loss="binary_crossentropy", optimizer="rmsprop")
    gan = keras.Sequential([gen, disc])
    gan.compile(loss="binary_crossentropy", optimizer="rmsprop")
    return gen, disc, gan


def snapshot(model):
    return [w.copy() for w in model.get_weights()]


def test_naive_keras2_freezing_leaves_the_discriminator_untrained():
    """The failure the chapter explains: freeze before compiling the combined model, never unfreeze."""
    keras.utils.set_random_seed(0)
    gen = dense_generator(8, image_shape=SHAPE)
    disc = dense_discriminator(image_shape=SHAPE)
    disc.compile(loss="binary_crossentropy", optimizer="rmsprop")
    disc.trainable = False
    gan = keras.Sequential([gen, disc])
    gan.compile(loss="binary_crossentropy", optimizer="rmsprop")
    before = snapshot(disc)
    fake = gen.predict_on_batch(np.random.normal(size=(8, 8)))
    x = np.concatenate([fake, images(8)])
    with pytest.warns(
        UserWarning, match="does not have any trainable weights"
    ):
        disc.train_on_batch(
            x, np.r_[np.zeros(8), np.ones(8)].reshape(-1, 1)
        )
    assert weight_change(disc, before) == 0.0


def test_two_phase_step_moves_only_the_network_of_each_phase():
    keras.utils.set_random_seed(1)
    gen, disc, gan = lecture_models()
    moved = {}
    snap = {"g": snapshot(gen), "d": snapshot(disc)}

    def check(phase):
        moved[phase] = (
            weight_change(gen, snap["g"]),
            weight_change(disc, snap["d"]),
        )
        snap.update(g=snapshot(gen), d=snapshot(disc))

    d_loss, g_loss = two_phase_step(
        gen,
        disc,
        gan,
        images(16),
        rng=np.random.default_rng(0),
        on_phase=check,
    )
    assert (
        moved[1][0] == 0 and moved[1][1] > 0
    )  # phase 1: discriminator only
    assert moved[2][0] > 0 and moved[2][1] == 0  # phase 2: generator only
    assert np.isfinite(d_loss) and np.isfinite(g_loss)
    assert disc.trainable  # left ready for the next phase 1


@pytest.mark.parametrize("prior", ["normal", "uniform_wide", "weibull"])
def test_two_phase_epoch_trains_both_networks(prior):
    keras.utils.set_random_seed(0)
    gen, disc, gan = lecture_models()
    g0, d0 = snapshot(gen), snapshot(disc)
    losses = two_phase_epoch(
        gen,
        disc,
        gan,
        images(64),
        batch_size=32,
        prior=prior,
        rng=np.random.default_rng(0),
    )
    assert set(losses) == {"d_loss", "g_loss"}
    assert all(np.isfinite(list(losses.values())))
    assert weight_change(gen, g0) > 0 and weight_change(disc, d0) > 0
    assert disc.trainable


def test_two_phase_epoch_is_seeded_by_its_rng():
    def run():
        keras.utils.set_random_seed(0)
        gen, disc, gan = lecture_models()
        losses = two_phase_epoch(
            gen, disc, gan, images(64), 32, rng=np.random.default_rng(5)
        )
        return losses, gen.get_weights()

    (a, wa), (b, wb) = run(), run()
    assert a == b
    for x, y in zip(wa, wb):
        np.testing.assert_array_equal(x, y)


def test_weight_change_is_the_largest_absolute_change():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    before = snapshot(model)
    assert weight_change(model, before) == 0.0
    kernel, bias = model.get_weights()
    kernel[1, 2] -= 0.75
    bias[0] += 0.25
    model.set_weights([kernel, bias])
    assert np.isclose(weight_change(model, before), 0.75)


def test_bad_arguments():
    gen, disc, gan = lecture_models()
    with pytest.raises(
        ValueError, match="batch_size: 100 is more than the 64"
    ):
        two_phase_epoch(gen, disc, gan, images(64), batch_size=100)
    with pytest.raises(
        ValueError, match=r"images: expected values in \[0, 1\]"
    ):
        two_phase_epoch(gen, disc, gan, images(64) * 255)
    with pytest.raises(
        ValueError, match=r"real: expected values in \[-1, 1\]"
    ):
        two_phase_step(gen, disc, gan, images(4) * 255)
    with pytest.raises(
        ValueError, match="before: expected a snapshot of 6"
    ):
        weight_change(gen, snapshot(gen)[:2])
    with pytest.raises(ValueError, match=r"before\[0\]: expected shape"):
        weight_change(gen, [np.zeros(1)] + snapshot(gen)[1:])
    with pytest.raises(TypeError, match="model: expected a Model"):
        weight_change("generator", [])
