"""helpers.gan: priors, the lecture's loop and the compiled trainer each move the right weights."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import ops

from helpers import gan as G
from helpers.training import resumable_fit


def _images(n=256, seed=0):
    return (
        np.random.default_rng(seed).random((n, 28, 28)).astype("float32")
    )


def _lecture_models():
    """The lecture's generator, discriminator and combined model, compiled as in its loop."""
    gen, disc = G.dense_generator(), G.dense_discriminator()
    disc.compile(loss="binary_crossentropy", optimizer="rmsprop")
    gan = keras.Sequential([gen, disc])
    gan.compile(loss="binary_crossentropy", optimizer="rmsprop")
    return gen, disc, gan


def _snapshot(model):
    return [w.copy() for w in model.get_weights()]


@pytest.mark.parametrize(
    "prior,mean,lo,hi",
    [
        ("normal", 0.0, -np.inf, np.inf),
        ("uniform", 0.5, 0.0, 1.0),
        ("uniform_sym", 0.0, -1.0, 1.0),
        ("weibull", 0.9027, 0.0, np.inf),  # Gamma(1 + 1/1.5)
    ],
)
def test_priors_have_their_mean_and_support(prior, mean, lo, hi):
    z = ops.convert_to_numpy(G.sample_codings((100_000, 3), prior, seed=1))
    assert z.shape == (100_000, 3)
    assert abs(z.mean() - mean) < 0.01
    assert z.min() >= lo and z.max() <= hi


def test_priors_are_seeded_and_names_checked():
    a = ops.convert_to_numpy(G.sample_codings((4, 2), "weibull", seed=3))
    b = ops.convert_to_numpy(G.sample_codings((4, 2), "weibull", seed=3))
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="prior: expected one of"):
        G.sample_codings((2, 2), "gamma")


def test_lecture_models_have_the_lecture_sizes():
    gen, disc = G.dense_generator(30), G.dense_discriminator()
    assert [
        layer.units for layer in gen.layers if hasattr(layer, "units")
    ] == [100, 150, 784]
    assert [
        layer.units for layer in disc.layers if hasattr(layer, "units")
    ] == [150, 100, 1]
    assert gen.output_shape == (None, 28, 28) and disc.output_shape == (
        None,
        1,
    )


def test_naive_keras2_freezing_leaves_the_discriminator_untrained():
    """The failure the chapter explains: freeze before compiling the combined model, never unfreeze."""
    keras.utils.set_random_seed(0)
    gen, disc = G.dense_generator(), G.dense_discriminator()
    disc.compile(loss="binary_crossentropy", optimizer="rmsprop")
    disc.trainable = False
    gan = keras.Sequential([gen, disc])
    gan.compile(loss="binary_crossentropy", optimizer="rmsprop")
    before = _snapshot(disc)
    x = np.concatenate(
        [gen.predict_on_batch(np.random.normal(size=(8, 30))), _images(8)]
    )
    with pytest.warns(
        UserWarning, match="does not have any trainable weights"
    ):
        disc.train_on_batch(
            x, np.r_[np.zeros(8), np.ones(8)].reshape(-1, 1)
        )
    assert G.weight_change(disc, before) == 0.0


def test_two_phase_epoch_trains_both_networks():
    keras.utils.set_random_seed(0)
    gen, disc, gan = _lecture_models()
    g0, d0 = _snapshot(gen), _snapshot(disc)
    losses = G.two_phase_epoch(
        gen,
        disc,
        gan,
        _images(128),
        batch_size=32,
        rng=np.random.default_rng(0),
    )
    assert set(losses) == {"d_loss", "g_loss"} and all(
        np.isfinite(list(losses.values()))
    )
    assert G.weight_change(gen, g0) > 0 and G.weight_change(disc, d0) > 0
    assert disc.trainable  # left ready for the next phase 1


def test_gan_train_step_moves_each_network_in_its_own_phase():
    keras.utils.set_random_seed(0)
    model = G.GAN(G.dense_generator(), G.dense_discriminator(), seed=0)
    model.compile(
        d_optimizer=keras.optimizers.Adam(1e-3),
        g_optimizer=keras.optimizers.Adam(1e-3),
    )
    g0, d0 = _snapshot(model.generator), _snapshot(model.discriminator)
    # Phase 1 alone: zero the generator's learning rate and it must not move.
    model.g_optimizer.learning_rate.assign(0.0)
    model.fit(_images(64), batch_size=32, epochs=1, verbose=0)
    assert (
        G.weight_change(model.discriminator, d0) > 0
        and G.weight_change(model.generator, g0) == 0
    )
    # Phase 2 alone.
    model.g_optimizer.learning_rate.assign(1e-3)
    model.d_optimizer.learning_rate.assign(0.0)
    g1, d1 = _snapshot(model.generator), _snapshot(model.discriminator)
    history = model.fit(
        _images(64), batch_size=32, epochs=1, verbose=0
    ).history
    assert (
        G.weight_change(model.generator, g1) > 0
        and G.weight_change(model.discriminator, d1) == 0
    )
    assert set(history) == {"d_loss", "g_loss", "d_accuracy"}
    assert 0.0 <= history["d_accuracy"][0] <= 1.0


