"""helpers.gan.GAN: each phase moves its own network, the data range is checked, it saves whole."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from helpers.gan import GAN
from helpers.gan_networks import dense_discriminator, dense_generator
from helpers.lecture_gan import weight_change
from helpers.optimizers import FusedRMSprop
from helpers.training import resumable_fit

SHAPE = (8, 8)


def images(n=64, seed=0):
    return (
        np.random.default_rng(seed).random((n, *SHAPE)).astype("float32")
    )


def tiny_gan(prior="normal", seed=0, data_range=(0.0, 1.0)):
    return GAN(
        dense_generator(8, image_shape=SHAPE),
        dense_discriminator(image_shape=SHAPE),
        prior=prior,
        seed=seed,
        data_range=data_range,
    )


def snapshot(model):
    return [w.copy() for w in model.get_weights()]


def test_train_step_moves_each_network_in_its_own_phase():
    keras.utils.set_random_seed(0)
    model = tiny_gan()
    model.compile(
        d_optimizer=keras.optimizers.Adam(1e-3),
        g_optimizer=keras.optimizers.Adam(1e-3),
    )
    g0, d0 = snapshot(model.generator), snapshot(model.discriminator)
    # Phase 1 alone: zero the generator's learning rate and it must not move.
    model.g_optimizer.learning_rate.assign(0.0)
    model.fit(images(), batch_size=32, epochs=1, verbose=0)
    assert weight_change(model.discriminator, d0) > 0
    assert weight_change(model.generator, g0) == 0
    # Phase 2 alone.
    model.g_optimizer.learning_rate.assign(1e-3)
    model.d_optimizer.learning_rate.assign(0.0)
    g1, d1 = snapshot(model.generator), snapshot(model.discriminator)
    history = model.fit(
        images(), batch_size=32, epochs=1, verbose=0
    ).history
    assert weight_change(model.generator, g1) > 0
    assert weight_change(model.discriminator, d1) == 0
    assert set(history) == {"d_loss", "g_loss", "d_accuracy"}
    assert 0.0 <= history["d_accuracy"][0] <= 1.0


def test_compile_defaults_to_rmsprop_and_builds_both_optimizers():
    model = tiny_gan()
    model.compile()
    assert isinstance(model.d_optimizer, FusedRMSprop)
    assert isinstance(model.g_optimizer, FusedRMSprop)
    assert model.d_optimizer.built and model.g_optimizer.built
    assert model.d_optimizer is not model.g_optimizer


def test_fit_checks_the_data_range():
    model = tiny_gan()
    model.compile()
    with pytest.raises(
        ValueError, match=r"x: expected values in \[0, 1\].*divide by 255"
    ):
        model.fit(images() * 255, epochs=1, verbose=0)
    nan = images()
    nan[3, 2, 1] = np.nan
    with pytest.raises(ValueError, match="x: contains 1 NaN"):
        model.fit(nan, epochs=1, verbose=0)
    # a tf.data set is checked by its first batch
    ds = tf.data.Dataset.from_tensor_slices(images() * 2 - 1).batch(16)
    with pytest.raises(
        ValueError, match=r"x \(first batch\): expected values in \[0, 1\]"
    ):
        model.fit(ds, epochs=1, verbose=0)


def test_a_tanh_gan_takes_images_in_its_own_range():
    keras.utils.set_random_seed(0)
    model = tiny_gan(data_range=(-1.0, 1.0))
    assert model.data_range == (-1.0, 1.0)
    model.compile()
    history = model.fit(
        images() * 2 - 1, batch_size=32, epochs=1, verbose=0
    )
    assert np.isfinite(history.history["d_loss"][0])
    with pytest.raises(
        ValueError, match=r"x: expected values in \[-1, 1\]"
    ):
        model.fit(images() * 3, epochs=1, verbose=0)


def test_gan_checks_its_arguments():
    gen = dense_generator(8, image_shape=SHAPE)
    disc = dense_discriminator(image_shape=SHAPE)
    with pytest.raises(ValueError, match="prior: expected one of"):
        GAN(gen, disc, prior="cauchy")
    with pytest.raises(TypeError, match="generator: expected a Model"):
        GAN("generator", disc)
    with pytest.raises(ValueError, match="seed: expected an integer >= 0"):
        GAN(gen, disc, seed=-1)
    with pytest.raises(
        ValueError, match="data_range: expected .* low < high"
    ):
        GAN(gen, disc, data_range=(1.0, -1.0))
    with pytest.raises(TypeError, match="data_range: expected a"):
        GAN(gen, disc, data_range=1.0)
    model = GAN(gen, disc)
    opt = keras.optimizers.Adam()
    with pytest.raises(
        ValueError, match="g_optimizer: must be another object"
    ):
        model.compile(d_optimizer=opt, g_optimizer=opt)
    with pytest.raises(
        TypeError, match="d_optimizer: expected a Optimizer"
    ):
        model.compile(d_optimizer="adam")
    model.compile()
    with pytest.raises(
        ValueError, match=r"codings: expected shape \(any, 8\)"
    ):
        model.generate(np.zeros((2, 10)))
    with pytest.raises(ValueError, match="batch_size"):
        model.generate(np.zeros((2, 8)), batch_size=0)


def test_generate_is_inference_and_matches_the_generator():
    model = tiny_gan()
    z = np.random.default_rng(0).normal(size=(5, 8)).astype("float32")
    out = model.generate(z, batch_size=2)
    assert out.shape == (5, *SHAPE)
    np.testing.assert_allclose(
        out, keras.ops.convert_to_numpy(model(z)), rtol=1e-6, atol=1e-7
    )


def test_gan_checkpoint_resumes_with_both_optimizers(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("AEGAN_EXECUTED", "1")

    def make():
        keras.utils.set_random_seed(0)
        model = tiny_gan()
        model.compile(
            d_optimizer=keras.optimizers.Adam(1e-3),
            g_optimizer=keras.optimizers.Adam(1e-3),
        )
        return model

    first = make()
    resumable_fit(
        first, images(), epochs=1, batch_size=32, checkpoint_dir=tmp_path
    )
    second = make()
    log = resumable_fit(
        second, images(), epochs=1, batch_size=32, checkpoint_dir=tmp_path
    )
    assert log.resumed_from == 1
    for name in ("d_optimizer", "g_optimizer"):
        saved, restored = getattr(first, name), getattr(second, name)
        assert len(restored.variables) > 2  # iterations and the moments
        for a, b in zip(saved.variables, restored.variables):
            np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert int(second.d_optimizer.iterations.numpy()) == 2
    for a, b in zip(first.get_weights(), second.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_gan_saves_and_loads_whole(tmp_path):
    model = GAN(
        dense_generator(8, image_shape=SHAPE),
        dense_discriminator(image_shape=SHAPE),
        prior="uniform_sym",
        seed=3,
        data_range=(-1.0, 1.0),
    )
    model.compile()
    model.save(tmp_path / "gan.keras")
    loaded = keras.models.load_model(tmp_path / "gan.keras", compile=False)
    assert isinstance(loaded, GAN)
    assert loaded.prior == "uniform_sym" and loaded.seed == 3
    assert loaded.codings_size == 8 and loaded.data_range == (-1.0, 1.0)
    z = np.random.default_rng(0).normal(size=(3, 8)).astype("float32")
    np.testing.assert_allclose(
        loaded.generate(z), model.generate(z), rtol=1e-6
    )
