"""InfoGAN (Chen et al. 2016): codes the generator must keep recoverable.

The generator's input is noise plus a categorical code (one of ``n_cat``
values) and continuous codes; an auxiliary head Q on the discriminator's
features tries to recover the codes from the image. Maximising a lower
bound on the mutual information between codes and image (the log-
likelihood of the codes under Q) makes each code control something
visible, without labels. Taught in chapter 9.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf
from keras import ops

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks
from helpers.gan_networks import dcgan_init
from helpers.samplers import DecoderSampler
from helpers.saving import config_with_parts, split_parts

L = keras.layers


def sample_info_codes(
    n: int,
    noise: int,
    n_cat: int,
    n_cont: int,
    seed: Any = None,
    categories: Any = None,
):
    """``(inputs, categories, continuous)``: generator input and its codes.

    ``inputs`` is ``[noise | one-hot category | continuous]``; noise from
    N(0, 1), continuous codes from U(-1, 1), categories uniform unless
    given (one per row). Sizes are checked where known (inside a compiled
    step ``n`` is a tensor).
    """
    if not hasattr(n, "shape"):
        checks.positive_int("n", n)
    checks.positive_int("noise", noise)
    checks.positive_int("n_cat", n_cat, minimum=2)
    checks.positive_int("n_cont", n_cont, minimum=0)
    if seed is not None and not isinstance(
        seed, keras.random.SeedGenerator
    ):
        # One generator for the three draws: one integer seed for all
        # would draw them from the same random bits (the noise would be
        # a function of the continuous codes).
        seed = keras.random.SeedGenerator(
            checks.positive_int("seed", seed, minimum=0)
        )
    if categories is not None and tf.executing_eagerly():
        checks.labels("categories", np.asarray(categories), n_cat, n)
    if categories is None:
        categories = keras.random.randint((n,), 0, n_cat, seed=seed)
    z = keras.random.normal((n, noise), seed=seed)
    c = keras.random.uniform((n, n_cont), -1.0, 1.0, seed=seed)
    one_hot = ops.one_hot(categories, n_cat)
    return ops.concatenate([z, one_hot, c], axis=-1), categories, c


def infogan_discriminator(
    width: int = 64, n_cat: int = 10, n_cont: int = 2
) -> keras.Model:
    """DCGAN discriminator body with two heads: P(real), and Q(codes).

    Q gives the categorical code's logits and the continuous codes' means
    (a Gaussian with unit variance, so its log-likelihood is a squared
    error).
    """
    checks.positive_int("width", width)
    checks.positive_int("n_cat", n_cat, minimum=2)
    checks.positive_int("n_cont", n_cont)
    images = keras.Input((28, 28), name="images")
    h = L.Reshape((28, 28, 1))(images)
    h = L.Conv2D(
        width,
        4,
        strides=2,
        padding="same",
        kernel_initializer=dcgan_init(),
    )(h)
    h = L.LeakyReLU(0.2)(h)
    h = L.Conv2D(
        2 * width,
        4,
        strides=2,
        padding="same",
        use_bias=False,
        kernel_initializer=dcgan_init(),
    )(h)
    h = L.Flatten()(L.LeakyReLU(0.2)(L.BatchNormalization()(h)))
    p_real = L.Dense(1, activation="sigmoid", name="p_real")(h)
    q = L.LeakyReLU(0.2)(L.Dense(128, name="q_hidden")(h))
    q_cat = L.Dense(n_cat, name="q_category")(q)
    q_cont = L.Dense(n_cont, name="q_continuous")(q)
    return keras.Model(
        images, [p_real, q_cat, q_cont], name="infogan_discriminator"
    )


@keras.saving.register_keras_serializable(package="helpers")
class InfoGAN(keras.Model):
    """Generator and a two-headed discriminator, with the information term.

    As in Chen et al.'s code, the information loss ``L_I`` (the codes'
    negative log-likelihood under Q: cross-entropy for the category, half
    the squared error for the continuous codes, on generated images) joins
    both players' losses: phase 1 trains the whole discriminator, body and
    both heads, on the GAN loss plus ``info_weight * L_I``; phase 2 trains
    the generator on its GAN loss plus ``info_weight * L_I``.
    """

    data_range = (-1.0, 1.0)

    def __init__(
        self,
        generator,
        discriminator,
        noise: int = 62,
        n_cat: int = 10,
        n_cont: int = 2,
        info_weight: float = 1.0,
        seed: int | None = None,
        **kwargs: Any,
    ):
        checks.instance("generator", generator, keras.Model)
        checks.instance("discriminator", discriminator, keras.Model)
        if seed is not None:
            checks.positive_int("seed", seed, minimum=0)
        super().__init__(**kwargs)
        self.generator, self.discriminator = generator, discriminator
        self.noise = checks.positive_int("noise", noise)
        self.n_cat = checks.positive_int("n_cat", n_cat, minimum=2)
        self.n_cont = checks.positive_int("n_cont", n_cont, minimum=0)
        self.info_weight = checks.number(
            "info_weight", info_weight, low=0.0
        )
        width = int(generator.inputs[0].shape[-1])
        if width != noise + n_cat + n_cont:
            raise ValueError(
                f"generator: expected {noise + n_cat + n_cont} inputs "
                f"(noise + n_cat + n_cont), got {width}"
            )
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.bce = keras.losses.BinaryCrossentropy()
        self.cce = keras.losses.SparseCategoricalCrossentropy(
            from_logits=True
        )
        names = ("d_loss", "g_loss", "info_loss", "q_accuracy")
        self.trackers = {n: keras.metrics.Mean(name=n) for n in names}
        self.built = True

    def compile(self, d_optimizer=None, g_optimizer=None, **kwargs):
        """Adam(2e-4, beta_1=0.5) for each side, as for the DCGAN."""

        def adam():
            return keras.optimizers.Adam(2e-4, beta_1=0.5)

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

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    def fit(self, x=None, y=None, **kwargs):
        """``keras.Model.fit``, after checking the images (in [-1, 1])."""
        first = checks.fit_data("x", x, self.data_range)
        checks.fits_model("x", first, self.generator, "outputs")
        return super().fit(x, y, **kwargs)

    def information_loss(self, q_cat, q_cont, cat, cont):
        """The codes' negative log-likelihood under Q (up to constants)."""
        checks.same_shape("q_cont", q_cont, "cont", cont)
        if len(checks.shape_of(q_cat, "q_cat")) != 2:
            raise ValueError("q_cat: expected (batch, n_cat) logits")
        squared = ops.sum(ops.square(q_cont - cont), axis=-1)
        return self.cce(cat, q_cat) + 0.5 * ops.mean(squared)

    def train_step(self, real):
        batch = ops.shape(real)[0]
        ones, zeros = ops.ones((batch, 1)), ops.zeros((batch, 1))
        n, k, m = self.noise, self.n_cat, self.n_cont
        # Phase 1: the discriminator and Q, on a real and a fake batch.
        inputs, cat, cont = sample_info_codes(
            batch, n, k, m, self.seed_generator
        )
        fake = self.generator(inputs, training=True)
        d_weights = self.discriminator.trainable_weights
        with tf.GradientTape() as tape:
            p_real = self.discriminator(real, training=True)[0]
            p_fake, q_cat, q_cont = self.discriminator(fake, training=True)
            d_loss = 0.5 * (
                self.bce(ones, p_real) + self.bce(zeros, p_fake)
            )
            info = self.information_loss(q_cat, q_cont, cat, cont)
            total = d_loss + self.info_weight * info
        grads = tape.gradient(total, d_weights)
        self.d_optimizer.apply_gradients(zip(grads, d_weights))
        # Phase 2: the generator: fool D, and keep the codes readable.
        inputs, cat, cont = sample_info_codes(
            batch, n, k, m, self.seed_generator
        )
        g_weights = self.generator.trainable_weights
        with tf.GradientTape() as tape:
            fake = self.generator(inputs, training=True)
            p_fake, q_cat, q_cont = self.discriminator(fake, training=True)
            g_loss = self.bce(ones, p_fake)
            info = self.information_loss(q_cat, q_cont, cat, cont)
            total = g_loss + self.info_weight * info
        grads = tape.gradient(total, g_weights)
        self.g_optimizer.apply_gradients(zip(grads, g_weights))
        hit = ops.cast(ops.argmax(q_cat, axis=-1), "int32") == ops.cast(
            cat, "int32"
        )
        values = {
            "d_loss": d_loss,
            "g_loss": g_loss,
            "info_loss": info,
            "q_accuracy": ops.mean(ops.cast(hit, "float32")),
        }
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {name: t.result() for name, t in self.trackers.items()}

    def generate(
        self, categories: Any, continuous: Any, seed: int = 0
    ) -> np.ndarray:
        """Images for given categories and continuous codes (new noise)."""
        cat = checks.labels("categories", categories, self.n_cat)
        cont = checks.as_array(
            "continuous", continuous, shape=(len(cat), self.n_cont)
        )
        seed = checks.positive_int("seed", seed, minimum=0)
        z = np.random.default_rng(seed).standard_normal(
            (len(cat), self.noise)
        )
        one_hot = np.eye(self.n_cat)[cat]
        x = np.concatenate([z, one_hot, cont], axis=1).astype("float32")
        return self.generator.predict(x, batch_size=1000, verbose=0)

    def get_config(self) -> dict[str, Any]:
        config = {
            **super().get_config(),
            "noise": self.noise,
            "n_cat": self.n_cat,
            "n_cont": self.n_cont,
            "info_weight": self.info_weight,
            "seed": self.seed,
        }
        return config_with_parts(
            config,
            generator=self.generator,
            discriminator=self.discriminator,
        )

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> InfoGAN:
        parts, rest = split_parts(config, "generator", "discriminator")
        return cls(*parts, **rest)