def test_gan_checks_its_arguments():
    gen, disc = G.dense_generator(), G.dense_discriminator()
    with pytest.raises(ValueError, match="prior: expected one of"):
        G.GAN(gen, disc, prior="cauchy")
    model = G.GAN(gen, disc)
    opt = keras.optimizers.Adam()
    with pytest.raises(
        ValueError, match="g_optimizer: must be a different object"
    ):
        model.compile(d_optimizer=opt, g_optimizer=opt)
    model.compile()
    with pytest.raises(
        ValueError, match=r"codings: expected shape \(any, 30\)"
    ):
        model.generate(np.zeros((2, 10)))


def _conditional(num_classes=3, codings=8):
    z, y = keras.Input((codings,)), keras.Input((), dtype="int32")
    h = keras.layers.Concatenate()(
        [z, keras.layers.Embedding(num_classes, 4)(y)]
    )
    gen = keras.Model(
        [z, y],
        keras.layers.Reshape((28, 28))(
            keras.layers.Dense(784, activation="sigmoid")(h)
        ),
    )
    x, y2 = keras.Input((28, 28)), keras.Input((), dtype="int32")
    h = keras.layers.Concatenate()(
        [
            keras.layers.Flatten()(x),
            keras.layers.Embedding(num_classes, 4)(y2),
        ]
    )
    disc = keras.Model(
        [x, y2], keras.layers.Dense(1, activation="sigmoid")(h)
    )
    return G.GAN(gen, disc, num_classes=num_classes, seed=0)


def test_conditional_gan_trains_on_pairs_and_generates_per_label():
    keras.utils.set_random_seed(0)
    model = _conditional()
    model.compile()
    labels = np.arange(64) % 3
    model.fit(
        G.image_dataset(_images(64), labels, batch_size=16),
        epochs=1,
        verbose=0,
        shuffle=False,
    )
    images = model.generate(np.zeros((3, 8)), labels=[0, 1, 2])
    assert images.shape == (3, 28, 28)
    assert not np.allclose(
        images[0], images[1]
    )  # same codings, different label, different image
    with pytest.raises(
        ValueError, match="labels: this GAN is conditional"
    ):
        model.generate(np.zeros((3, 8)))
    with pytest.raises(ValueError, match="labels: expected values in"):
        model.generate(np.zeros((1, 8)), labels=[3])


def test_gan_checkpoint_resumes_with_both_optimizers(tmp_path):
    keras.utils.set_random_seed(0)
    ds = G.image_dataset(_images(64), batch_size=32)

    def make():
        model = G.GAN(G.dense_generator(), G.dense_discriminator(), seed=0)
        model.compile(
            d_optimizer=keras.optimizers.Adam(1e-3),
            g_optimizer=keras.optimizers.Adam(1e-3),
        )
        return model

    first = make()
    resumable_fit(first, ds, epochs=1, checkpoint_dir=tmp_path, verbose=0)
    second = make()
    log = resumable_fit(
        second, ds, epochs=1, checkpoint_dir=tmp_path, verbose=0
    )
    assert log.resumed_from == 1
    for a, b in zip(
        first.d_optimizer.variables + first.g_optimizer.variables,
        second.d_optimizer.variables + second.g_optimizer.variables,
    ):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    np.testing.assert_array_equal(
        first.generator.get_weights()[0], second.generator.get_weights()[0]
    )


def test_sample_and_score_histories_survive_a_resume(tmp_path):
    keras.utils.set_random_seed(0)
    ds = G.image_dataset(_images(64), batch_size=32)
    codings = np.zeros((4, 30), "float32")

    def score(images):
        return {
            "mean": float(images.mean()),
            "histogram": np.array([1, 2]),
        }

    def train(epochs):
        model = G.GAN(G.dense_generator(), G.dense_discriminator(), seed=0)
        model.compile()
        callbacks = [
            G.SampleHistory(tmp_path, codings),
            G.ScoreHistory(score, tmp_path, n=8),
        ]
        return resumable_fit(
            model,
            ds,
            epochs=epochs,
            checkpoint_dir=tmp_path,
            verbose=0,
            callbacks=callbacks,
        )

    train(1)
    log = train(2)
    assert log.resumed_from == 1 and len(log.history["mean"]) == 2
    grids = G.SampleHistory.load(tmp_path)
    assert sorted(grids) == [0, 1, 2] and grids[2].shape == (4, 28, 28)
    assert 0.0 <= grids[2].min() and grids[2].max() <= 1.0
    assert G.ScoreHistory.load(tmp_path) == {
        1: {"histogram": [1, 2]},
        2: {"histogram": [1, 2]},
    }


