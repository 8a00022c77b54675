"""Generative adversarial networks (Goodfellow et al. 2014), taught in the GAN chapter.

Three pieces that later chapters and the benchmark reuse:

* :func:`sample_codings` draws the generator's input from a named *prior* (normal,
  uniform on [0, 1] or [-1, 1], Weibull), the choice the course's students compared;
* :func:`two_phase_epoch` is the lecture's loop (``train_on_batch`` on the discriminator,
  then on the combined model through a frozen discriminator), written so that it really
  trains both networks under Keras 3;
* :class:`GAN` is the same two phases as a ``keras.Model`` with its own ``train_step``,
  so ``fit()``, callbacks, checkpoints and ``tf.distribute`` strategies all work.
  With ``num_classes`` it is the conditional GAN of Mirza & Osindero (2014).
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import helpers  # noqa: F401  (pins the TensorFlow backend before keras is imported)
import keras
import numpy as np
import tensorflow as tf
from keras import ops

from helpers.checks import as_array, positive_int
from helpers.saving import config_with_parts, split_parts

PRIORS: tuple[str, ...] = ("normal", "uniform", "uniform_sym", "weibull")
WEIBULL_SHAPE = 1.5  # k of the Weibull prior (scale 1): skewed, non-negative codings


def sample_codings(shape: tuple[int, ...], prior: str = "normal", seed: Any = None):
    """Draw generator codings of ``shape`` from ``prior`` as a tensor.

    ``normal``: N(0, 1); ``uniform``: U(0, 1) (NumPy's default, which the students used);
    ``uniform_sym``: U(-1, 1); ``weibull``: Weibull(k=1.5, scale 1), drawn by inverting
    its CDF, ``(-log(1 - u))^(1/k)``. ``seed`` is an int or a ``keras.random.SeedGenerator``.
    """
    if prior == "normal":
        return keras.random.normal(shape, seed=seed)
    if prior == "uniform":
        return keras.random.uniform(shape, 0.0, 1.0, seed=seed)
    if prior == "uniform_sym":
        return keras.random.uniform(shape, -1.0, 1.0, seed=seed)
    if prior == "weibull":
        u = keras.random.uniform(shape, 0.0, 1.0 - 1e-7, seed=seed)
        return ops.power(-ops.log1p(-u), 1.0 / WEIBULL_SHAPE)
    raise ValueError(f"prior: expected one of {PRIORS}, got {prior!r}")


def dense_generator(codings_size: int = 30, image_shape: tuple[int, int] = (28, 28),
                    name: str = "generator") -> keras.Sequential:
    """The lecture's generator: codings -> 100 -> 150 -> 784 (SELU, then sigmoid for [0, 1] pixels)."""
    positive_int("codings_size", codings_size)
    return keras.Sequential([
        keras.Input((codings_size,)),
        keras.layers.Dense(100, activation="selu", kernel_initializer="lecun_normal"),
        keras.layers.Dense(150, activation="selu", kernel_initializer="lecun_normal"),
        keras.layers.Dense(int(np.prod(image_shape)), activation="sigmoid"),
        keras.layers.Reshape(image_shape),
    ], name=name)


def dense_discriminator(image_shape: tuple[int, int] = (28, 28), minibatch_std: bool = False,
                        name: str = "discriminator") -> keras.Sequential:
    """The lecture's discriminator: 784 -> 150 -> 100 -> 1 (SELU, then the probability of "real").

    ``minibatch_std=True`` inserts :class:`helpers.layers.MinibatchStdDev` after the first
    hidden layer, so the discriminator can see a batch's lack of variety (mode collapse).
    """
    from helpers.layers import MinibatchStdDev

    return keras.Sequential([
        keras.Input(image_shape),
        keras.layers.Flatten(),
        keras.layers.Dense(150, activation="selu", kernel_initializer="lecun_normal"),
        *([MinibatchStdDev()] if minibatch_std else []),
        keras.layers.Dense(100, activation="selu", kernel_initializer="lecun_normal"),
        keras.layers.Dense(1, activation="sigmoid"),
    ], name=name)


def _dcgan_init() -> keras.initializers.Initializer:
    return keras.initializers.RandomNormal(0.0, 0.02)  # Radford et al.: all weights from N(0, 0.02)


def dcgan_generator(codings_size: int = 100, width: int = 64, num_classes: int | None = None,
                    name: str = "dcgan_generator") -> keras.Model:
    """DCGAN generator (Radford et al. 2016) for 28x28 images, pixels in [-1, 1].

    Project and reshape the codings to 7x7x(2*width), then two stride-2 transposed
    convolutions (7 -> 14 -> 28): batch normalisation and ReLU inside, tanh at the output,
    no pooling and no dense hidden layer. With ``num_classes`` the label enters as a
    one-hot vector concatenated to the codings (Mirza & Osindero 2014), and the model
    takes ``[codings, labels]``.
    """
    positive_int("codings_size", codings_size)
    positive_int("width", width)
    L = keras.layers
    codings = keras.Input((codings_size,), name="codings")
    inputs, h = [codings], codings
    if num_classes is not None:
        labels = keras.Input((), dtype="int32", name="labels")
        inputs.append(labels)
        h = L.Concatenate()([codings, L.CategoryEncoding(num_classes, output_mode="one_hot")(labels)])
    h = L.Dense(7 * 7 * 2 * width, use_bias=False, kernel_initializer=_dcgan_init())(h)
    h = L.Reshape((7, 7, 2 * width))(L.ReLU()(L.BatchNormalization()(h)))
    h = L.Conv2DTranspose(width, 4, strides=2, padding="same", use_bias=False,
                          kernel_initializer=_dcgan_init())(h)
    h = L.ReLU()(L.BatchNormalization()(h))
    h = L.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh",
                          kernel_initializer=_dcgan_init())(h)
    return keras.Model(inputs if num_classes is not None else codings, L.Reshape((28, 28))(h), name=name)