def code_class_agreement(
    codes: Any, classes: Any, n_cat: int = 10, num_classes: int = 10
) -> dict[str, Any]:
    """How well a categorical code matches classes, without labels.

    ``accuracy``: the share of images whose code maps to their class
    under the best one-to-one matching of code values to classes
    (Hungarian algorithm); ``mutual_information``: I(code; class) in bits
    from the joint histogram (log2(10) ≈ 3.32 when the code determines a
    uniform class); ``matching``: code value -> class.
    """
    from scipy.optimize import linear_sum_assignment

    checks.positive_int("n_cat", n_cat, minimum=2)
    checks.positive_int("num_classes", num_classes, minimum=2)
    c = checks.labels("codes", codes, n_cat)
    y = checks.labels("classes", classes, num_classes, len(c))
    joint = np.zeros((n_cat, num_classes))
    np.add.at(joint, (c, y), 1)
    rows, cols = linear_sum_assignment(-joint)
    accuracy = float(joint[rows, cols].sum() / len(c))
    p = joint / joint.sum()
    pc, py = p.sum(axis=1, keepdims=True), p.sum(axis=0, keepdims=True)
    nz = p > 0
    mi = float(np.sum(p[nz] * np.log2(p[nz] / (pc @ py)[nz])))
    return {
        "accuracy": accuracy,
        "mutual_information": mi,
        "matching": dict(zip(rows.tolist(), cols.tolist())),
    }


