"""Variational autoencoder pieces (Kingma & Welling 2014), chapter 5.

``Sampling`` is the reparameterisation trick, ``kl_divergence`` the closed
form of the KL term against N(0, I), and ``VAE`` a ``keras.Model`` with its
own ``train_step`` and loss trackers: Keras 3 has no symbolic ``add_loss``
on Keras tensors. The builders give the chapter's dense and convolutional
encoders and decoders, which the scoreboard reuses.
"""

from __future__ import annotations

import math
from typing import Any

import keras
import tensorflow as tf
from keras import ops

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks
from helpers.saving import config_with_parts, split_parts

L = keras.layers


@keras.saving.register_keras_serializable(package="helpers")
class Sampling(L.Layer):
    """``z = mu + exp(log_var / 2) * eps`` with ``eps ~ N(0, I)``.

    The noise comes from a seeded ``SeedGenerator``; the gradient reaches
    ``mu`` and ``log_var`` through the formula.
    """

    def __init__(self, seed: int | None = None, **kwargs: Any):
        if seed is not None:
            checks.positive_int("seed", seed, minimum=0)
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        mu, log_var = inputs
        eps = keras.random.normal(ops.shape(mu), seed=self.seed_generator)
        return mu + ops.exp(0.5 * log_var) * eps

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "seed": self.seed}


def kl_divergence(mu, log_var):
    """KL(N(mu, exp(log_var)) || N(0, I)) per example, in nats."""
    checks.same_shape("log_var", log_var, "mu", mu)
    terms = 1.0 + log_var - ops.square(mu) - ops.exp(log_var)
    return -0.5 * ops.sum(terms, axis=-1)


def bernoulli_nll(x, x_hat):
    """Binary cross-entropy summed over each image's pixels."""
    a, b = checks.shape_of(x, "x"), checks.shape_of(x_hat, "x_hat")
    if None not in a + b and (
        a[:1] != b[:1] or math.prod(a[1:]) != math.prod(b[1:])
    ):
        raise ValueError(
            f"x_hat: expected as many images and pixels as x {a}, got {b}"
        )
    flat = (ops.shape(x)[0], -1)
    x, x_hat = ops.reshape(x, flat), ops.reshape(x_hat, flat)
    per_pixel = keras.losses.binary_crossentropy(
        x[..., None], x_hat[..., None]
    )
    return ops.sum(per_pixel, axis=-1)


