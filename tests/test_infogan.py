"""helpers.infogan: the codes, both players' phases, exact resume, the agreement score."""

from __future__ import annotations

import warnings

import keras
import numpy as np
import pytest
from scipy.stats import spearmanr

from helpers import training
from helpers.infogan import (
    InfoCodesSampler,
    InfoGAN,
    code_class_agreement,
    infogan_discriminator,
    sample_info_codes,
)
from helpers.lecture_gan import weight_change
from helpers.training import resumable_fit

NOISE, N_CAT, N_CONT = 4, 3, 2
WIDTH = NOISE + N_CAT + N_CONT
METRICS = {"d_loss", "g_loss", "info_loss", "q_accuracy"}


def images(n=32, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, 28, 28)).astype("float32")


def generator():
    L = keras.layers
    return keras.Sequential(
        [
            keras.Input((WIDTH,)),
            L.Dense(28 * 28, activation="tanh"),
            L.Reshape((28, 28)),
        ]
    )


def tiny_infogan(seed=0, **kwargs):
    keras.utils.set_random_seed(seed)
    model = InfoGAN(
        generator(),
        infogan_discriminator(4, N_CAT, N_CONT),
        NOISE,
        N_CAT,
        N_CONT,
        seed=seed,
        **kwargs,
    )
    model.compile()
    return model


def numpy(x):
    return keras.ops.convert_to_numpy(x)


def state(model):
    """Weights (batch-norm statistics too), seed states, both optimizers."""
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


def test_info_codes_are_one_hot_with_the_requested_classes():
    categories = np.repeat([0, 1, 2], [5, 2, 4])
    x, cat, cont = sample_info_codes(
        11, NOISE, N_CAT, N_CONT, seed=3, categories=categories
    )
    x, cat, cont = numpy(x), numpy(cat), numpy(cont)
    assert x.shape == (11, WIDTH)
    one_hot = x[:, NOISE : NOISE + N_CAT]
    assert set(np.unique(one_hot)) == {0.0, 1.0}
    np.testing.assert_array_equal(one_hot.sum(axis=1), 1.0)
    np.testing.assert_array_equal(one_hot.sum(axis=0), [5, 2, 4])
    np.testing.assert_array_equal(one_hot.argmax(axis=1), categories)
    np.testing.assert_array_equal(cat, categories)
    np.testing.assert_array_equal(x[:, NOISE + N_CAT :], cont)
    assert cont.shape == (11, N_CONT)


def test_info_codes_drawn_at_random_are_in_range_and_uniform():
    x, cat, cont = (
        numpy(v) for v in sample_info_codes(3000, 2, 4, 2, seed=0)
    )
    counts = np.bincount(cat, minlength=4)
    assert counts.sum() == 3000 and np.all(np.abs(counts - 750) < 120)
    np.testing.assert_array_equal(x[:, 2:6].argmax(axis=1), cat)
    assert cont.min() >= -1.0 and cont.max() <= 1.0
    assert cont.min() < -0.95 and cont.max() > 0.95  # fills the range
    assert abs(cont.mean()) < 0.05
    z = x[:, :2]
    assert abs(z.mean()) < 0.1 and abs(z.std() - 1.0) < 0.1
    again = numpy(sample_info_codes(3000, 2, 4, 2, seed=0)[0])
    other = numpy(sample_info_codes(3000, 2, 4, 2, seed=1)[0])
    np.testing.assert_array_equal(again, x)
    assert not np.allclose(other, x)


def test_noise_and_codes_are_independent_draws_for_an_integer_seed():
    """One seed for all three draws would make the noise a function of
    the continuous codes (Box-Muller on the same random bits)."""
    x, _, cont = (numpy(v) for v in sample_info_codes(2000, 2, 2, 2, 7))
    radius = np.hypot(x[:, 0], x[:, 1])
    rho = spearmanr(radius, cont[:, 0])[0]
    assert abs(rho) < 0.1, rho