def dcgan_discriminator(width: int = 64, num_classes: int | None = None,
                        name: str = "dcgan_discriminator") -> keras.Model:
    """DCGAN discriminator for 28x28 images in [-1, 1]: two stride-2 convolutions, LeakyReLU(0.2).

    Batch normalisation on the second convolution (not on the input layer, as Radford
    et al. advise), no pooling, no dense hidden layer: the last feature map is flattened
    into the single sigmoid output. With ``num_classes`` the label becomes a learned
    28x28 map stacked on the image as a second channel; the model takes ``[images, labels]``.
    """
    positive_int("width", width)
    L = keras.layers
    images = keras.Input((28, 28), name="images")
    inputs, h = [images], L.Reshape((28, 28, 1))(images)
    if num_classes is not None:
        labels = keras.Input((), dtype="int32", name="labels")
        inputs.append(labels)
        label_map = L.Reshape((28, 28, 1))(L.Embedding(num_classes, 28 * 28)(labels))
        h = L.Concatenate()([h, label_map])
    h = L.Conv2D(width, 4, strides=2, padding="same", kernel_initializer=_dcgan_init())(h)
    h = L.LeakyReLU(0.2)(h)
    h = L.Conv2D(2 * width, 4, strides=2, padding="same", use_bias=False, kernel_initializer=_dcgan_init())(h)
    h = L.LeakyReLU(0.2)(L.BatchNormalization()(h))
    out = L.Dense(1, activation="sigmoid", kernel_initializer=_dcgan_init())(L.Flatten()(h))
    return keras.Model(inputs if num_classes is not None else images, out, name=name)


def two_phase_step(generator: keras.Model, discriminator: keras.Model, gan: keras.Model,
                   real: np.ndarray, prior: str = "normal", rng: np.random.Generator | None = None,
                   on_phase: Callable[[int], None] | None = None) -> tuple[float, float]:
    """One batch of the lecture's loop; returns ``(discriminator loss, generator loss)``.

    ``discriminator`` and ``gan`` (= generator then discriminator) must be compiled.
    Keras 3 reads ``trainable`` when a model *trains*, not when it is compiled, so the
    flag is switched before each phase: on for phase 1, off for phase 2. (Set it off
    once before compiling ``gan``, as Keras 2 code did, and the discriminator never
    learns.) ``on_phase(1)`` and ``on_phase(2)`` are called after each phase, for checks.
    """
    rng = rng or np.random.default_rng()
    batch_size, codings_size = len(real), generator.input_shape[-1]

    def codings():
        return ops.convert_to_numpy(sample_codings((batch_size, codings_size), prior,
                                                   seed=int(rng.integers(2**31))))

    # Phase 1: the discriminator learns real (1) from fake (0), half and half.
    fake = generator.predict_on_batch(codings())
    x = np.concatenate([fake, real])
    y = np.concatenate([np.zeros((batch_size, 1)), np.ones((batch_size, 1))]).astype("float32")
    discriminator.trainable = True
    d_loss = float(np.mean(discriminator.train_on_batch(x, y)))
    if on_phase:
        on_phase(1)
    # Phase 2: the generator learns to make the frozen discriminator say "real".
    discriminator.trainable = False
    g_loss = float(np.mean(gan.train_on_batch(codings(), np.ones((batch_size, 1), "float32"))))
    discriminator.trainable = True
    if on_phase:
        on_phase(2)
    return d_loss, g_loss


