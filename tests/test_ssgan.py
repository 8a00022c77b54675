"""helpers.ssgan: D = Z / (Z + 1) from the logits, the supervised half, exact resume."""

from __future__ import annotations

import warnings

import keras
import numpy as np
import pytest

from helpers import training
from helpers.lecture_gan import weight_change
from helpers.ssgan import (
    SemiSupervisedGAN,
    log_real_probability,
    ssgan_discriminator,
    ssgan_generator,
)
from helpers.training import resumable_fit

SHAPE = (8, 8)
CLASSES = 3
CODINGS = 4
N = 48
METRICS = {"d_loss", "supervised_loss", "g_loss", "accuracy"}


def numpy(x):
    return keras.ops.convert_to_numpy(x)


def data(seed=0):
    """Unlabelled noise; labelled images whose bright row is the class."""
    rng = np.random.default_rng(seed)
    unlabelled = rng.random((N, *SHAPE)).astype("float32")
    labels = np.arange(N) % CLASSES
    labelled = 0.2 * rng.random((N, *SHAPE)).astype("float32")
    labelled[np.arange(N), labels] += 0.8
    return unlabelled, labelled, labels


def networks(noise=0.0):
    """A dense classifier returning ``[logits, features]``; a generator."""
    L = keras.layers
    x = keras.Input(SHAPE)
    h = L.Flatten()(x)
    if noise:
        h = L.GaussianNoise(noise)(h)
    features = L.Dense(16, activation="relu", name="features")(h)
    logits = L.Dense(CLASSES, name="logits")(features)
    disc = keras.Model(x, [logits, features])
    gen = keras.Sequential(
        [
            keras.Input((CODINGS,)),
            L.Dense(SHAPE[0] * SHAPE[1], activation="sigmoid"),
            L.Reshape(SHAPE),
        ]
    )
    return gen, disc


def tiny_ssgan(seed=0, noise=0.1, d_optimizer=None):
    keras.utils.set_random_seed(seed)
    model = SemiSupervisedGAN(*networks(noise), seed=seed)
    model.compile(d_optimizer=d_optimizer)
    return model


def state(model):
    """Weights, seed states (the noise layer's too), both optimizers."""
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


def test_real_probability_is_z_over_z_plus_one():
    logits = np.random.default_rng(0).normal(0, 3, (6, CLASSES))
    log_d, log_not_d = (numpy(v) for v in log_real_probability(logits))
    z = np.exp(logits).sum(axis=1)
    np.testing.assert_allclose(log_d, np.log(z / (z + 1)), rtol=1e-5)
    np.testing.assert_allclose(log_not_d, np.log(1 / (z + 1)), rtol=1e-5)
    # stable where exp overflows or Z underflows
    big = np.array([[200.0, 0.0, -5.0], [-200.0, -300.0, -250.0]])
    log_d, log_not_d = (numpy(v) for v in log_real_probability(big))
    assert np.all(np.isfinite(log_d)) and np.all(np.isfinite(log_not_d))
    np.testing.assert_allclose(log_d[0], 0.0, atol=1e-6)
    np.testing.assert_allclose(log_not_d[0], -200.0, rtol=1e-6)
    np.testing.assert_allclose(log_d[1], -200.0, rtol=1e-6)
    np.testing.assert_allclose(log_not_d[1], 0.0, atol=1e-6)


def test_the_book_networks_classify_into_k_classes():
    disc = ssgan_discriminator(7)
    logits, features = disc(np.zeros((2, 28, 28), "float32"))
    assert logits.shape == (2, 7) and features.shape == (2, 250)
    gen = ssgan_generator(16)
    out = numpy(gen(np.zeros((3, 16), "float32")))
    assert out.shape == (3, 28, 28)
    assert out.min() >= 0 and out.max() <= 1
    model = SemiSupervisedGAN(gen, disc)
    assert model.codings_size == 16
    x = np.random.default_rng(0).random((4, 28, 28)).astype("float32")
    np.testing.assert_allclose(  # calling the model classifies
        numpy(model(x)), numpy(disc(x)[0]), rtol=1e-6
    )


