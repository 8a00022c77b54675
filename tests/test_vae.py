"""helpers.vae: the KL term, the sampling layer, and a VAE that trains, saves and loads."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers import runtime
from helpers.vae import (
    VAE,
    Sampling,
    bernoulli_nll,
    conv_vae_decoder,
    conv_vae_encoder,
    dense_vae_decoder,
    dense_vae_encoder,
    kl_divergence,
)


def test_kl_is_zero_for_the_prior():
    mu = np.zeros((3, 4), "float32")
    assert np.allclose(kl_divergence(mu, mu).numpy(), 0.0)


def test_kl_matches_the_closed_form():
    rng = np.random.default_rng(0)
    mu = rng.normal(size=(5, 3)).astype("float32")
    log_var = rng.normal(size=(5, 3)).astype("float32")
    var = np.exp(log_var)
    # KL(N(mu, var) || N(0, 1)) = 0.5 * sum(var + mu^2 - 1 - log var), written independently
    expected = 0.5 * np.sum(var + mu**2 - 1.0 - np.log(var), axis=1)
    np.testing.assert_allclose(
        kl_divergence(mu, log_var).numpy(), expected, rtol=1e-5
    )
    # one known value: mu = 1, var = 1 in one dimension gives 0.5
    assert np.isclose(
        kl_divergence(
            np.ones((1, 1), "float32"), np.zeros((1, 1), "float32")
        ).numpy()[0],
        0.5,
    )


def test_sampling_has_the_requested_mean_and_variance():
    n = 200_000
    mu = np.full((n, 2), [1.5, -2.0], "float32")
    log_var = np.log(np.full((n, 2), [0.25, 4.0], "float32"))
    z = Sampling(seed=1)([mu, log_var]).numpy()
    np.testing.assert_allclose(z.mean(axis=0), [1.5, -2.0], atol=0.02)
    np.testing.assert_allclose(z.var(axis=0), [0.25, 4.0], rtol=0.02)


def test_sampling_is_seeded():
    mu, log_var = np.zeros((4, 3), "float32"), np.zeros((4, 3), "float32")
    np.testing.assert_array_equal(
        Sampling(seed=5)([mu, log_var]), Sampling(seed=5)([mu, log_var])
    )


def tiny_vae(beta: float = 1.0) -> VAE:
    inputs = keras.Input((4, 4))
    h = keras.layers.Dense(8, activation="relu")(
        keras.layers.Flatten()(inputs)
    )
    encoder = keras.Model(
        inputs,
        [keras.layers.Dense(2)(h), keras.layers.Dense(2)(h)],
        name="enc",
    )
    decoder = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(16, activation="sigmoid"),
            keras.layers.Reshape((4, 4)),
        ],
        name="dec",
    )
    vae = VAE(encoder, decoder, beta=beta, seed=0)
    vae.compile(optimizer=keras.optimizers.Adam(0.01))
    return vae


X = np.random.default_rng(1).random((64, 4, 4)).astype("float32")


def test_vae_trains_and_reports_three_losses():
    runtime.seed_everything(0)
    vae = tiny_vae()
    history = vae.fit(X, epochs=5, batch_size=16, verbose=0).history
    assert set(history) == {"loss", "reconstruction_loss", "kl_loss"}
    assert history["loss"][-1] < history["loss"][0]
    np.testing.assert_allclose(
        np.array(history["loss"]),
        np.array(history["reconstruction_loss"])
        + np.array(history["kl_loss"]),
        rtol=1e-4,
    )


def test_vae_saves_and_loads(tmp_path):
    runtime.seed_everything(0)
    vae = tiny_vae(beta=2.0)
    vae.fit(X, epochs=1, batch_size=16, verbose=0)
    vae.save(tmp_path / "vae.keras")
    loaded = keras.models.load_model(tmp_path / "vae.keras")
    assert isinstance(loaded, VAE) and loaded.beta == 2.0
    np.testing.assert_allclose(
        loaded.predict(X, verbose=0), vae.predict(X, verbose=0), rtol=1e-5
    )


def test_negative_beta_is_refused():
    with pytest.raises(
        ValueError, match=r"beta: expected a number in \[0, inf\]"
    ):
        tiny_vae(beta=-1.0)
    with pytest.raises(TypeError, match="encoder: expected a Model"):
        VAE("encoder", tiny_vae().decoder)
    with pytest.raises(ValueError, match="seed: expected an integer >= 0"):
        VAE(tiny_vae().encoder, tiny_vae().decoder, seed=-2)


def test_bernoulli_nll_is_the_summed_cross_entropy():
    rng = np.random.default_rng(2)
    x = rng.random((3, 4, 4)).astype("float32")
    p = rng.uniform(0.1, 0.9, size=(3, 4, 4)).astype("float32")
    expected = -np.sum(
        x * np.log(p) + (1 - x) * np.log(1 - p), axis=(1, 2)
    )
    got = keras.ops.convert_to_numpy(bernoulli_nll(x, p))
    assert got.shape == (3,)
    np.testing.assert_allclose(got, expected, rtol=1e-4)


def test_loss_terms_add_up_with_beta():
    vae = tiny_vae(beta=2.5)
    total, reconstruction, kl = (float(t) for t in vae.loss_terms(X[:16]))
    assert reconstruction > 0 and kl >= 0
    assert total == pytest.approx(reconstruction + 2.5 * kl, rel=1e-5)
    # the reconstruction term sums over the 16 pixels: not a mean
    assert reconstruction > 16 * 0.1


def test_fit_checks_the_pixels():
    vae = tiny_vae()
    assert vae.data_range == (0.0, 1.0)
    with pytest.raises(
        ValueError, match=r"x: expected values in \[0, 1\].*divide by 255"
    ):
        vae.fit(X * 255, epochs=1, verbose=0)


@pytest.mark.parametrize(
    "encoder, decoder",
    [
        (dense_vae_encoder, dense_vae_decoder),
        (conv_vae_encoder, conv_vae_decoder),
    ],
)
def test_chapter_networks(encoder, decoder):
    enc, dec = encoder(3), decoder(3)
    images = np.random.default_rng(0).random((2, 28, 28)).astype("float32")
    mu, log_var = (keras.ops.convert_to_numpy(t) for t in enc(images))
    assert mu.shape == log_var.shape == (2, 3)
    out = keras.ops.convert_to_numpy(dec(mu))
    assert out.shape == (2, 28, 28) and out.min() >= 0 and out.max() <= 1
    vae = VAE(enc, dec, seed=0)
    assert vae.built
    with pytest.raises(
        ValueError, match="latent: expected an integer >= 1"
    ):
        encoder(0)
    with pytest.raises(
        ValueError, match="latent: expected an integer >= 1"
    ):
        decoder(0)


def test_conv_encoder_downsamples_twice():
    enc = conv_vae_encoder(2)
    convs = [
        layer for layer in enc.layers if type(layer).__name__ == "Conv2D"
    ]
    assert [tuple(c.output.shape[1:3]) for c in convs] == [
        (14, 14),
        (7, 7),
    ]