@keras.saving.register_keras_serializable(package="helpers")
class InfoCodesSampler(DecoderSampler):
    """An InfoGAN generator as a store sampler: fresh noise and codes."""

    def __init__(
        self,
        network,
        noise: int = 62,
        n_cat: int = 10,
        n_cont: int = 2,
        **kwargs: Any,
    ):
        kwargs.setdefault("output_range", (-1.0, 1.0))
        super().__init__(network, **kwargs)
        checks.positive_int("noise", noise)
        checks.positive_int("n_cat", n_cat, minimum=2)
        checks.positive_int("n_cont", n_cont, minimum=0)
        if noise + n_cat + n_cont != self.codings_size:
            raise ValueError(
                f"network: expected {noise + n_cat + n_cont} inputs "
                f"(noise + n_cat + n_cont), got {self.codings_size}"
            )
        self.noise, self.n_cat, self.n_cont = noise, n_cat, n_cont

    def codings(self, n: int, seed: int) -> np.ndarray:
        """Generator inputs ``[noise | one-hot category | continuous]``."""
        n = checks.positive_int("n", n)
        seed = checks.positive_int("seed", seed, minimum=0)
        x, _, _ = sample_info_codes(
            n, self.noise, self.n_cat, self.n_cont, seed=seed
        )
        return ops.convert_to_numpy(x).astype("float32")

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "noise": self.noise,
            "n_cat": self.n_cat,
            "n_cont": self.n_cont,
        }
