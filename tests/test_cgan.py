"""helpers.cgan.ConditionalGAN: trains on (images, labels) and generates the label it is asked for."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers.cgan import ConditionalGAN
from helpers.gan import GAN
from helpers.lecture_gan import weight_change
from helpers.training import resumable_fit

SHAPE = (8, 8)
CLASSES = 3
CODINGS = 8


def images(n=64, seed=0):
    return (
        np.random.default_rng(seed).random((n, *SHAPE)).astype("float32")
    )


def labels(n=64):
    return np.arange(n) % CLASSES


def networks():
    """Small networks called as generator([codings, labels]) and discriminator([images, labels])."""
    L = keras.layers
    z, y = keras.Input((CODINGS,)), keras.Input((), dtype="int32")
    h = L.Concatenate()([z, L.Embedding(CLASSES, 4)(y)])
    h = L.Dense(SHAPE[0] * SHAPE[1], activation="sigmoid")(h)
    gen = keras.Model([z, y], L.Reshape(SHAPE)(h))
    x, y2 = keras.Input(SHAPE), keras.Input((), dtype="int32")
    h = L.Concatenate()([L.Flatten()(x), L.Embedding(CLASSES, 4)(y2)])
    disc = keras.Model([x, y2], L.Dense(1, activation="sigmoid")(h))
    return gen, disc


def tiny_cgan(seed=0):
    keras.utils.set_random_seed(seed)
    model = ConditionalGAN(*networks(), num_classes=CLASSES, seed=seed)
    model.compile()
    return model


def test_is_a_gan_with_the_number_of_classes():
    model = tiny_cgan()
    assert isinstance(model, GAN) and model.num_classes == CLASSES
    assert model.codings_size == CODINGS


def test_fit_on_image_label_pairs_moves_both_networks():
    model = tiny_cgan()
    g0 = [w.copy() for w in model.generator.get_weights()]
    d0 = [w.copy() for w in model.discriminator.get_weights()]
    history = model.fit(
        (images(), labels()), batch_size=16, epochs=1, verbose=0
    ).history
    assert set(history) == {"d_loss", "g_loss", "d_accuracy"}
    assert np.isfinite(history["d_loss"][0])
    assert weight_change(model.generator, g0) > 0
    assert weight_change(model.discriminator, d0) > 0


def test_trains_through_resumable_fit_on_a_tuple(tmp_path, monkeypatch):
    monkeypatch.setenv("AEGAN_EXECUTED", "1")
    model = tiny_cgan()
    log = resumable_fit(
        model,
        (images(), labels()),
        epochs=1,
        batch_size=16,
        checkpoint_dir=tmp_path,
        value_range=(0.0, 1.0),
    )
    assert log.epochs == 1 and np.isfinite(log.last("g_loss"))


def test_generates_per_label():
    model = tiny_cgan()
    out = model.generate(np.zeros((3, CODINGS)), labels=[0, 1, 2])
    assert out.shape == (3, *SHAPE)
    # same codings, different label, different image
    assert not np.allclose(out[0], out[1])
    with pytest.raises(
        ValueError, match="labels: this GAN is conditional"
    ):
        model.generate(np.zeros((3, CODINGS)))
    with pytest.raises(
        ValueError, match="labels: expected labels below 3"
    ):
        model.generate(np.zeros((1, CODINGS)), labels=[3])
    with pytest.raises(ValueError, match="labels: expected 3 labels"):
        model.generate(np.zeros((3, CODINGS)), labels=[0, 1])
    with pytest.raises(
        ValueError, match=r"codings: expected shape \(any, 8\)"
    ):
        model.generate(np.zeros((1, 4)), labels=[0])


def test_fit_checks_images_and_labels():
    model = tiny_cgan()
    with pytest.raises(ValueError, match="x: expected"):
        model.fit((images(), labels(), labels()), epochs=1, verbose=0)
    with pytest.raises(
        ValueError, match=r"x\[1\]: expected labels below 3"
    ):
        model.fit((images(), labels() + 1), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"x\[1\]: expected 64 labels"):
        model.fit((images(), labels(10)), epochs=1, verbose=0)
    with pytest.raises(
        ValueError, match=r"x: expected values in \[0, 1\]"
    ):
        model.fit((images() * 255, labels()), epochs=1, verbose=0)
    with pytest.raises(
        ValueError, match="num_classes: expected an integer >= 2"
    ):
        ConditionalGAN(*networks(), num_classes=1)


def test_saves_and_loads_whole(tmp_path):
    model = tiny_cgan()
    model.save(tmp_path / "cgan.keras")
    loaded = keras.models.load_model(
        tmp_path / "cgan.keras", compile=False
    )
    assert (
        isinstance(loaded, ConditionalGAN)
        and loaded.num_classes == CLASSES
    )
    z = (
        np.random.default_rng(0)
        .normal(size=(3, CODINGS))
        .astype("float32")
    )
    np.testing.assert_allclose(
        loaded.generate(z, [2, 1, 0]),
        model.generate(z, [2, 1, 0]),
        rtol=1e-6,
    )