def test_supervised_metrics_are_the_classifiers_on_the_labelled_batch(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("AEGAN_EXECUTED", "1")
    frozen = keras.optimizers.Adam(0.0)  # D stays as it is: exact values
    model = tiny_ssgan(noise=0.0, d_optimizer=frozen)
    unlabelled, labelled, labels = data()
    logits = numpy(model(labelled))
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    cross_entropy = -log_p[np.arange(N), labels].mean()
    accuracy = np.mean(logits.argmax(axis=1) == labels)
    z = np.exp(numpy(model(unlabelled))).sum(axis=1)
    real_term = -np.mean(np.log(z / (z + 1)))
    g0 = [w.copy() for w in model.generator.get_weights()]
    log = resumable_fit(
        model,
        (unlabelled, labelled, labels),
        epochs=1,
        batch_size=16,  # three equal batches: their mean is the set's
        checkpoint_dir=tmp_path,
    )
    assert set(log.history) == METRICS | {"epoch_seconds"}
    for key in METRICS:
        assert np.isfinite(log.last(key)), key
    assert log.last("supervised_loss") == pytest.approx(
        cross_entropy, rel=1e-4
    )
    assert log.last("accuracy") == pytest.approx(accuracy)
    # d_loss adds -E log D(real) and a positive term on the fakes
    unsupervised = log.last("d_loss") - log.last("supervised_loss")
    assert unsupervised > real_term - 1e-4
    assert log.last("g_loss") >= 0
    assert weight_change(model.generator, g0) > 0


def test_labels_teach_the_classifier():
    model = tiny_ssgan(noise=0.0, d_optimizer=keras.optimizers.Adam(1e-2))
    unlabelled, labelled, labels = data()
    before = np.mean(numpy(model(labelled)).argmax(axis=1) == labels)
    history = model.fit(
        (unlabelled, labelled, labels), batch_size=16, epochs=8, verbose=0
    ).history
    after = np.mean(numpy(model(labelled)).argmax(axis=1) == labels)
    assert before < 0.7 and after > 0.95
    assert history["supervised_loss"][-1] < history["supervised_loss"][0]
    assert history["accuracy"][-1] > 0.9


def test_compile_refuses_one_optimizer_for_both_players():
    model = SemiSupervisedGAN(*networks())
    model.compile()
    assert isinstance(model.d_optimizer, keras.optimizers.Adam)
    assert model.d_optimizer is not model.g_optimizer
    opt = keras.optimizers.Adam()
    with pytest.raises(
        ValueError, match="g_optimizer: must be another object"
    ):
        model.compile(d_optimizer=opt, g_optimizer=opt)


def test_one_epoch_then_an_exact_resume_without_warnings(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("AEGAN_EXECUTED", "1")
    first = tiny_ssgan()
    resumable_fit(
        first, data(), epochs=1, batch_size=16, checkpoint_dir=tmp_path
    )
    # two seed generators: the model's and the noise layer's
    assert len(training.seed_states(first)) == 2
    second = tiny_ssgan(seed=5)  # other weights and seeds: all restored
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        log = resumable_fit(
            second,
            data(),
            epochs=1,
            batch_size=16,
            checkpoint_dir=tmp_path,
        )
    assert loud(caught) == []
    assert log.resumed_from == 1
    assert int(second.g_optimizer.iterations.numpy()) == 3
    assert_same_state(first, second)


def test_resumed_run_equals_the_uninterrupted_one(tmp_path, monkeypatch):
    monkeypatch.setenv("AEGAN_EXECUTED", "1")

    def fit(model, folder, epochs):
        return resumable_fit(
            model,
            data(),
            epochs=epochs,
            batch_size=16,
            checkpoint_dir=tmp_path / folder,
        )

    full = tiny_ssgan()
    full_log = fit(full, "full", 2)
    fit(tiny_ssgan(), "cut", 1)
    resumed = tiny_ssgan(seed=5)
    log = fit(resumed, "cut", 2)
    assert log.resumed_from == 1 and log.epochs == 2
    assert_same_state(resumed, full)
    # a reported loss may differ in its last bit, even between two
    # uninterrupted runs; the state above is exact
    for key in METRICS:
        np.testing.assert_allclose(
            log.history[key], full_log.history[key], rtol=1e-6, err_msg=key
        )


def test_saves_and_loads_whole(tmp_path):
    model = tiny_ssgan(seed=3)
    model.save(tmp_path / "ssgan.keras")
    loaded = keras.models.load_model(
        tmp_path / "ssgan.keras", compile=False
    )
    assert isinstance(loaded, SemiSupervisedGAN)
    assert loaded.seed == 3 and loaded.codings_size == CODINGS
    x = data()[1][:5]
    np.testing.assert_allclose(
        numpy(loaded(x)), numpy(model(x)), rtol=1e-6
    )
    z = np.random.default_rng(0).normal(size=(3, CODINGS))
    np.testing.assert_allclose(
        numpy(loaded.generator(z)), numpy(model.generator(z)), rtol=1e-6
    )
