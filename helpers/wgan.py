"""Wasserstein GAN with gradient penalty (Arjovsky 2017, Gulrajani 2017).

The critic scores images without a sigmoid; ``E[critic(real)] -
E[critic(fake)]`` estimates the Wasserstein-1 distance between the two
distributions when the critic is 1-Lipschitz, which the gradient penalty
enforces softly on random interpolates between real and fake images. The
critic takes ``n_critic`` steps, each on a fresh real batch, for every
generator step. Taught in chapter 9.
"""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf
from keras import ops

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks
from helpers.gan import GAN
from helpers.priors import sample_codings


def gradient_penalty(critic, real, fake, seed_generator, weight=10.0):
    """``weight * E[(|grad critic(x_hat)|_2 - 1)²]`` on interpolates.

    ``x_hat = e * real + (1 - e) * fake`` with one ``e ~ U(0, 1)`` per
    image; the norm is taken over all of an image's pixels.
    """
    checks.instance("critic", critic, keras.Model)
    checks.same_shape("fake", fake, "real", real)
    checks.instance(
        "seed_generator", seed_generator, keras.random.SeedGenerator
    )
    weight = checks.number("weight", weight, low=0.0)
    batch = ops.shape(real)[0]
    shape = (batch,) + (1,) * (len(real.shape) - 1)
    e = keras.random.uniform(shape, seed=seed_generator)
    x_hat = e * real + (1.0 - e) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    grads = tape.gradient(scores, x_hat)
    norms = ops.sqrt(
        ops.sum(ops.square(grads), axis=list(range(1, len(real.shape))))
        + 1e-12
    )
    return weight * ops.mean(ops.square(norms - 1.0))


@keras.saving.register_keras_serializable(package="helpers")
class WGANGP(GAN):
    """A GAN trained with the Wasserstein loss and a gradient penalty.

    Every ``train_step`` takes one critic step on its batch; every
    ``n_critic``-th step also takes one generator step. Logged:
    ``critic_loss``, ``g_loss``, ``gp`` and ``w_distance``, the critic's
    estimate ``E[critic(real)] - E[critic(fake)]``.
    """

    def __init__(
        self,
        generator,
        critic,
        n_critic: int = 5,
        gp_weight: float = 10.0,
        **kwargs: Any,
    ):
        super().__init__(generator, critic, **kwargs)
        self.n_critic = checks.positive_int("n_critic", n_critic)
        self.gp_weight = checks.number("gp_weight", gp_weight, low=0.0)
        self.step = keras.Variable(
            0, dtype="int64", trainable=False, name="wgan_step"
        )
        names = ("critic_loss", "g_loss", "gp", "w_distance")
        self.trackers = {n: keras.metrics.Mean(name=n) for n in names}

    def compile(self, d_optimizer=None, g_optimizer=None, **kwargs):
        """Adam(1e-4, beta_1=0, beta_2=0.9) for both (Gulrajani et al.)."""

        def adam():
            return keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9)

        super().compile(
            d_optimizer or adam(), g_optimizer or adam(), **kwargs
        )

    def generator_step(self, batch):
        """One generator step on ``batch`` fresh codings; its loss."""
        if not hasattr(batch, "shape"):  # a tensor in a compiled step
            checks.positive_int("batch", batch)
        size = (batch, self.codings_size)
        codings = sample_codings(size, self.prior, self.seed_generator)
        g_weights = self.generator.trainable_weights
        with tf.GradientTape() as tape:
            fake = self.generator(codings, training=True)
            g_loss = -ops.mean(self.discriminator(fake, training=True))
        grads = tape.gradient(g_loss, g_weights)
        self.g_optimizer.apply_gradients(zip(grads, g_weights))
        return g_loss

    def train_step(self, real):
        batch = ops.shape(real)[0]
        critic = self.discriminator
        # The critic: a Wasserstein estimate, and the gradient penalty.
        codings = sample_codings(
            (batch, self.codings_size), self.prior, self.seed_generator
        )
        fake = self.generator(codings, training=True)
        c_weights = critic.trainable_weights
        with tf.GradientTape() as tape:
            w_distance = ops.mean(critic(real, training=True)) - ops.mean(
                critic(fake, training=True)
            )
            gp = gradient_penalty(
                critic, real, fake, self.seed_generator, self.gp_weight
            )
            critic_loss = -w_distance + gp
        grads = tape.gradient(critic_loss, c_weights)
        self.d_optimizer.apply_gradients(zip(grads, c_weights))
        # The generator, once every n_critic critic steps.
        self.step.assign_add(1)
        g_loss = tf.cond(
            self.step % self.n_critic == 0,
            lambda: self.generator_step(batch),
            lambda: -ops.mean(critic(fake, training=False)),
        )
        values = {
            "critic_loss": critic_loss,
            "g_loss": g_loss,
            "gp": gp,
            "w_distance": w_distance,
        }
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {name: t.result() for name, t in self.trackers.items()}

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "n_critic": self.n_critic,
            "gp_weight": self.gp_weight,
        }
