"""The conditional GAN (Mirza & Osindero 2014): the class label steers.

Both networks take the label as a second input; the discriminator learns
to reject images that do not match their label, which forces the generator
to obey it. The same two phases as :class:`helpers.gan.GAN`, on
``(images, labels)`` pairs.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf
from keras import ops

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks
from helpers.gan import GAN
from helpers.priors import sample_codings


@keras.saving.register_keras_serializable(package="helpers")
class ConditionalGAN(GAN):
    """Networks called as ``generator([codings, labels])`` and
    ``discriminator([images, labels])``.

    Trains with ``fit((images, labels))``; the generator is asked for the
    labels of each real batch.
    """

    def __init__(
        self,
        generator,
        discriminator,
        num_classes: int = 10,
        **kwargs: Any,
    ):
        super().__init__(generator, discriminator, **kwargs)
        self.num_classes = checks.positive_int(
            "num_classes", num_classes, minimum=2
        )

    def train_step(self, data):
        real, labels = data
        batch = ops.shape(real)[0]
        ones, zeros = ops.ones((batch, 1)), ops.zeros((batch, 1))
        size = (batch, self.codings_size)
        # Phase 1: the discriminator, on real and generated (image, label).
        codings = sample_codings(size, self.prior, self.seed_generator)
        fake = self.generator([codings, labels], training=True)
        d_weights = self.discriminator.trainable_weights
        with tf.GradientTape() as tape:
            p_real = self.discriminator([real, labels], training=True)
            p_fake = self.discriminator([fake, labels], training=True)
            d_loss = 0.5 * (
                self.bce(ones, p_real) + self.bce(zeros, p_fake)
            )
        d_grads = tape.gradient(d_loss, d_weights)
        self.d_optimizer.apply_gradients(zip(d_grads, d_weights))
        # Phase 2: the generator, asked for the same labels.
        codings = sample_codings(size, self.prior, self.seed_generator)
        g_weights = self.generator.trainable_weights
        with tf.GradientTape() as tape:
            fake = self.generator([codings, labels], training=True)
            p_fake_2 = self.discriminator([fake, labels], training=True)
            g_loss = self.bce(ones, p_fake_2)
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
        """``fit((images, labels))``, after checking both."""
        if isinstance(x, (tuple, list)):
            if len(x) != 2:
                raise ValueError("x: expected (images, labels)")
            checks.labels("x[1]", x[1], self.num_classes, len(x[0]))
            if y is None:  # else Keras hands train_step ((x, y),)
                x, y = x
        return super().fit(x, y, **kwargs)

    def generate(
        self, codings: Any, labels: Any = None, batch_size: int = 1000
    ) -> np.ndarray:
        """Images for given codings and one class label per coding."""
        codings = checks.as_array(
            "codings", codings, shape=(None, self.codings_size)
        ).astype("float32")
        if labels is None:
            raise ValueError(
                "labels: this GAN is conditional; pass one label "
                "per coding"
            )
        labels = checks.labels(
            "labels", labels, self.num_classes, len(codings)
        ).astype("int32")
        checks.positive_int("batch_size", batch_size)
        return self.generator.predict(
            [codings, labels], batch_size=batch_size, verbose=0
        )

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "num_classes": self.num_classes}