def test_code_class_agreement_is_invariant_to_relabelling():
    classes = np.arange(1000) % 10
    perfect = code_class_agreement(classes, classes)
    assert perfect["accuracy"] == 1.0
    assert perfect["mutual_information"] == pytest.approx(np.log2(10))
    assert perfect["matching"] == {k: k for k in range(10)}
    perm = np.random.default_rng(0).permutation(10)
    permuted = code_class_agreement(perm[classes], classes)
    assert permuted["accuracy"] == 1.0
    assert permuted["mutual_information"] == pytest.approx(np.log2(10))
    assert permuted["matching"] == {int(perm[k]): k for k in range(10)}
    codes = np.random.default_rng(1).integers(0, 10, len(classes))
    chance = code_class_agreement(codes, classes)
    assert chance["accuracy"] < 0.2
    assert chance["mutual_information"] < 0.1


def test_code_class_agreement_of_a_partial_mapping():
    # 3 code values, 2 classes: codes 0 and 1 both mean class 0
    codes = np.array([0, 1, 2, 2, 0, 1, 2, 0])
    classes = np.array([0, 0, 1, 1, 0, 0, 1, 1])
    out = code_class_agreement(codes, classes, n_cat=3, num_classes=2)
    # joint counts: code 0 -> [2, 1], code 1 -> [2, 0], code 2 -> [0, 3];
    # one-to-one, code 2 takes class 1 and one of codes 0, 1 class 0
    assert out["matching"][2] == 1 and len(out["matching"]) == 2
    assert out["accuracy"] == pytest.approx(5 / 8)


def test_information_loss_is_cross_entropy_plus_half_squared_error():
    model = tiny_infogan()
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(5, N_CAT)).astype("float32")
    q_cont = rng.normal(size=(5, N_CONT)).astype("float32")
    cat = np.array([0, 2, 1, 1, 0])
    cont = rng.uniform(-1, 1, (5, N_CONT)).astype("float32")
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    expected = -log_p[np.arange(5), cat].mean() + 0.5 * np.mean(
        ((q_cont - cont) ** 2).sum(axis=1)
    )
    got = float(model.information_loss(logits, q_cont, cat, cont))
    assert got == pytest.approx(expected, rel=1e-5)


def test_each_phase_moves_its_own_player_with_the_q_head_in_phase_1():
    model = tiny_infogan()
    disc = model.discriminator
    # phase 1 trains the whole discriminator, phase 2 the generator only
    assert len(model.d_optimizer.variables) == 2 + 2 * len(
        disc.trainable_variables
    )
    assert len(model.g_optimizer.variables) == 2 + 2 * len(
        model.generator.trainable_variables
    )
    q_head = disc.get_layer("q_category")
    g0 = [w.copy() for w in model.generator.get_weights()]
    d0 = [w.copy() for w in disc.get_weights()]
    q0 = [w.copy() for w in q_head.get_weights()]
    model.g_optimizer.learning_rate.assign(0.0)
    history = model.fit(images(), batch_size=16, epochs=1, verbose=0)
    assert set(history.history) == METRICS
    assert weight_change(model.generator, g0) == 0
    assert weight_change(disc, d0) > 0
    assert any(
        not np.array_equal(a, b) for a, b in zip(q_head.get_weights(), q0)
    )
    model.g_optimizer.learning_rate.assign(2e-4)
    model.d_optimizer.learning_rate.assign(0.0)
    g1 = [w.copy() for w in model.generator.get_weights()]
    trainable = [w.numpy().copy() for w in disc.trainable_weights]
    model.fit(images(), batch_size=16, epochs=1, verbose=0)
    assert weight_change(model.generator, g1) > 0
    for w, before in zip(disc.trainable_weights, trainable):
        np.testing.assert_array_equal(w.numpy(), before, err_msg=w.path)


def test_compile_refuses_one_optimizer_for_both_players():
    model = InfoGAN(
        generator(),
        infogan_discriminator(4, N_CAT, N_CONT),
        NOISE,
        N_CAT,
        N_CONT,
    )
    opt = keras.optimizers.Adam()
    with pytest.raises(
        ValueError, match="g_optimizer: must be another object"
    ):
        model.compile(d_optimizer=opt, g_optimizer=opt)