@keras.saving.register_keras_serializable(package="helpers")
class VAE(keras.Model):
    """A VAE from an encoder to ``(mu, log_var)`` and a decoder to images.

    Loss per image: the reconstruction error summed over pixels (binary
    cross-entropy, pixels in [0, 1]) plus ``beta`` times the KL term;
    ``beta = 1`` is the VAE of the paper. Calling the model reconstructs
    from the mean coding ``mu``, without sampling.
    """

    data_range = (0.0, 1.0)

    def __init__(
        self,
        encoder: keras.Model,
        decoder: keras.Model,
        beta: float = 1.0,
        seed: int | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        checks.instance("encoder", encoder, keras.Model)
        checks.instance("decoder", decoder, keras.Model)
        self.beta = checks.number("beta", beta, low=0.0)
        if seed is not None:
            checks.positive_int("seed", seed, minimum=0)
        self.encoder, self.decoder, self.seed = encoder, decoder, seed
        self.sampling = Sampling(seed=seed)
        self.trackers = {
            name: keras.metrics.Mean(name=name)
            for name in ("loss", "reconstruction_loss", "kl_loss")
        }
        if encoder.built and decoder.built:
            self.built = True  # the weights live in the two networks

    @property
    def metrics(self) -> list[keras.metrics.Metric]:
        return list(self.trackers.values())

    def call(self, inputs, training: bool = False):
        mu, _ = self.encoder(inputs, training=training)
        return self.decoder(mu, training=training)

    def loss_terms(self, x, training: bool = False):
        """Mean total loss, reconstruction term and KL term of a batch."""
        checks.fits_model("x", x, self.encoder)
        mu, log_var = self.encoder(x, training=training)
        z = self.sampling([mu, log_var])
        x_hat = self.decoder(z, training=training)
        reconstruction = bernoulli_nll(x, x_hat)
        kl = kl_divergence(mu, log_var)
        total = ops.mean(reconstruction + self.beta * kl)
        return total, ops.mean(reconstruction), ops.mean(kl)

    def train_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        with tf.GradientTape() as tape:
            total, reconstruction, kl = self.loss_terms(x, training=True)
        grads = tape.gradient(total, self.trainable_variables)
        self.optimizer.apply_gradients(
            zip(grads, self.trainable_variables)
        )
        for tracker, value in zip(
            self.metrics, (total, reconstruction, kl)
        ):
            tracker.update_state(value)
        return {t.name: t.result() for t in self.metrics}

    def test_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        for tracker, value in zip(self.metrics, self.loss_terms(x)):
            tracker.update_state(value)
        return {t.name: t.result() for t in self.metrics}

    def fit(self, x=None, y=None, **kwargs):
        """``keras.Model.fit``, after checking the pixels lie in [0, 1]
        and fit the encoder's input.
        """
        first = checks.fit_data("x", x, self.data_range)
        checks.fits_model("x", first, self.encoder)
        return super().fit(x, y, **kwargs)

    def get_config(self) -> dict[str, Any]:
        config = {
            **super().get_config(),
            "beta": self.beta,
            "seed": self.seed,
        }
        return config_with_parts(
            config, encoder=self.encoder, decoder=self.decoder
        )

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> VAE:
        (encoder, decoder), rest = split_parts(
            config, "encoder", "decoder"
        )
        return cls(encoder, decoder, **rest)


def dense_vae_encoder(latent: int) -> keras.Model:
    """Image -> ``(mu, log_var)``: 150 and 100 SELU units, two heads."""
    latent = checks.positive_int("latent", latent)
    inputs = keras.Input(shape=(28, 28))
    h = L.Flatten()(inputs)
    h = L.Dense(150, activation="selu")(h)
    h = L.Dense(100, activation="selu")(h)
    heads = [
        L.Dense(latent, name="mu")(h),
        L.Dense(latent, name="log_var")(h),
    ]
    return keras.Model(inputs, heads, name=f"vae_encoder_{latent}")


def dense_vae_decoder(latent: int) -> keras.Model:
    """Codings -> image in [0, 1]: 100, 150 SELU units, sigmoid pixels."""
    latent = checks.positive_int("latent", latent)
    return keras.Sequential(
        [
            keras.Input(shape=(latent,)),
            L.Dense(100, activation="selu"),
            L.Dense(150, activation="selu"),
            L.Dense(28 * 28, activation="sigmoid"),
            L.Reshape((28, 28)),
        ],
        name=f"vae_decoder_{latent}",
    )


def conv_vae_encoder(latent: int) -> keras.Model:
    """Image -> ``(mu, log_var)``: two stride-2 convolutions, 28 -> 7."""
    latent = checks.positive_int("latent", latent)
    inputs = keras.Input(shape=(28, 28))
    h = L.Reshape((28, 28, 1))(inputs)
    h = L.Conv2D(32, 3, strides=2, padding="same", activation="selu")(h)
    h = L.Conv2D(64, 3, strides=2, padding="same", activation="selu")(h)
    h = L.Flatten()(h)
    heads = [
        L.Dense(latent, name="mu")(h),
        L.Dense(latent, name="log_var")(h),
    ]
    return keras.Model(inputs, heads, name=f"conv_vae_encoder_{latent}")


def conv_vae_decoder(latent: int) -> keras.Model:
    """Codings -> image in [0, 1]: two stride-2 transposed convolutions."""
    latent = checks.positive_int("latent", latent)
    return keras.Sequential(
        [
            keras.Input(shape=(latent,)),
            L.Dense(7 * 7 * 64, activation="selu"),
            L.Reshape((7, 7, 64)),
            L.Conv2DTranspose(
                32, 3, strides=2, padding="same", activation="selu"
            ),
            L.Conv2DTranspose(
                1, 3, strides=2, padding="same", activation="sigmoid"
            ),
            L.Reshape((28, 28)),
        ],
        name=f"conv_vae_decoder_{latent}",
    )
