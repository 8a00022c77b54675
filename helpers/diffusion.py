"""Denoising diffusion (Ho 2020; Song 2021; Ho & Salimans 2022).

The forward process adds Gaussian noise in ``T`` small steps; in closed
form, ``x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps`` with ``abar_t``
the product of ``1 - beta_s`` up to ``t``. A network learns to predict
``eps`` from ``(x_t, t)``: one denoising autoencoder for every noise level.
Sampling runs the process backwards, with all ``T`` ancestral steps (DDPM)
or a few deterministic ones (DDIM); classifier-free guidance mixes a
conditional and an unconditional prediction. Taught in chapter 10.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from keras import ops

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks
from helpers.samplers import to_unit_range
from helpers.saving import config_with_parts, split_parts

L = keras.layers
SCHEDULES = ("linear", "cosine")


@dataclass(frozen=True)
class Schedule:
    """The noise schedule: ``betas`` and the products ``alpha_bars``."""

    name: str
    betas: np.ndarray

    @property
    def steps(self) -> int:
        return len(self.betas)

    @property
    def alphas(self) -> np.ndarray:
        return 1.0 - self.betas

    @property
    def alpha_bars(self) -> np.ndarray:
        return np.cumprod(self.alphas)


def make_schedule(name: str = "linear", steps: int = 1000) -> Schedule:
    """Ho et al.'s linear betas (1e-4 to 0.02), or a cosine schedule.

    The linear betas are scaled by ``1000 / steps`` (as much noise in all
    as with T = 1000) and clipped at 0.999, so that few steps stay a valid
    process. Nichol & Dhariwal's cosine schedule sets ``abar_t = f(t) /
    f(0)`` with ``f(t) = cos²((t / T + 0.008) / 1.008 · π / 2)`` and clips
    each beta at 0.999.
    """
    checks.one_of("name", name, SCHEDULES)
    steps = checks.positive_int("steps", steps, minimum=2)
    if name == "linear":
        betas = np.linspace(1e-4, 0.02, steps) * 1000 / steps
        betas = np.clip(betas, 0, 0.999)  # 20 steps or fewer reach 1
    else:
        t = np.arange(steps + 1) / steps
        f = np.cos((t + 0.008) / 1.008 * np.pi / 2) ** 2
        abar = f / f[0]
        betas = np.clip(1 - abar[1:] / abar[:-1], 0, 0.999)
    return Schedule(name, betas.astype(np.float64))


def _step(name: str, t: object, steps: int, low: int = 0) -> int:
    t = checks.positive_int(name, t, minimum=low)
    if t >= steps:
        raise ValueError(
            f"{name}: expected a step below {steps} (the schedule's), "
            f"got {t}"
        )
    return t


def q_sample(x0, t, noise, alpha_bars):
    """``x_t`` from ``x_0``: ``sqrt(abar_t) x_0 + sqrt(1 - abar_t) noise``.

    ``t`` holds one step index per image (or one for all); ``alpha_bars``
    is the schedule's (a tensor or array of length T). Run eagerly, the
    step indices and ``alpha_bars`` are checked too.
    """
    checks.same_shape("noise", noise, "x0", x0)
    if tf.executing_eagerly():
        abar = checks.as_array(
            "alpha_bars", np.asarray(alpha_bars), ndim=1
        )
        steps = checks.as_array(
            "t", np.asarray(t), ndim=(0, 1), value_range=(0, len(abar) - 1)
        )
        if not np.all(steps == np.round(steps)):
            raise ValueError("t: expected whole step indices")
        n = checks.shape_of(x0, "x0")[0]
        if steps.ndim and len(steps) not in (1, n):
            raise ValueError(
                f"t: expected one step per image ({n}) or one for all, "
                f"got {len(steps)}"
            )
    abar = ops.take(ops.convert_to_tensor(alpha_bars, "float32"), t)
    abar = ops.reshape(abar, (-1,) + (1,) * (len(x0.shape) - 1))
    return ops.sqrt(abar) * x0 + ops.sqrt(1.0 - abar) * noise


@keras.saving.register_keras_serializable(package="helpers")
class TimestepEmbedding(L.Layer):
    """Sinusoidal features of the step index (as in transformers)."""

    def __init__(self, dim: int = 64, **kwargs: Any):
        super().__init__(**kwargs)
        self.dim = checks.positive_int("dim", dim, minimum=2)

    def call(self, t):
        half = self.dim // 2
        steps = ops.arange(half, dtype="float32") / half
        freqs = ops.exp(-np.log(10_000.0) * steps)
        angles = ops.cast(t, "float32")[:, None] * freqs[None, :]
        return ops.concatenate([ops.sin(angles), ops.cos(angles)], -1)

    def compute_output_shape(self, input_shape):
        return (*input_shape, 2 * (self.dim // 2))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "dim": self.dim}


def residual_block(h, emb, channels: int):
    """Two 3x3 convolutions, the step's embedding added in between.

    ``h`` is (batch, height, width, channels), ``emb`` (batch, features);
    the group norms need channel counts that are multiples of 8.
    """
    h_shape = checks.shape_of(h, "h")
    emb_shape = checks.shape_of(emb, "emb")
    if len(h_shape) != 4:
        raise ValueError(f"h: expected a 4-D feature map, got {h_shape}")
    if len(emb_shape) != 2:
        raise ValueError(
            f"emb: expected (batch, features), got {emb_shape}"
        )
    checks.positive_int("channels", channels)
    for name, c in (("channels", channels), ("h", h_shape[-1])):
        if c is not None and c % 8:
            raise ValueError(
                f"{name}: expected a multiple of 8 channels (the group "
                f"norms use 8 groups), got {c}"
            )
    skip = h if h.shape[-1] == channels else L.Conv2D(channels, 1)(h)
    h = L.Conv2D(channels, 3, padding="same")(
        L.Activation("swish")(L.GroupNormalization(groups=8)(h))
    )
    h = h + L.Reshape((1, 1, channels))(L.Dense(channels)(emb))
    h = L.Conv2D(channels, 3, padding="same")(
        L.Activation("swish")(L.GroupNormalization(groups=8)(h))
    )
    return h + skip


def unet(
    width: int = 16, num_classes: int | None = None, emb_dim: int = 64
) -> keras.Model:
    """A small U-Net predicting the noise: 28 -> 14 -> 7 and back.

    The residual blocks, where the step's embedding enters, work at 14 x 14
    and 7 x 7; one convolution each way works at full size, and the skip
    connections carry the fine detail across.

    Inputs ``[x_t, t]`` or, with ``num_classes``, ``[x_t, t, label]``
    where label ``num_classes`` means "no label" (for guidance).
    """
    width = checks.positive_int("width", width, minimum=8)
    if width % 4:
        raise ValueError(
            f"width: expected a multiple of 4 (2 * width channels go into "
            f"8 groups), got {width}"
        )
    checks.positive_int("emb_dim", emb_dim, minimum=2)
    if num_classes is not None:
        checks.positive_int("num_classes", num_classes, minimum=2)
        if emb_dim % 2:
            raise ValueError(
                f"emb_dim: expected an even size with num_classes (the "
                f"step's sin/cos features are added), got {emb_dim}"
            )
    x_in = keras.Input((28, 28), name="x_t")
    t_in = keras.Input((), dtype="int32", name="t")
    inputs = [x_in, t_in]
    emb = TimestepEmbedding(emb_dim)(t_in)
    if num_classes is not None:
        checks.positive_int("num_classes", num_classes, minimum=2)
        y_in = keras.Input((), dtype="int32", name="label")
        inputs.append(y_in)
        emb = emb + L.Embedding(num_classes + 1, emb_dim)(y_in)
    emb = L.Dense(emb_dim, activation="swish")(emb)
    h28 = L.Conv2D(width, 3, padding="same")(L.Reshape((28, 28, 1))(x_in))
    h = L.Conv2D(2 * width, 3, strides=2, padding="same")(h28)
    h14 = residual_block(h, emb, 2 * width)
    h = L.Conv2D(2 * width, 3, strides=2, padding="same")(h14)
    h = residual_block(h, emb, 2 * width)  # 7 x 7
    h = L.Conv2DTranspose(2 * width, 4, strides=2, padding="same")(h)
    h = residual_block(L.Concatenate()([h, h14]), emb, 2 * width)
    h = L.Conv2DTranspose(width, 4, strides=2, padding="same")(h)
    h = L.Concatenate()([h, h28])  # back at 28 x 28
    h = L.Conv2D(width, 3, padding="same", activation="swish")(h)
    out = L.Conv2D(1, 3, padding="same")(h)
    return keras.Model(inputs, L.Reshape((28, 28))(out), name="unet")


@keras.saving.register_keras_serializable(package="helpers")
class Diffusion(keras.Model):
    """Trains a network to predict the noise added at a random step.

    The simple loss of Ho et al.: ``|eps - net(x_t, t)|²`` with ``t``
    uniform. With ``num_classes``, labels arrive with the images and are
    replaced by the "no label" class with probability ``p_uncond``, so one
    network learns both predictions that classifier-free guidance mixes.
    With ``ema`` (a decay such as 0.995), a copy of the network follows
    the moving average of its weights, and sampling uses that copy (Ho et
    al. sample from such an average). Images in [-1, 1].
    """

    data_range = (-1.0, 1.0)

    def __init__(
        self,
        network,
        schedule: str = "linear",
        steps: int = 1000,
        num_classes: int | None = None,
        p_uncond: float = 0.1,
        seed: int | None = None,
        ema: float | None = None,
        **kwargs: Any,
    ):
        checks.one_of("schedule", schedule, SCHEDULES)
        if num_classes is not None:
            checks.positive_int("num_classes", num_classes, minimum=2)
        if seed is not None:
            checks.positive_int("seed", seed, minimum=0)
        if ema is not None:
            ema = checks.number(
                "ema", ema, low=0.0, high=1.0, high_open=True
            )
        super().__init__(**kwargs)
        self.network = checks.instance("network", network, keras.Model)
        self.ema = ema
        self.ema_network = None
        if ema is not None:  # starts as an exact copy, never trained
            self.ema_network = keras.models.clone_model(network)
            self.ema_network.set_weights(network.get_weights())
            self.ema_network.trainable = False
        self.schedule = make_schedule(schedule, steps)
        self.num_classes = num_classes
        self.p_uncond = checks.number(
            "p_uncond", p_uncond, low=0.0, high=1.0
        )
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.alpha_bars = ops.convert_to_tensor(
            self.schedule.alpha_bars, "float32"
        )
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.built = True

    @property
    def metrics(self):
        return [self.loss_tracker]

    @property
    def sampling_network(self) -> keras.Model:
        """The network that samples: the moving average, if kept."""
        return (
            self.network if self.ema_network is None else self.ema_network
        )

    def update_ema(self) -> None:
        """Move the average towards the weights, ``w_ema += (1 - d)(w -
        w_ema)``; the decay ``d`` ramps up as ``(1 + n) / (10 + n)`` over
        the first updates so that the random start is soon forgotten."""
        n = ops.cast(self.optimizer.iterations, "float32")
        decay = ops.minimum(self.ema, (1.0 + n) / (10.0 + n))
        for avg, w in zip(self.ema_network.weights, self.network.weights):
            avg.assign(avg + (1.0 - decay) * (w - avg))

    def call(self, inputs, training=False):
        return self.network(inputs, training=training)

    def train_step(self, data):
        if self.num_classes is not None and len(data) == 1:
            data = data[0]  # fit(x=(images, labels)) hands ((x, y),)
        x0, labels = (data, None) if self.num_classes is None else data
        batch = ops.shape(x0)[0]
        t = keras.random.randint(
            (batch,), 0, self.schedule.steps, seed=self.seed_generator
        )
        noise = keras.random.normal(
            ops.shape(x0), seed=self.seed_generator
        )
        x_t = q_sample(x0, t, noise, self.alpha_bars)
        inputs = [x_t, t]
        if labels is not None:  # drop labels for the unconditional model
            drop = keras.random.uniform((batch,), seed=self.seed_generator)
            null = ops.full_like(labels, self.num_classes)
            inputs.append(ops.where(drop < self.p_uncond, null, labels))
        weights = self.network.trainable_weights
        with tf.GradientTape() as tape:
            loss = ops.mean(
                ops.square(noise - self.network(inputs, training=True))
            )
        grads = tape.gradient(loss, weights)
        self.optimizer.apply_gradients(zip(grads, weights))
        if self.ema_network is not None:
            self.update_ema()
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}

    def fit(self, x=None, y=None, **kwargs):
        """``keras.Model.fit``, after checking the images (in [-1, 1])."""
        first = checks.fit_data("x", x, self.data_range)
        checks.fits_model("x", first, self.network)
        return super().fit(x, y, **kwargs)

    def get_config(self) -> dict[str, Any]:
        config = {
            **super().get_config(),
            "schedule": self.schedule.name,
            "steps": self.schedule.steps,
            "num_classes": self.num_classes,
            "p_uncond": self.p_uncond,
            "seed": self.seed,
            "ema": self.ema,
        }
        return config_with_parts(config, network=self.network)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Diffusion:
        (network,), rest = split_parts(config, "network")
        return cls(network, **rest)


def predicted_noise(predict, x, t, labels, guidance, null):
    """Guided noise: ``(1 + w) eps(x, y) - w eps(x, none)``."""
    checks.is_callable("predict", predict)
    checks.number("guidance", guidance, low=0.0)
    n = x.shape[0]
    steps = np.full(n, t, dtype="int32")
    if labels is None:
        return predict([x, steps])
    eps = predict([x, steps, labels.astype("int32")])
    if guidance == 0:
        return eps
    eps_free = predict([x, steps, np.full(n, null, dtype="int32")])
    return (1.0 + guidance) * eps - guidance * eps_free


def predicted_x0(x, eps, t, schedule):
    """The clean image the noise prediction implies, clipped to [-1, 1].

    ``x_0 = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t)``; at large ``t``
    the division amplifies any error in ``eps`` many times, so the
    estimate is held to the data's range.
    """
    checks.instance("schedule", schedule, Schedule)
    _step("t", t, schedule.steps)
    checks.same_shape("eps", eps, "x", x)
    abar = schedule.alpha_bars[t]
    return np.clip((x - np.sqrt(1 - abar) * eps) / np.sqrt(abar), -1, 1)


def ddpm_step(x, eps, t, schedule, rng):
    """One ancestral step ``x_t -> x_(t-1)``: a draw from the posterior.

    ``q(x_(t-1) | x_t, x_0)`` is Gaussian with a mean that mixes ``x_t``
    and ``x_0`` and the variance ``beta_t (1 - abar_(t-1)) / (1 -
    abar_t)``; the network's ``x_0`` (clipped) stands in for the true one.
    """
    checks.instance("rng", rng, np.random.Generator)
    x0 = predicted_x0(x, eps, t, schedule)
    beta, abar = schedule.betas[t], schedule.alpha_bars[t]
    abar_prev = schedule.alpha_bars[t - 1] if t > 0 else 1.0
    mean = (
        np.sqrt(abar_prev) * beta * x0
        + np.sqrt(1 - beta) * (1 - abar_prev) * x
    ) / (1 - abar)
    if t == 0:
        return mean
    var = beta * (1 - abar_prev) / (1 - abar)
    return mean + np.sqrt(var) * rng.standard_normal(x.shape)


def ddim_step(x, eps, t, t_prev, schedule):
    """One deterministic DDIM step ``x_t -> x_(t_prev)`` (eta = 0).

    The noise is recomputed from the clipped ``x_0``, so that the pair
    still adds up to ``x_t``; reusing the network's noise would drop what
    the clip removed and let errors grow from step to step.
    """
    checks.instance("schedule", schedule, Schedule)
    _step("t", t, schedule.steps)
    _step("t_prev", t_prev, t, low=-1)
    x0 = predicted_x0(x, eps, t, schedule)
    abar = schedule.alpha_bars[t]
    eps = (x - np.sqrt(abar) * x0) / np.sqrt(1 - abar)
    abar_prev = schedule.alpha_bars[t_prev] if t_prev >= 0 else 1.0
    return np.sqrt(abar_prev) * x0 + np.sqrt(1 - abar_prev) * eps


CHUNK = 1000  # images per network call while sampling
_PREDICTORS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _predictor(network: keras.Model) -> Callable:
    """The network's compiled inference call, traced once per network."""
    if network not in _PREDICTORS:
        ref = weakref.ref(network)  # the cache must not keep it alive
        _PREDICTORS[network] = tf.function(
            lambda inputs: ref()(inputs, training=False),
            reduce_retracing=True,
        )
    return _PREDICTORS[network]


