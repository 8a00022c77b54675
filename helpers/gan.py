"""A GAN's two phases compiled into one ``train_step``.

Goodfellow et al. (2014).

:class:`GAN` does per batch what the lecture's loop does with three
``train_on_batch`` calls, as one TensorFlow graph: ``fit()`` then brings
callbacks, checkpoints and progress output. Instead of toggling
``trainable``, each phase names the weights it updates. The conditional
form is :class:`helpers.cgan.ConditionalGAN`.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf
from keras import ops

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks
from helpers.optimizers import FusedRMSprop
from helpers.priors import PRIORS, sample_codings
from helpers.saving import config_with_parts, split_parts


@keras.saving.register_keras_serializable(package="helpers")
class GAN(keras.Model):
    """Generator and discriminator trained in turn: ``fit(images)``.

    ``data_range`` is the range of the generator's output, which the real
    images must share ((0, 1) for a sigmoid, (-1, 1) for tanh). Logged per
    epoch: ``d_loss``, ``g_loss`` and ``d_accuracy`` (the discriminator's
    accuracy on the real and fake halves it trained on).
    """

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        prior: str = "normal",
        seed: int | None = None,
        data_range: tuple[float, float] = (0.0, 1.0),
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        checks.instance("generator", generator, keras.Model)
        checks.instance("discriminator", discriminator, keras.Model)
        checks.one_of("prior", prior, PRIORS)
        if seed is not None:
            checks.positive_int("seed", seed, minimum=0)
        self.data_range = checks.value_range("data_range", data_range)
        self.generator, self.discriminator = generator, discriminator
        self.prior, self.seed = prior, seed
        self.codings_size = int(generator.inputs[0].shape[-1])
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.bce = keras.losses.BinaryCrossentropy()
        self.trackers = {
            name: keras.metrics.Mean(name=name)
            for name in ("d_loss", "g_loss", "d_accuracy")
        }
        self.built = True  # the weights live in the two built networks

    def compile(
        self, d_optimizer=None, g_optimizer=None, **kwargs
    ) -> None:
        """One optimizer per network (default RMSprop, as the lecture).

        The default is :class:`helpers.optimizers.FusedRMSprop`: Keras'
        RMSprop update in one kernel per weight (the appendix measures it).
        """
        self.d_optimizer = d_optimizer or FusedRMSprop()
        self.g_optimizer = g_optimizer or FusedRMSprop()
        for name in ("d_optimizer", "g_optimizer"):
            checks.instance(
                name, getattr(self, name), keras.optimizers.Optimizer
            )
        if self.d_optimizer is self.g_optimizer:
            raise ValueError(
                "g_optimizer: must be another object than d_optimizer "
                "(each keeps the state of its own network's weights)"
            )
        super().compile(optimizer=self.g_optimizer, **kwargs)
        # Built now, so that a checkpoint can be loaded before any step.
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    @property
    def metrics(self) -> list[keras.metrics.Metric]:
        return list(self.trackers.values())

    def call(self, codings, training: bool = False):
        """Generated images for ``codings``."""
        return self.generator(codings, training=training)

    def train_step(self, real):
        batch = ops.shape(real)[0]
        ones, zeros = ops.ones((batch, 1)), ops.zeros((batch, 1))
        size = (batch, self.codings_size)
        # Phase 1: the discriminator, on a real and a generated batch.
        codings = sample_codings(size, self.prior, self.seed_generator)
        fake = self.generator(codings, training=True)
        d_weights = self.discriminator.trainable_weights
        with tf.GradientTape() as tape:
            p_real = self.discriminator(real, training=True)
            p_fake = self.discriminator(fake, training=True)
            d_loss = 0.5 * (
                self.bce(ones, p_real) + self.bce(zeros, p_fake)
            )
        d_grads = tape.gradient(d_loss, d_weights)
        self.d_optimizer.apply_gradients(zip(d_grads, d_weights))
        # Phase 2: the generator, through the untouched discriminator.
        codings = sample_codings(size, self.prior, self.seed_generator)
        g_weights = self.generator.trainable_weights
        with tf.GradientTape() as tape:
            fake = self.generator(codings, training=True)
            p_fake_2 = self.discriminator(fake, training=True)
            g_loss = self.bce(ones, p_fake_2)  # every label says "real"
        g_grads = tape.gradient(g_loss, g_weights)
        self.g_optimizer.apply_gradients(zip(g_grads, g_weights))
        right = ops.mean(ops.cast(p_real > 0.5, "float32")) + ops.mean(
            ops.cast(p_fake < 0.5, "float32")
        )
        values = {
            "d_loss": d_loss,
            "g_loss": g_loss,
            "d_accuracy": right / 2,
        }
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {name: t.result() for name, t in self.trackers.items()}

    def fit(self, x=None, y=None, **kwargs):
        """``keras.Model.fit``, after checking the images' range and
        shape (the generator's output's).
        """
        first = checks.fit_data("x", x, self.data_range)
        checks.fits_model("x", first, self.generator, "outputs")
        return super().fit(x, y, **kwargs)

    def generate(self, codings: Any, batch_size: int = 1000) -> np.ndarray:
        """Images for given codings (NumPy in and out), inference mode."""
        codings = checks.as_array(
            "codings", codings, shape=(None, self.codings_size)
        ).astype("float32")
        checks.positive_int("batch_size", batch_size)
        return self.generator.predict(
            codings, batch_size=batch_size, verbose=0
        )

    def get_config(self) -> dict[str, Any]:
        config = {
            **super().get_config(),
            "prior": self.prior,
            "seed": self.seed,
            "data_range": list(self.data_range),
        }
        return config_with_parts(
            config,
            generator=self.generator,
            discriminator=self.discriminator,
        )

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> GAN:
        parts, rest = split_parts(config, "generator", "discriminator")
        rest["data_range"] = tuple(rest.get("data_range", (0.0, 1.0)))
        return cls(*parts, **rest)
