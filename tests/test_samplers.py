"""helpers.samplers: every generative model answers sample(n, seed) with pixels in [0, 1]."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers.samplers import (
    GAUSSIAN,
    DecoderSampler,
    gaussian_sampler,
    to_unit_range,
)

K = 3  # codings size


def decoder(activation="sigmoid", k=K):
    return keras.Sequential(
        [
            keras.Input((k,)),
            keras.layers.Dense(16, activation=activation),
            keras.layers.Reshape((4, 4)),
        ]
    )


def conditional_decoder(classes=3):
    z, y = keras.Input((K,)), keras.Input((), dtype="int32")
    h = keras.layers.Concatenate()(
        [z, keras.layers.Embedding(classes, 2)(y)]
    )
    h = keras.layers.Dense(16, activation="sigmoid")(h)
    return keras.Model([z, y], keras.layers.Reshape((4, 4))(h))


def test_to_unit_range():
    np.testing.assert_allclose(
        to_unit_range(np.array([-1.0, 0.0, 1.0, 1.5])),
        [0.0, 0.5, 1.0, 1.0],
    )
    np.testing.assert_allclose(
        to_unit_range(np.array([0.25]), (0.0, 1.0)), [0.25]
    )
    np.testing.assert_allclose(
        to_unit_range([10.0, 30.0], (10.0, 50.0)), [0.0, 0.5]
    )
    assert to_unit_range(np.zeros(2, "float64")).dtype == np.float32
    with pytest.raises(ValueError, match="value_range: expected"):
        to_unit_range(np.zeros(2), (1.0, 1.0))
    with pytest.raises(TypeError, match="images: expected an array"):
        to_unit_range("pixels")


def test_sample_is_seeded_and_in_the_unit_range():
    sampler = DecoderSampler(decoder(), "normal")
    a, b = sampler.sample(6, seed=1), sampler.sample(6, seed=1)
    assert a.shape == (6, 4, 4) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, sampler.sample(6, seed=2))
    assert 0.0 <= a.min() and a.max() <= 1.0
    np.testing.assert_allclose(
        a, sampler.decode(sampler.codings(6, seed=1)), rtol=1e-6
    )


@pytest.mark.parametrize(
    "prior, lo, hi", [("uniform", 0.0, 1.0), ("uniform_sym", -1.0, 1.0)]
)
def test_codings_come_from_the_prior(prior, lo, hi):
    z = DecoderSampler(decoder(), prior).codings(5000, seed=0)
    assert z.shape == (5000, K) and z.dtype == np.float32
    assert z.min() >= lo and z.max() <= hi
    assert abs(z.mean() - (lo + hi) / 2) < 0.02


def test_a_tanh_network_is_mapped_to_the_unit_range():
    sampler = DecoderSampler(
        decoder("tanh"), "normal", output_range=(-1.0, 1.0)
    )
    z = sampler.codings(8, seed=0)
    raw = keras.ops.convert_to_numpy(sampler.network(z))
    np.testing.assert_allclose(
        sampler.decode(z), (raw + 1) / 2, rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("full", [True, False])
def test_gaussian_codings_have_the_given_moments(full):
    mean = np.array([1.0, -2.0, 0.5])
    cov = (
        np.array([[1.0, 0.5, 0.0], [0.5, 2.0, 0.3], [0.0, 0.3, 0.5]])
        if full
        else np.array([1.0, 2.0, 0.5])
    )
    sampler = DecoderSampler(decoder(), GAUSSIAN, mean=mean, cov=cov)
    z = sampler.codings(100_000, seed=0).astype(np.float64)
    np.testing.assert_allclose(z.mean(axis=0), mean, atol=0.02)
    expected = cov if full else np.diag(cov)
    np.testing.assert_allclose(
        np.cov(z, rowvar=False), expected, atol=0.03
    )
    np.testing.assert_array_equal(z, sampler.codings(100_000, seed=0))


def test_gaussian_sampler_fits_the_encoders_codes():
    rng = np.random.default_rng(0)
    x = rng.random((200, 4, 4)).astype("float32")
    encoder = keras.Sequential(
        [
            keras.Input((4, 4)),
            keras.layers.Flatten(),
            keras.layers.Dense(K),
        ]
    )
    codes = encoder.predict(x, verbose=0).astype(np.float64)
    full = gaussian_sampler(encoder, decoder(), x)
    assert full.prior == GAUSSIAN and full.output_range == (0.0, 1.0)
    np.testing.assert_allclose(
        full.mean, codes.mean(axis=0), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(
        full.cov, np.cov(codes, rowvar=False), rtol=1e-5, atol=1e-6
    )
    diag = gaussian_sampler(encoder, decoder(), x, full=False)
    np.testing.assert_allclose(
        diag.cov, codes.var(axis=0), rtol=1e-5, atol=1e-6
    )
    assert full.sample(4, seed=0).shape == (4, 4, 4)
    with pytest.raises(
        ValueError, match=r"images: expected values in \[0, 1\]"
    ):
        gaussian_sampler(encoder, decoder(), x * 255)


def test_conditional_sampler():
    sampler = DecoderSampler(
        conditional_decoder(), "normal", num_classes=3
    )
    np.testing.assert_allclose(sampler.class_probs, [1 / 3] * 3)
    z = sampler.codings(4, seed=0)
    with pytest.raises(
        ValueError, match="labels: this model is conditional"
    ):
        sampler.decode(z)
    with pytest.raises(
        ValueError, match="labels: expected labels below 3"
    ):
        sampler.decode(z, [0, 1, 2, 3])
    a = sampler.decode(z, [0, 0, 0, 0])
    assert not np.allclose(a, sampler.decode(z, [1, 1, 1, 1]))
    # unlabelled draws pick labels by class_probs: all class 0 here
    only_zero = DecoderSampler(
        conditional_decoder(),
        "normal",
        num_classes=3,
        class_probs=[1.0, 0.0, 0.0],
    )
    np.testing.assert_allclose(
        only_zero.sample(4, seed=0),
        only_zero.decode(only_zero.codings(4, seed=0), np.zeros(4, int)),
        rtol=1e-6,
    )
    # explicit labels win
    np.testing.assert_allclose(
        only_zero.sample(4, seed=0, labels=[2, 2, 2, 2]),
        only_zero.decode(only_zero.codings(4, seed=0), [2, 2, 2, 2]),
        rtol=1e-6,
    )


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(prior="cauchy"), ValueError, "prior: expected one of"),
        (dict(output_range=(1.0, 0.0)), ValueError, "output_range"),
        (
            dict(prior=GAUSSIAN, mean=np.zeros(2), cov=np.ones(3)),
            ValueError,
            r"mean: expected shape \(3\)",
        ),
        (
            dict(prior=GAUSSIAN, mean=np.zeros(3), cov=np.ones(2)),
            ValueError,
            r"cov: expected shape \(3,\) or \(3, 3\)",
        ),
        (
            dict(prior=GAUSSIAN, mean=np.zeros(3)),
            TypeError,
            "cov: expected an array",
        ),
        (dict(num_classes=1), ValueError, "num_classes"),
        (
            dict(num_classes=2, class_probs=[0.5, 0.6]),
            ValueError,
            "class_probs: expected shares summing to 1",
        ),
        (
            dict(num_classes=2, class_probs=[0.5]),
            ValueError,
            r"class_probs: expected shape \(2\)",
        ),
    ],
)
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        DecoderSampler(decoder(), **kwargs)


def test_bad_draws():
    sampler = DecoderSampler(decoder(), "normal")
    with pytest.raises(ValueError, match="n: expected an integer >= 1"):
        sampler.sample(0, seed=0)
    with pytest.raises(ValueError, match="seed: expected an integer >= 0"):
        sampler.sample(2, seed=-1)
    with pytest.raises(
        ValueError, match=r"codings: expected shape \(any, 3\)"
    ):
        sampler.decode(np.zeros((2, 5)))
    with pytest.raises(TypeError, match="network: expected a Model"):
        DecoderSampler("decoder")


@pytest.mark.parametrize("kind", ["normal", "gaussian", "conditional"])
def test_saves_and_loads_whole(kind, tmp_path):
    if kind == "normal":
        sampler = DecoderSampler(decoder("tanh"), "weibull", (-1.0, 1.0))
    elif kind == "gaussian":
        sampler = DecoderSampler(
            decoder(), GAUSSIAN, mean=np.ones(K), cov=np.eye(K)
        )
    else:
        sampler = DecoderSampler(
            conditional_decoder(),
            "normal",
            num_classes=3,
            class_probs=[0.2, 0.3, 0.5],
        )
    sampler.save(tmp_path / "sampler.keras")
    loaded = keras.saving.load_model(
        tmp_path / "sampler.keras", compile=False
    )
    assert isinstance(loaded, DecoderSampler)
    assert loaded.prior == sampler.prior
    assert loaded.output_range == sampler.output_range
    assert loaded.num_classes == sampler.num_classes
    np.testing.assert_array_equal(
        loaded.sample(5, seed=3), sampler.sample(5, seed=3)
    )


def test_to_unit_range_takes_mixed_precision_output():
    """A generator under mixed_bfloat16 returns bfloat16 images."""
    import ml_dtypes

    x = np.array([[-1.0, 0.0, 1.0]], dtype=ml_dtypes.bfloat16)
    out = to_unit_range(x)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[0.0, 0.5, 1.0]])