def sample(
    model: Diffusion,
    n: int,
    seed: int = 0,
    steps: int | None = None,
    labels: Any = None,
    guidance: float = 0.0,
    keep: tuple[int, ...] = (),
) -> tuple[np.ndarray, dict]:
    """``n`` images in [-1, 1] by running the process backwards.

    ``steps=None`` runs all T ancestral DDPM steps; a number runs that
    many DDIM steps, evenly spaced. ``labels`` (conditional models) with
    ``guidance`` w mixes the predictions. ``keep`` lists the step indices
    whose ``x_t`` (before that step) are returned in the dict, for
    pictures.
    """
    checks.instance("model", model, Diffusion)
    n = checks.positive_int("n", n)
    rng = np.random.default_rng(
        checks.positive_int("seed", seed, minimum=0)
    )
    schedule = model.schedule
    guidance = checks.number("guidance", guidance, low=0.0)
    if not isinstance(keep, (tuple, list, range, set)):
        raise TypeError(f"keep: expected a tuple of steps, got {keep!r}")
    for i, t in enumerate(keep):
        _step(f"keep[{i}]", t, schedule.steps)
    if labels is not None:
        if model.num_classes is None:
            raise ValueError("labels: this model is not conditional")
        labels = checks.labels("labels", labels, model.num_classes, n)
    elif model.num_classes is not None:  # unconditional: "no label"
        labels = np.full(n, model.num_classes)
        guidance = 0.0
    if steps is None:
        times = list(range(schedule.steps - 1, -1, -1))
    else:
        steps = checks.positive_int("steps", steps)
        if steps > schedule.steps:
            raise ValueError(
                f"steps: at most {schedule.steps}, got {steps}"
            )
        grid = np.linspace(0, schedule.steps - 1, steps).round()
        times = sorted({int(v) for v in grid}, reverse=True)
    predict = _predictor(model.sampling_network)

    def run(inputs):  # in chunks: memory stays flat for any n
        return np.concatenate(
            [
                predict(
                    [tf.constant(v[i : i + CHUNK]) for v in inputs]
                ).numpy()
                for i in range(0, len(inputs[0]), CHUNK)
            ]
        )

    x = rng.standard_normal((n, 28, 28)).astype("float32")
    kept = {}
    for i, t in enumerate(times):
        if t in keep:  # x_t, before the step that removes its noise
            kept[t] = x.copy()
        eps = predicted_noise(
            run, x, t, labels, guidance, model.num_classes
        )
        if steps is None:
            x = ddpm_step(x, eps, t, schedule, rng)
        else:
            t_prev = times[i + 1] if i + 1 < len(times) else -1
            x = ddim_step(x, eps, t, t_prev, schedule)
        x = x.astype("float32")
    return np.clip(x, -1, 1), kept