def two_phase_epoch(generator: keras.Model, discriminator: keras.Model, gan: keras.Model,
                    images: np.ndarray, batch_size: int = 32, prior: str = "normal",
                    rng: np.random.Generator | None = None) -> dict[str, float]:
    """One epoch of :func:`two_phase_step` over shuffled ``images``; the mean loss of each phase."""
    batch_size = positive_int("batch_size", batch_size)
    rng = rng or np.random.default_rng()
    order = rng.permutation(len(images))
    losses = [two_phase_step(generator, discriminator, gan, images[order[i:i + batch_size]], prior, rng)
              for i in range(0, len(images) - batch_size + 1, batch_size)]
    d_losses, g_losses = zip(*losses)
    return {"d_loss": float(np.mean(d_losses)), "g_loss": float(np.mean(g_losses))}


@keras.saving.register_keras_serializable(package="helpers")
class GAN(keras.Model):
    """The two-phase GAN step, compiled: ``fit(images)`` or, if conditional, ``fit((images, labels))``.

    Each ``train_step`` does what the lecture's loop does per batch: (1) one update of
    the discriminator on a real batch (label 1) and a generated batch (label 0), taking
    gradients for ``discriminator.trainable_weights`` only; (2) one update of the generator
    through the discriminator with every label 1, for ``generator.trainable_weights`` only.
    Naming the weights of each phase explicitly is what freezing did in Keras 2.

    With ``num_classes``, both networks take the class label as a second input
    (``generator([codings, labels])``, ``discriminator([images, labels])``) and the
    generator is asked for the labels of the real batch.
    Logged per epoch: ``d_loss``, ``g_loss`` and ``d_accuracy`` (the discriminator's
    accuracy on the batch it trained on, real and fake).
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, prior: str = "normal",
                 num_classes: int | None = None, seed: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if prior not in PRIORS:
            raise ValueError(f"prior: expected one of {PRIORS}, got {prior!r}")
        if num_classes is not None:
            positive_int("num_classes", num_classes)
        self.generator, self.discriminator = generator, discriminator
        self.prior, self.num_classes, self.seed = prior, num_classes, seed
        self.codings_size = int(generator.inputs[0].shape[-1])  # the codings are the first input
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.bce = keras.losses.BinaryCrossentropy()
        self.trackers = {name: keras.metrics.Mean(name=name)
                         for name in ("d_loss", "g_loss", "d_accuracy")}
        self.built = True  # all weights live in the two sub-models, built by keras.Input

    def compile(self, d_optimizer: keras.optimizers.Optimizer | None = None,
                g_optimizer: keras.optimizers.Optimizer | None = None, **kwargs: Any) -> None:
        """Give each network its own optimizer (default: RMSprop, as in the lecture)."""
        self.d_optimizer = d_optimizer or keras.optimizers.RMSprop()
        self.g_optimizer = g_optimizer or keras.optimizers.RMSprop()
        if self.d_optimizer is self.g_optimizer:
            raise ValueError("g_optimizer: must be a different object from d_optimizer "
                             "(each keeps the state of its own network's weights)")
        # Keras' own `optimizer` is the generator's; both are built now so that a
        # checkpoint can be loaded before the first step.
        super().compile(optimizer=self.g_optimizer, **kwargs)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    @property
    def metrics(self) -> list[keras.metrics.Metric]:
        return list(self.trackers.values())

    def call(self, inputs, training: bool = False):
        """Generate images from codings (and labels, if conditional)."""
        return self.generator(inputs, training=training)

    def generate(self, codings: Any, labels: Any = None, batch_size: int = 1000) -> np.ndarray:
        """Images for given codings (NumPy in, NumPy out), in batches, in inference mode."""
        codings = as_array("codings", codings, shape=(None, self.codings_size)).astype("float32")
        if self.num_classes is None:
            inputs = codings
        else:
            if labels is None:
                raise ValueError("labels: this GAN is conditional; pass one class label per coding")
            labels = as_array("labels", labels, shape=(len(codings),), value_range=(0, self.num_classes - 1))
            inputs = [codings, labels.astype("int32")]
        return self.generator.predict(inputs, batch_size=batch_size, verbose=0)

    def _split(self, data):
        if self.num_classes is None:
            return (data[0] if isinstance(data, tuple) else data), None
        if not isinstance(data, tuple) or len(data) < 2:
            raise ValueError("data: a conditional GAN trains on (images, labels) pairs")
        return data[0], data[1]

    def _with_labels(self, x, labels):
        return x if labels is None else [x, labels]

    def train_step(self, data):
        real, labels = self._split(data)
        batch = ops.shape(real)[0]
        ones, zeros = ops.ones((batch, 1)), ops.zeros((batch, 1))
        # Phase 1: the discriminator, on half real, half fake.
        codings = sample_codings((batch, self.codings_size), self.prior, self.seed_generator)
        fake = self.generator(self._with_labels(codings, labels), training=True)
        d_weights = self.discriminator.trainable_weights
        with tf.GradientTape() as tape:
            p_real = self.discriminator(self._with_labels(real, labels), training=True)
            p_fake = self.discriminator(self._with_labels(fake, labels), training=True)
            d_loss = 0.5 * (self.bce(ones, p_real) + self.bce(zeros, p_fake))
        self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_weights), d_weights))
        # Phase 2: the generator, through the (untouched) discriminator, all labels "real".
        codings = sample_codings((batch, self.codings_size), self.prior, self.seed_generator)
        g_weights = self.generator.trainable_weights
        with tf.GradientTape() as tape:
            fake = self.generator(self._with_labels(codings, labels), training=True)
            g_loss = self.bce(ones, self.discriminator(self._with_labels(fake, labels), training=True))
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_weights), g_weights))
        accuracy = 0.5 * (ops.mean(ops.cast(p_real > 0.5, "float32"))
                          + ops.mean(ops.cast(p_fake < 0.5, "float32")))
        for name, value in (("d_loss", d_loss), ("g_loss", g_loss), ("d_accuracy", accuracy)):
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "prior": self.prior, "num_classes": self.num_classes,
                  "seed": self.seed}
        return config_with_parts(config, generator=self.generator, discriminator=self.discriminator)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "GAN":
        (generator, discriminator), rest = split_parts(config, "generator", "discriminator")
        return cls(generator, discriminator, **rest)


def image_dataset(images: np.ndarray, labels: np.ndarray | None = None, batch_size: int = 32,
                  seed: int = 0, drop_remainder: bool = True) -> tf.data.Dataset:
    """A shuffled, batched, prefetched ``tf.data`` pipeline over images (and labels) held in memory.

    ``cache`` keeps the tensors after the first epoch; ``drop_remainder`` gives every
    step the same batch size (the GAN's two halves then match, and tracing happens once).
    """
    batch_size = positive_int("batch_size", batch_size)
    images = as_array("images", images, ndim=(3, 4)).astype("float32")
    items = images if labels is None else (images, as_array("labels", labels, shape=(len(images),)).astype("int32"))
    ds = tf.data.Dataset.from_tensor_slices(items).cache()
    ds = ds.shuffle(min(len(images), 60_000), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)


def weight_change(model: keras.Model, before: Iterable[np.ndarray]) -> float:
    """Largest absolute change of any weight of ``model`` since the snapshot ``before``.

    Take the snapshot with ``[w.copy() for w in model.get_weights()]``; the GAN chapter
    uses this to check which network a training phase actually moved.
    """
    return float(max(np.max(np.abs(a - b)) for a, b in zip(model.get_weights(), before)))



def _check_range(value_range: tuple[float, float]) -> tuple[float, float]:
    lo, hi = (float(v) for v in value_range)
    if not lo < hi:
        raise ValueError(f"value_range: expected (low, high) with low < high, got {value_range}")
    return lo, hi


def to_unit_range(images: np.ndarray, value_range: tuple[float, float] = (-1.0, 1.0)) -> np.ndarray:
    """Map generator outputs from ``value_range`` (tanh: (-1, 1)) to pixels in [0, 1], clipped."""
    lo, hi = _check_range(value_range)
    return np.clip((np.asarray(images, dtype=np.float32) - lo) / (hi - lo), 0.0, 1.0)


class SampleHistory(keras.callbacks.Callback):
    """Generate images from fixed codings after every ``every``-th epoch and keep them on disk.

    The same codings at every epoch show the *progression* of one generator; ``value_range``
    is the range of the generator's output ((-1, 1) for tanh). Each grid is
    written to ``directory/samples-epoch-NNNN.npy`` (uint8), so a resumed training keeps
    the grids of the epochs it had already done; :meth:`load` reads them all back.
    """

    def __init__(self, directory: str | Path, codings: np.ndarray, labels: np.ndarray | None = None,
                 every: int = 1, value_range: tuple[float, float] = (0.0, 1.0)):
        super().__init__()
        self.directory = Path(directory)
        self.value_range = _check_range(value_range)
        self.codings = as_array("codings", codings, ndim=2).astype("float32")
        self.labels = labels
        self.every = positive_int("every", every)

    def save(self, epoch: int) -> None:
        images = to_unit_range(self.model.generate(self.codings, self.labels), self.value_range)
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.directory / f"tmp-samples-epoch-{epoch:04d}.npy"
        np.save(tmp, np.round(np.clip(images, 0, 1) * 255).astype(np.uint8))
        tmp.replace(self.directory / f"samples-epoch-{epoch:04d}.npy")

    def on_train_begin(self, logs: dict | None = None) -> None:
        if not (self.directory / "samples-epoch-0000.npy").exists():
            self.save(0)  # the untrained generator, for the start of the progression

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if (epoch + 1) % self.every == 0:
            self.save(epoch + 1)

    @staticmethod
    def load(directory: str | Path) -> dict[int, np.ndarray]:
        """``{epoch: images in [0, 1]}`` for every grid saved in ``directory``."""
        files = sorted(Path(directory).glob("samples-epoch-*.npy"))
        return {int(f.stem.rsplit("-", 1)[1]): np.load(f).astype("float32") / 255.0 for f in files}


class ScoreHistory(keras.callbacks.Callback):
    """Score freshly generated images after each epoch and add the numbers to the epoch's logs.

    ``score`` maps images in [0, 1] to a dict, e.g. a bound
    :meth:`helpers.classifier.Classifier.score`. Its scalars go into the logs (so ``fit``'s
    history and the checkpoints keep them, and the progress line shows them); its arrays
    (the class histogram) go to ``directory/scores.json``, one entry per epoch, so a
    resumed training keeps them too.
    """

    def __init__(self, score: Any, directory: str | Path, n: int = 10_000,
                 num_classes: int | None = None, seed: int = 0,
                 value_range: tuple[float, float] = (0.0, 1.0)):
        super().__init__()
        self.value_range = _check_range(value_range)
        self.score, self.n, self.num_classes = score, positive_int("n", n), num_classes
        self.path = Path(directory) / "scores.json"
        self.seed = seed

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        rng = np.random.default_rng([self.seed, epoch])
        codings = ops.convert_to_numpy(sample_codings((self.n, self.model.codings_size), self.model.prior,
                                                      seed=int(rng.integers(2**31))))
        labels = None if self.num_classes is None else np.arange(self.n) % self.num_classes
        scores = self.score(to_unit_range(self.model.generate(codings, labels), self.value_range))
        arrays = {}
        for key, value in scores.items():
            if np.ndim(value) == 0:
                if logs is not None:
                    logs[key] = float(value)
            else:
                arrays[key] = np.asarray(value).tolist()
        history = self.load(self.path.parent)
        history[epoch + 1] = arrays
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name("tmp-scores.json")
        tmp.write_text(json.dumps({str(k): v for k, v in sorted(history.items())}))
        tmp.replace(self.path)

    @staticmethod
    def load(directory: str | Path) -> dict[int, dict[str, Any]]:
        """``{epoch: {name: list}}`` of the arrays scored so far (e.g. ``"histogram"``)."""
        path = Path(directory) / "scores.json"
        if not path.exists():
            return {}
        return {int(k): v for k, v in json.loads(path.read_text()).items()}
