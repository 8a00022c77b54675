"""Variational autoencoder pieces (Kingma & Welling 2014), taught in the VAE chapter.

``Sampling`` is the reparameterisation trick, ``kl_divergence`` the closed-form KL term
of a diagonal Gaussian against N(0, I), and ``VAE`` a ``keras.Model`` with its own
``train_step`` and loss trackers: the Keras 3 way, since Keras 3 has no symbolic
``add_loss`` on Keras tensors. The chapter shows this source.
"""
from __future__ import annotations

from typing import Any

import helpers  # noqa: F401  (pins the TensorFlow backend before keras is imported)
import keras
import tensorflow as tf
from keras import ops

from helpers.saving import config_with_parts, split_parts


@keras.saving.register_keras_serializable(package="helpers")
class Sampling(keras.layers.Layer):
    """Draw ``z = mu + exp(0.5 * log_var) * eps`` with ``eps ~ N(0, I)`` (reparameterisation).

    The noise comes from a seeded ``keras.random.SeedGenerator``, so a seeded run draws
    the same codings; the gradient flows to ``mu`` and ``log_var`` through the formula.
    """

    def __init__(self, seed: int | None = None, **kwargs: Any):
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
    """KL(N(mu, exp(log_var)) || N(0, I)) per example: ``-0.5 * sum(1 + log_var - mu² - exp(log_var))``."""
    return -0.5 * ops.sum(1.0 + log_var - ops.square(mu) - ops.exp(log_var), axis=-1)


@keras.saving.register_keras_serializable(package="helpers")
class VAE(keras.Model):
    """A VAE from an encoder returning ``(mu, log_var)`` and a decoder from codings to images.

    Loss per image: the reconstruction error summed over pixels (binary cross-entropy for
    pixels in [0, 1]) plus ``beta`` times the KL term; ``beta = 1`` is the VAE of the paper.
    ``fit`` reports ``loss``, ``reconstruction_loss`` and ``kl_loss``. Calling the model
    reconstructs from the mean coding ``mu`` (no sampling), for deterministic evaluation.
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, beta: float = 1.0,
                 seed: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if beta < 0:
            raise ValueError(f"beta: expected a weight >= 0 for the KL term, got {beta}")
        self.encoder, self.decoder, self.beta, self.seed = encoder, decoder, float(beta), seed
        self.sampling = Sampling(seed=seed)
        self.trackers = {name: keras.metrics.Mean(name=name)
                         for name in ("loss", "reconstruction_loss", "kl_loss")}
        if encoder.built and decoder.built:
            self.built = True  # all weights live in the two sub-models

    def build(self, input_shape=None) -> None:
        """Build the encoder on ``input_shape``; the decoder is built by its first call."""
        if not self.encoder.built:
            self.encoder.build(input_shape)
        self.built = True

    @property
    def metrics(self) -> list[keras.metrics.Metric]:
        return list(self.trackers.values())

    def call(self, inputs, training: bool = False):
        mu, _ = self.encoder(inputs, training=training)
        return self.decoder(mu, training=training)

    def _compute_losses(self, x, training: bool):
        mu, log_var = self.encoder(x, training=training)
        z = self.sampling([mu, log_var])
        x_hat = self.decoder(z, training=training)
        flat = (ops.shape(x)[0], -1)
        reconstruction = ops.sum(keras.losses.binary_crossentropy(
            ops.reshape(x, flat)[..., None], ops.reshape(x_hat, flat)[..., None]), axis=-1)
        kl = kl_divergence(mu, log_var)
        total = ops.mean(reconstruction + self.beta * kl)
        return total, ops.mean(reconstruction), ops.mean(kl)

    def _update(self, total, reconstruction, kl) -> dict[str, Any]:
        for name, value in zip(self.trackers, (total, reconstruction, kl)):
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def train_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        with tf.GradientTape() as tape:
            total, reconstruction, kl = self._compute_losses(x, training=True)
        grads = tape.gradient(total, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return self._update(total, reconstruction, kl)

    def test_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        return self._update(*self._compute_losses(x, training=False))

    def get_config(self) -> dict[str, Any]:
        return config_with_parts({**super().get_config(), "beta": self.beta, "seed": self.seed},
                                 encoder=self.encoder, decoder=self.decoder)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "VAE":
        (encoder, decoder), rest = split_parts(config, "encoder", "decoder")
        return cls(encoder, decoder, **rest)


def dense_vae_encoder(latent: int) -> keras.Model:
    """Image -> ``(mu, log_var)``, each of size ``latent``: Flatten, 150 and 100 SELU units, two heads."""
    inputs = keras.Input(shape=(28, 28))
    h = keras.layers.Flatten()(inputs)
    h = keras.layers.Dense(150, activation="selu")(h)
    h = keras.layers.Dense(100, activation="selu")(h)
    return keras.Model(inputs, [keras.layers.Dense(latent, name="mu")(h),
                                keras.layers.Dense(latent, name="log_var")(h)], name=f"vae_encoder_{latent}")


def dense_vae_decoder(latent: int) -> keras.Model:
    """Codings -> image in [0, 1]: 100 and 150 SELU units, then 784 sigmoid pixels."""
    return keras.Sequential([keras.Input(shape=(latent,)),
                             keras.layers.Dense(100, activation="selu"),
                             keras.layers.Dense(150, activation="selu"),
                             keras.layers.Dense(28 * 28, activation="sigmoid"),
                             keras.layers.Reshape((28, 28))], name=f"vae_decoder_{latent}")


def dense_vae(latent: int, beta: float = 1.0, seed: int | None = None) -> VAE:
    """The VAE chapter's dense VAE, compiled with Adam (learning rate 0.001)."""
    vae = VAE(dense_vae_encoder(latent), dense_vae_decoder(latent), beta=beta, seed=seed, name=f"vae_{latent}")
    vae.compile(optimizer=keras.optimizers.Adam(1e-3))
    return vae
