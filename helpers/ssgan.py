"""A semi-supervised GAN (Salimans et al. 2016): a classifier that judges.

The discriminator outputs K class logits ``l(x)`` and no separate
real/fake unit: with ``Z(x) = sum_k exp(l_k(x))``, ``D(x) = Z / (Z + 1)``
is its probability that ``x`` is real. Labelled images train the logits as
a classifier (cross-entropy); unlabelled real images and generated ones
train ``D`` as in a GAN, which shapes the same features without labels.
The generator matches the mean of the discriminator's features on real
data (feature matching). Taught in chapter 9.
"""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf
from keras import ops

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks
from helpers.saving import config_with_parts, split_parts

L = keras.layers


def ssgan_discriminator(num_classes: int = 10) -> keras.Model:
    """A noisy dense classifier: returns ``[logits, features]``.

    Gaussian noise on the input and on each hidden layer (Salimans et
    al.'s MNIST network, narrower), ReLU units, the last hidden layer as
    the features the generator matches.
    """
    checks.positive_int("num_classes", num_classes, minimum=2)
    images = keras.Input((28, 28))
    h = L.GaussianNoise(0.3)(L.Flatten()(images))
    for units in (500, 250):
        h = L.GaussianNoise(0.5)(L.Dense(units, activation="relu")(h))
    features = L.Dense(250, activation="relu", name="features")(h)
    logits = L.Dense(num_classes, name="logits")(features)
    return keras.Model(images, [logits, features], name="ssgan_d")


def ssgan_generator(codings_size: int = 100) -> keras.Model:
    """Codings -> 500 -> 500 (softplus, batch norm) -> pixels in [0, 1]."""
    checks.positive_int("codings_size", codings_size)
    return keras.Sequential(
        [
            keras.Input((codings_size,)),
            L.Dense(500, activation="softplus"),
            L.BatchNormalization(),
            L.Dense(500, activation="softplus"),
            L.BatchNormalization(),
            L.Dense(784, activation="sigmoid"),
            L.Reshape((28, 28)),
        ],
        name="ssgan_g",
    )


def log_real_probability(logits):
    """``log D(x)`` and ``log(1 - D(x))`` with ``D = Z / (Z + 1)``.

    ``logits`` holds one row of class logits per example.
    """
    shape = checks.shape_of(logits, "logits")
    if len(shape) != 2:
        raise ValueError(
            f"logits: expected (batch, classes), got shape {shape}"
        )
    lse = ops.logsumexp(logits, axis=-1)
    return lse - ops.softplus(lse), -ops.softplus(lse)


@keras.saving.register_keras_serializable(package="helpers")
class SemiSupervisedGAN(keras.Model):
    """Trains on ``(unlabelled, labelled, labels)`` triples per batch.

    Logged: ``d_loss`` (supervised + unsupervised), ``supervised_loss``,
    ``g_loss`` (feature matching) and ``accuracy`` on the labelled batch.
    Calling the model classifies: it returns the class logits.
    """

    data_range = (0.0, 1.0)

    def __init__(
        self,
        generator,
        discriminator,
        seed: int | None = None,
        **kwargs: Any,
    ):
        checks.instance("generator", generator, keras.Model)
        checks.instance("discriminator", discriminator, keras.Model)
        if seed is not None:
            checks.positive_int("seed", seed, minimum=0)
        super().__init__(**kwargs)
        self.generator, self.discriminator = generator, discriminator
        self.codings_size = int(generator.inputs[0].shape[-1])
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.cce = keras.losses.SparseCategoricalCrossentropy(
            from_logits=True
        )
        names = ("d_loss", "supervised_loss", "g_loss", "accuracy")
        self.trackers = {n: keras.metrics.Mean(name=n) for n in names}
        self.built = True

    def compile(self, d_optimizer=None, g_optimizer=None, **kwargs):
        """Adam(3e-4, beta_1=0.5) for each network (Salimans et al. used
        3e-3 on MNIST, with weight-normalised layers)."""

        def adam():
            return keras.optimizers.Adam(3e-4, beta_1=0.5)

        self.d_optimizer = d_optimizer or adam()
        self.g_optimizer = g_optimizer or adam()
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
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, images, training=False):
        return self.discriminator(images, training=training)[0]

    def fit(self, x=None, y=None, **kwargs):
        """``keras.Model.fit``, after checking the images lie in [0, 1]."""
        first = checks.fit_data("x", x, self.data_range)
        checks.fits_model("x", first, self.generator, "outputs")
        return super().fit(x, y, **kwargs)

    def train_step(self, data):
        if len(data) == 1:  # fit(x=(...)): Keras hands ((u, l, y),)
            data = data[0]
        unlabelled, labelled, labels = data
        batch = ops.shape(unlabelled)[0]
        size = (batch, self.codings_size)
        # The discriminator: classify the labelled, judge real vs fake.
        codings = keras.random.normal(size, seed=self.seed_generator)
        fake = self.generator(codings, training=True)
        d_weights = self.discriminator.trainable_weights
        with tf.GradientTape() as tape:
            logits_lab, _ = self.discriminator(labelled, training=True)
            logits_unl, _ = self.discriminator(unlabelled, training=True)
            logits_fake, _ = self.discriminator(fake, training=True)
            supervised = self.cce(labels, logits_lab)
            log_d_real, _ = log_real_probability(logits_unl)
            _, log_not_d_fake = log_real_probability(logits_fake)
            unsupervised = -ops.mean(log_d_real) - ops.mean(log_not_d_fake)
            d_loss = supervised + unsupervised
        grads = tape.gradient(d_loss, d_weights)
        self.d_optimizer.apply_gradients(zip(grads, d_weights))
        # The generator: match the mean features of real images.
        codings = keras.random.normal(size, seed=self.seed_generator)
        g_weights = self.generator.trainable_weights
        with tf.GradientTape() as tape:
            fake = self.generator(codings, training=True)
            _, f_fake = self.discriminator(fake, training=True)
            _, f_real = self.discriminator(unlabelled, training=True)
            mean_gap = ops.mean(f_real, axis=0) - ops.mean(f_fake, axis=0)
            g_loss = ops.mean(ops.square(mean_gap))
        grads = tape.gradient(g_loss, g_weights)
        self.g_optimizer.apply_gradients(zip(grads, g_weights))
        predicted = ops.cast(ops.argmax(logits_lab, axis=-1), "int32")
        hit = predicted == ops.cast(labels, "int32")
        values = {
            "d_loss": d_loss,
            "supervised_loss": supervised,
            "g_loss": g_loss,
            "accuracy": ops.mean(ops.cast(hit, "float32")),
        }
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {name: t.result() for name, t in self.trackers.items()}

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "seed": self.seed}
        return config_with_parts(
            config,
            generator=self.generator,
            discriminator=self.discriminator,
        )

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> SemiSupervisedGAN:
        parts, rest = split_parts(config, "generator", "discriminator")
        return cls(*parts, **rest)