@keras.saving.register_keras_serializable(package="helpers")
class DiffusionSampler(keras.Model):
    """A trained diffusion model as a store sampler (DDIM, fixed steps)."""

    def __init__(
        self,
        network,
        schedule: str = "linear",
        steps: int = 1000,
        num_classes: int | None = None,
        ddim_steps: int = 50,
        guidance: float = 0.0,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.model = Diffusion(network, schedule, steps, num_classes)
        self.network = network
        self.ddim_steps = checks.positive_int("ddim_steps", ddim_steps)
        self.guidance = checks.number("guidance", guidance, low=0.0)
        if self.guidance > 0 and num_classes is None:
            raise ValueError(
                "guidance: needs a conditional model (num_classes)"
            )
        self.num_classes = num_classes
        self.built = True

    def sample(self, n: int, seed: int, labels: Any = None) -> np.ndarray:
        """``n`` images in [0, 1]: guided samples of random classes, or,
        with ``guidance`` 0, unconditional ones (the "no label" class)."""
        n = checks.positive_int("n", n)
        seed = checks.positive_int("seed", seed, minimum=0)
        if labels is not None:
            if self.num_classes is None:
                raise ValueError("labels: this model is not conditional")
            labels = checks.labels("labels", labels, self.num_classes, n)
        if self.guidance > 0 and labels is None:
            labels = np.random.default_rng([seed, 1]).integers(
                0, self.num_classes, n
            )
        guidance = self.guidance if labels is not None else 0.0
        images = []
        for i in range(0, n, 1000):
            part = None if labels is None else labels[i : i + 1000]
            x, _ = sample(
                self.model,
                min(1000, n - i),
                seed + i,
                self.ddim_steps,
                part,
                guidance,
            )
            images.append(x)
        return to_unit_range(np.concatenate(images), (-1.0, 1.0))

    def call(self, inputs, training=False):
        return self.network(inputs, training=training)

    def get_config(self) -> dict[str, Any]:
        config = {
            **super().get_config(),
            "schedule": self.model.schedule.name,
            "steps": self.model.schedule.steps,
            "num_classes": self.num_classes,
            "ddim_steps": self.ddim_steps,
            "guidance": self.guidance,
        }
        return config_with_parts(config, network=self.network)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> DiffusionSampler:
        (network,), rest = split_parts(config, "network")
        return cls(network, **rest)