def test_one_epoch_then_an_exact_resume_without_warnings(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("AEGAN_EXECUTED", "1")
    first = tiny_infogan()
    log = resumable_fit(
        first, images(), epochs=1, batch_size=16, checkpoint_dir=tmp_path
    )
    assert set(log.history) == METRICS | {"epoch_seconds"}
    for key in METRICS:
        assert np.isfinite(log.last(key)), key
    assert 0.0 <= log.last("q_accuracy") <= 1.0
    second = tiny_infogan(seed=5)  # other weights and seeds: all restored
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        again = resumable_fit(
            second,
            images(),
            epochs=1,
            batch_size=16,
            checkpoint_dir=tmp_path,
        )
    assert loud(caught) == []
    assert again.resumed_from == 1
    assert int(second.d_optimizer.iterations.numpy()) == 2
    assert_same_state(first, second)


def test_resumed_run_equals_the_uninterrupted_one(tmp_path, monkeypatch):
    monkeypatch.setenv("AEGAN_EXECUTED", "1")

    def fit(model, folder, epochs):
        return resumable_fit(
            model,
            images(),
            epochs=epochs,
            batch_size=16,
            checkpoint_dir=tmp_path / folder,
        )

    full = tiny_infogan()
    full_log = fit(full, "full", 2)
    fit(tiny_infogan(), "cut", 1)
    resumed = tiny_infogan(seed=5)
    log = fit(resumed, "cut", 2)
    assert log.resumed_from == 1 and log.epochs == 2
    assert_same_state(resumed, full)
    # a reported loss may differ in its last bit, even between two
    # uninterrupted runs; the state above is exact
    for key in METRICS:
        np.testing.assert_allclose(
            log.history[key], full_log.history[key], rtol=1e-6, err_msg=key
        )


def test_generate_follows_the_category():
    model = tiny_infogan()
    cont = np.zeros((3, N_CONT))
    out = model.generate([0, 1, 2], cont, seed=1)
    assert out.shape == (3, 28, 28)
    assert out.min() >= -1 and out.max() <= 1
    np.testing.assert_array_equal(
        out, model.generate([0, 1, 2], cont, seed=1)
    )
    same = model.generate([0, 0, 0], cont, seed=1)
    np.testing.assert_array_equal(out[0], same[0])  # same noise row
    assert not np.allclose(out[1], same[1])  # other category


def test_saves_and_loads_whole(tmp_path):
    model = tiny_infogan(seed=3, info_weight=0.5)
    model.save(tmp_path / "infogan.keras")
    loaded = keras.models.load_model(
        tmp_path / "infogan.keras", compile=False
    )
    assert isinstance(loaded, InfoGAN)
    assert (loaded.noise, loaded.n_cat, loaded.n_cont) == (
        NOISE,
        N_CAT,
        N_CONT,
    )
    assert loaded.info_weight == 0.5 and loaded.seed == 3
    cont = np.random.default_rng(0).uniform(-1, 1, (4, N_CONT))
    np.testing.assert_allclose(
        loaded.generate([0, 1, 2, 1], cont, seed=2),
        model.generate([0, 1, 2, 1], cont, seed=2),
        rtol=1e-6,
    )
    x = images(3)
    for a, b in zip(loaded.discriminator(x), model.discriminator(x)):
        np.testing.assert_allclose(numpy(a), numpy(b), rtol=1e-6)


def test_info_codes_sampler_draws_codes_and_saves_whole(tmp_path):
    sampler = InfoCodesSampler(generator(), NOISE, N_CAT, N_CONT)
    z = sampler.codings(50, seed=4)
    assert z.shape == (50, WIDTH) and z.dtype == np.float32
    np.testing.assert_array_equal(z[:, NOISE : NOISE + N_CAT].sum(1), 1)
    assert np.abs(z[:, NOISE + N_CAT :]).max() <= 1
    np.testing.assert_array_equal(z, sampler.codings(50, seed=4))
    images_ = sampler.sample(6, seed=1)
    assert images_.shape == (6, 28, 28)
    assert images_.min() >= 0 and images_.max() <= 1  # tanh to [0, 1]
    sampler.save(tmp_path / "s.keras")
    loaded = keras.models.load_model(tmp_path / "s.keras", compile=False)
    assert isinstance(loaded, InfoCodesSampler)
    assert (loaded.noise, loaded.n_cat, loaded.n_cont) == (
        NOISE,
        N_CAT,
        N_CONT,
    )
    np.testing.assert_allclose(
        loaded.sample(6, seed=1), images_, rtol=1e-6
    )
    with pytest.raises(ValueError, match="network: expected 10 inputs"):
        InfoCodesSampler(generator(), NOISE + 1, N_CAT, N_CONT)