def test_image_dataset_batches_and_checks():
    ds = G.image_dataset(_images(70), batch_size=32)
    assert [b.shape[0] for b in ds] == [32, 32]
    with pytest.raises(ValueError, match=r"labels: expected shape \(70\)"):
        G.image_dataset(_images(70), np.zeros(3))


def test_two_phase_step_moves_only_the_network_of_each_phase():
    keras.utils.set_random_seed(1)
    gen, disc, gan = _lecture_models()
    moved = {}
    snap = {"g": _snapshot(gen), "d": _snapshot(disc)}

    def check(phase):
        moved[phase] = (
            G.weight_change(gen, snap["g"]),
            G.weight_change(disc, snap["d"]),
        )
        snap.update(g=_snapshot(gen), d=_snapshot(disc))

    G.two_phase_step(gen, disc, gan, _images(16), on_phase=check)
    assert (
        moved[1][0] == 0 and moved[1][1] > 0
    )  # phase 1: discriminator only
    assert moved[2][0] > 0 and moved[2][1] == 0  # phase 2: generator only


@pytest.mark.parametrize("num_classes", [None, 10])
def test_dcgan_networks_follow_the_guidelines(num_classes):
    gen = G.dcgan_generator(
        codings_size=16, width=8, num_classes=num_classes
    )
    disc = G.dcgan_discriminator(width=8, num_classes=num_classes)
    kinds = [type(layer).__name__ for layer in gen.layers + disc.layers]
    assert (
        "MaxPooling2D" not in kinds and "AveragePooling2D" not in kinds
    )  # strided convolutions only
    assert (
        kinds.count("Conv2DTranspose") == 2 and kinds.count("Conv2D") == 2
    )
    assert (
        kinds.count("BatchNormalization") == 3
    )  # both networks; not on G's output or D's input
    assert gen.layers[-2].activation.__name__ == "tanh"
    assert any(
        type(layer).__name__ == "LeakyReLU"
        and np.isclose(layer.negative_slope, 0.2)
        for layer in disc.layers
    )
    dense_in_d = [
        layer for layer in disc.layers if type(layer).__name__ == "Dense"
    ]
    assert (
        len(dense_in_d) == 1 and dense_in_d[0].units == 1
    )  # no dense hidden layer
    stds = [
        float(np.std(w))
        for w in gen.get_weights()
        if w.ndim > 1 and w.size > 500
    ]
    assert all(0.015 < s < 0.025 for s in stds)  # N(0, 0.02)
    z = np.random.default_rng(0).normal(size=(3, 16)).astype("float32")
    inputs = z if num_classes is None else [z, np.array([0, 1, 2])]
    images = keras.ops.convert_to_numpy(gen(inputs))
    assert (
        images.shape == (3, 28, 28)
        and images.min() >= -1
        and images.max() <= 1
    )
    d_in = images if num_classes is None else [images, np.array([0, 1, 2])]
    assert keras.ops.convert_to_numpy(disc(d_in)).shape == (3, 1)


def test_to_unit_range_and_tanh_callbacks(tmp_path):
    np.testing.assert_allclose(
        G.to_unit_range(np.array([-1.0, 0.0, 1.0, 1.5])),
        [0.0, 0.5, 1.0, 1.0],
    )
    np.testing.assert_allclose(
        G.to_unit_range(np.array([0.25]), (0.0, 1.0)), [0.25]
    )
    with pytest.raises(ValueError, match="value_range: expected"):
        G.to_unit_range(np.zeros(2), (1.0, 1.0))
    keras.utils.set_random_seed(0)
    model = G.GAN(
        G.dcgan_generator(8, 4), G.dcgan_discriminator(4), seed=0
    )
    model.compile()
    seen = []
    callbacks = [
        G.SampleHistory(tmp_path, np.zeros((2, 8)), value_range=(-1, 1)),
        G.ScoreHistory(
            lambda im: seen.append(im) or {"m": float(im.mean())},
            tmp_path,
            n=4,
            value_range=(-1, 1),
        ),
    ]
    model.fit(
        G.image_dataset(_images(32) * 2 - 1, batch_size=16),
        epochs=1,
        verbose=0,
        callbacks=callbacks,
        shuffle=False,
    )
    assert 0.0 <= seen[0].min() and seen[0].max() <= 1.0
    assert (
        abs(seen[0].mean() - 0.5) < 0.1
    )  # an untrained tanh generator sits near 0, i.e. grey


def test_gan_saves_and_loads_whole(tmp_path):
    model = G.GAN(
        G.dense_generator(8),
        G.dense_discriminator(),
        prior="uniform_sym",
        seed=3,
    )
    model.compile()
    model.save(tmp_path / "gan.keras")
    loaded = keras.models.load_model(tmp_path / "gan.keras", compile=False)
    assert (
        isinstance(loaded, G.GAN)
        and loaded.prior == "uniform_sym"
        and loaded.codings_size == 8
    )
    z = np.random.default_rng(0).normal(size=(3, 8)).astype("float32")
    np.testing.assert_allclose(
        loaded.generate(z), model.generate(z), rtol=1e-6
    )
