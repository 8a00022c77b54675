"""helpers.vae: the KL term, the sampling layer, and a VAE that trains, saves and loads."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers import runtime
from helpers.vae import VAE, Sampling, kl_divergence


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
    with pytest.raises(ValueError, match="beta"):
        tiny_vae(beta=-1.0)
