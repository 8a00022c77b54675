"""One recipe per model that more than one place trains.

A :class:`Recipe` builds and compiles a model, names its training data,
trains it through :meth:`helpers.runtime.Run.fit` (seeded, resumable,
signed) and turns the result into a sampler for the model store. The
chapter that teaches a model, the scoreboard and the benchmark all call the
same function here, so the model they talk about is the same model.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks, data, store
from helpers.autoencoders import stacked_autoencoder
from helpers.cgan import ConditionalGAN
from helpers.diffusion import (
    SCHEDULES,
    Diffusion,
    DiffusionSampler,
    unet,
)
from helpers.gan import GAN
from helpers.gan_networks import (
    dcgan_discriminator,
    dcgan_generator,
    dense_discriminator,
    dense_generator,
)
from helpers.infogan import (
    InfoCodesSampler,
    InfoGAN,
    infogan_discriminator,
)
from helpers.precision import dtype_policy, resolve
from helpers.priors import PRIORS
from helpers.runtime import Run
from helpers.samplers import DecoderSampler, gaussian_sampler
from helpers.vae import (
    VAE,
    conv_vae_decoder,
    conv_vae_encoder,
    dense_vae_decoder,
    dense_vae_encoder,
)
from helpers.wgan import WGANGP


@dataclass(frozen=True)
class TrainData:
    """What a recipe trains on: inputs, targets, validation pair."""

    x: Any
    y: Any = None
    validation: tuple[Any, Any] | None = None


@functools.cache
def fashion() -> data.ImageData:
    """Fashion-MNIST, loaded once per session (the recipes train on it)."""
    return data.load_fashion_mnist()


@dataclass(frozen=True)
class Recipe:
    """How one model is built, trained and turned into a sampler."""

    name: str
    title: str
    chapter: str
    build: Callable[[], keras.Model]
    data: Callable[[], TrainData]
    to_sampler: Callable[[keras.Model], keras.Model]
    epochs: int
    batch_size: int
    seed: int
    settings: dict[str, Any] = field(default_factory=dict)
    drop_remainder: bool = False
    checkpoint: str | None = None  # training name, if not ``name``

    def train(self, run: Any, callbacks: Sequence[Any] | Callable = ()):
        """``(model, log)``: seeded build, then ``run.fit`` (resumable).

        ``callbacks`` may be a function of ``(checkpoint folder, sampler)``
        for callbacks that watch the model and keep files beside it.
        """
        checks.instance("run", run, Run)
        if not callable(callbacks):
            if not isinstance(callbacks, (list, tuple)):
                raise TypeError(
                    "callbacks: expected a list of callbacks or a "
                    f"function, got {type(callbacks).__name__}"
                )
            for i, cb in enumerate(callbacks):
                checks.instance(
                    f"callbacks[{i}]", cb, keras.callbacks.Callback
                )
        keras.utils.set_random_seed(self.seed)
        model = self.build()
        d = self.data()
        if callable(callbacks):
            make, sampler = callbacks, self.to_sampler(model)

            def callbacks(folder):
                return make(folder, sampler)

        log = run.fit(
            model,
            d.x,
            d.y,
            name=self.name,
            epochs=self.epochs,
            batch_size=self.batch_size,
            seed=self.seed,
            validation_data=d.validation,
            callbacks=callbacks,
            drop_remainder=self.drop_remainder,
        )
        return model, log

    def save(
        self, model: keras.Model, log: Any, run: Any, **extra: Any
    ) -> store.StoreEntry:
        """Put the trained model's sampler in the store, with a record."""
        from helpers.signature import digest
        from helpers.training import TrainingLog

        checks.instance("model", model, keras.Model)
        checks.instance("log", log, TrainingLog)
        checks.instance("run", run, Run)

        info = store.EntryInfo(
            name=self.name,
            title=self.title,
            chapter=self.chapter,
            profile=run.profile,
            recipe={
                "epochs": self.epochs,
                "batch_size": self.batch_size,
                **self.settings,
            },
            epochs=log.epochs,
            train_seconds=round(log.seconds, 1),
            seed=self.seed,
            signature=digest(
                {
                    "recipe": self.settings,
                    "seed": self.seed,
                    "epochs": self.epochs,
                }
            ),
            history=log.history,
            extra=extra,
        )
        sampler = self.to_sampler(model)
        store.save(sampler, info)
        return store.StoreEntry(sampler, info)


def _sizes(epochs: int, batch_size: int, n_train: int, seed: int) -> None:
    checks.positive_int("epochs", epochs)
    checks.positive_int("batch_size", batch_size)
    checks.positive_int("n_train", n_train)
    checks.positive_int("seed", seed, minimum=0)


def _images(n_train: int, scale: tuple[float, float] = (0.0, 1.0)):
    x = fashion().subset(n_train=n_train).x_train
    lo, hi = scale
    return x if scale == (0.0, 1.0) else (x * (hi - lo) + lo)


def autoencoder(
    latent: int,
    epochs: int,
    n_train: int = 55_000,
    batch_size: int = 128,
    seed: int = 0,
) -> Recipe:
    """Chapter 5's plain dense AE (150-100-latent); Gaussian sampler."""
    checks.positive_int("latent", latent)
    _sizes(epochs, batch_size, n_train, seed)

    def build():
        return stacked_autoencoder(
            latent, hidden=(150, 100), name=f"ae_{latent}"
        )[2]

    def train_data():
        ds = fashion().subset(n_train=n_train)
        return TrainData(ds.x_train, ds.x_train, (ds.x_valid, ds.x_valid))

    def to_sampler(model):
        encoder, decoder = model.layers
        return gaussian_sampler(
            encoder, decoder, _images(n_train)[:10_000]
        )

    return Recipe(
        f"ae_{latent}-s{seed}",
        f"AE {latent}",
        "5",
        build,
        train_data,
        to_sampler,
        epochs,
        batch_size,
        seed,
        {
            "kind": "autoencoder",
            "latent": latent,
            "n_train": n_train,
            "codings": "Gaussian fitted to 10 000 training codes",
        },
    )


def vae(
    latent: int,
    epochs: int,
    beta: float = 1.0,
    n_train: int = 55_000,
    batch_size: int = 128,
    seed: int = 0,
    conv: bool = False,
) -> Recipe:
    """Chapter 5's VAE (dense, or ``conv``), Adam 1e-3, codings N(0, I)."""
    checks.positive_int("latent", latent)
    beta = checks.number("beta", beta, low=0.0)
    checks.boolean("conv", conv)
    _sizes(epochs, batch_size, n_train, seed)
    kind = "conv_vae" if conv else "vae"
    tag = f"{kind}_{latent}" + ("" if beta == 1.0 else f"_beta{beta:g}")

    def build():
        enc = (conv_vae_encoder if conv else dense_vae_encoder)(latent)
        dec = (conv_vae_decoder if conv else dense_vae_decoder)(latent)
        model = VAE(enc, dec, beta=beta, seed=seed, name=tag)
        model.compile(optimizer=keras.optimizers.Adam(1e-3))
        return model

    def train_data():
        ds = fashion().subset(n_train=n_train)
        return TrainData(ds.x_train, None, (ds.x_valid, ds.x_valid))

    title = ("conv VAE" if conv else "VAE") + f" {latent}"
    return Recipe(
        f"{tag}-s{seed}",
        title if beta == 1 else f"{title}, β={beta:g}",
        "5",
        build,
        train_data,
        lambda model: DecoderSampler(model.decoder, "normal"),
        epochs,
        batch_size,
        seed,
        {"kind": kind, "latent": latent, "beta": beta, "n_train": n_train},
    )


def lecture_gan(
    prior: str,
    epochs: int,
    minibatch_std: bool = False,
    codings_size: int = 30,
    n_train: int = 55_000,
    batch_size: int = 32,
    seed: int = 0,
) -> Recipe:
    """Chapter 7's dense GAN: the lecture's networks, RMSprop, batch 32."""
    checks.one_of("prior", prior, PRIORS)
    checks.boolean("minibatch_std", minibatch_std)
    checks.positive_int("codings_size", codings_size)
    _sizes(epochs, batch_size, n_train, seed)
    tag = f"gan_{prior}" + ("_mbstd" if minibatch_std else "")

    def build():
        model = GAN(
            dense_generator(codings_size),
            dense_discriminator(minibatch_std=minibatch_std),
            prior=prior,
            seed=seed,
            name=tag,
        )
        # RMSprop for each network, as in the lecture (GAN's default, fused
        # into one kernel per weight: fewer ops, no speed-up the appendix
        # could show); up to 64 steps per call: fewer returns to Python,
        # the appendix's largest median gain.
        calls = min(64, n_train // batch_size)
        model.compile(steps_per_execution=calls)
        return model

    title = f"dense GAN, {prior}" + (
        " + minibatch std" if minibatch_std else ""
    )
    return Recipe(
        f"{tag}-s{seed}",
        title,
        "7",
        build,
        lambda: TrainData(_images(n_train)),
        lambda model: DecoderSampler(model.generator, prior),
        epochs,
        batch_size,
        seed,
        {
            "kind": "dense_gan",
            "prior": prior,
            "minibatch_std": minibatch_std,
            "codings_size": codings_size,
            "n_train": n_train,
        },
        drop_remainder=True,
    )


def adam_dcgan() -> keras.optimizers.Optimizer:
    """Radford et al.'s optimizer: Adam, learning rate 2e-4, beta_1 0.5."""
    return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)


def dcgan(
    epochs: int,
    width: int = 64,
    codings_size: int = 100,
    n_train: int = 55_000,
    batch_size: int = 128,
    seed: int = 0,
    conditional: bool = False,
    precision: str = "auto",
) -> Recipe:
    """Chapter 8's DCGAN (or ``conditional`` form), pixels in [-1, 1].

    ``precision="auto"`` trains under ``mixed_bfloat16`` on a CPU that
    has bfloat16 instructions (:func:`helpers.precision.resolve`).
    """
    checks.positive_int("width", width)
    checks.positive_int("codings_size", codings_size)
    checks.boolean("conditional", conditional)
    _sizes(epochs, batch_size, n_train, seed)
    policy = resolve(precision)
    classes = 10 if conditional else None
    tag = "cgan" if conditional else "dcgan"

    def build():
        with dtype_policy(policy):
            gen = dcgan_generator(codings_size, width, num_classes=classes)
            disc = dcgan_discriminator(width, num_classes=classes)
        kind = ConditionalGAN if conditional else GAN
        extra = {"num_classes": 10} if conditional else {}
        model = kind(
            gen, disc, seed=seed, data_range=(-1.0, 1.0), name=tag, **extra
        )
        model.compile(d_optimizer=adam_dcgan(), g_optimizer=adam_dcgan())
        return model

    def train_data():
        x = _images(n_train, (-1.0, 1.0))
        if not conditional:
            return TrainData(x)
        return TrainData((x, fashion().subset(n_train=n_train).y_train))

    def to_sampler(model):
        if not conditional:
            return DecoderSampler(model.generator, "normal", (-1.0, 1.0))
        y = fashion().subset(n_train=n_train).y_train
        shares = np.bincount(y, minlength=10) / len(y)
        return DecoderSampler(
            model.generator,
            "normal",
            (-1.0, 1.0),
            num_classes=10,
            class_probs=shares,
        )

    title = "conditional DCGAN" if conditional else "DCGAN"
    return Recipe(
        f"{tag}-s{seed}",
        title,
        "8",
        build,
        train_data,
        to_sampler,
        epochs,
        batch_size,
        seed,
        {
            "kind": tag,
            "width": width,
            "codings_size": codings_size,
            "n_train": n_train,
            "precision": policy,
        },
        drop_remainder=True,
    )


def wgan_gp(
    epochs: int,
    width: int = 64,
    codings_size: int = 100,
    n_train: int = 55_000,
    batch_size: int = 64,
    seed: int = 0,
    dense: bool = False,
    n_critic: int = 5,
) -> Recipe:
    """Chapter 9's WGAN-GP: the DCGAN's generator, a critic without BN.

    ``dense=True`` uses the lecture's dense networks instead (pixels in
    [0, 1], 30 codings unless given), with a dense critic.
    """
    checks.positive_int("width", width)
    checks.positive_int("codings_size", codings_size)
    checks.boolean("dense", dense)
    checks.positive_int("n_critic", n_critic)
    _sizes(epochs, batch_size, n_train, seed)
    data_range = (0.0, 1.0) if dense else (-1.0, 1.0)
    tag = "wgan_dense" if dense else "wgan_gp"

    def build():
        if dense:
            gen = dense_generator(codings_size)
            critic = dense_discriminator(output_activation=None)
        else:
            gen = dcgan_generator(codings_size, width)
            critic = dcgan_discriminator(
                width, batch_norm=False, output_activation=None
            )
        model = WGANGP(
            gen,
            critic,
            n_critic=n_critic,
            seed=seed,
            data_range=data_range,
            name=tag,
        )
        # Up to 64 steps per call, as for the lecture's dense GAN; the
        # critic/generator alternation lives in a variable, so it carries.
        model.compile(steps_per_execution=min(64, n_train // batch_size))
        return model

    return Recipe(
        f"{tag}-s{seed}",
        "WGAN-GP, dense" if dense else "WGAN-GP",
        "9",
        build,
        lambda: TrainData(_images(n_train, data_range)),
        lambda model: DecoderSampler(
            model.generator, "normal", data_range
        ),
        epochs,
        batch_size,
        seed,
        {
            "kind": tag,
            "width": width,
            "codings_size": codings_size,
            "n_critic": n_critic,
            "n_train": n_train,
        },
        drop_remainder=True,
    )


def infogan(
    epochs: int,
    width: int = 64,
    noise: int = 62,
    n_cat: int = 10,
    n_cont: int = 2,
    n_train: int = 55_000,
    batch_size: int = 64,
    seed: int = 0,
) -> Recipe:
    """Chapter 9's InfoGAN: DCGAN networks, a Q head, Adam 2e-4."""
    checks.positive_int("width", width)
    checks.positive_int("noise", noise)
    checks.positive_int("n_cat", n_cat, minimum=2)
    checks.positive_int("n_cont", n_cont)
    _sizes(epochs, batch_size, n_train, seed)

    def build():
        gen = dcgan_generator(noise + n_cat + n_cont, width)
        disc = infogan_discriminator(width, n_cat, n_cont)
        model = InfoGAN(
            gen, disc, noise, n_cat, n_cont, seed=seed, name="infogan"
        )
        model.compile()
        return model

    return Recipe(
        f"infogan-s{seed}",
        "InfoGAN",
        "9",
        build,
        lambda: TrainData(_images(n_train, (-1.0, 1.0))),
        lambda model: InfoCodesSampler(
            model.generator, noise, n_cat, n_cont
        ),
        epochs,
        batch_size,
        seed,
        {
            "kind": "infogan",
            "width": width,
            "noise": noise,
            "n_cat": n_cat,
            "n_cont": n_cont,
            "n_train": n_train,
        },
        drop_remainder=True,
    )


def diffusion(
    epochs: int,
    schedule: str = "cosine",
    width: int = 16,
    n_train: int = 55_000,
    batch_size: int = 128,
    seed: int = 0,
    ddim_steps: int = 50,
    guidance: float = 0.0,
    steps: int = 1000,
    ema: float | None = 0.995,
    learning_rate: float = 1e-3,
) -> Recipe:
    """Chapter 10's class-conditional diffusion model (guidance-ready).

    One training serves two store entries: the sampler with ``guidance``
    0 draws unconditionally (the "no label" class), with ``guidance`` > 0
    it draws guided samples of random classes; both run ``ddim_steps``
    DDIM steps of a ``steps``-step process, with the moving average of
    the weights (decay ``ema``) when one is kept.
    """
    checks.one_of("schedule", schedule, SCHEDULES)
    checks.positive_int("width", width)
    checks.positive_int("ddim_steps", ddim_steps)
    checks.positive_int("steps", steps, minimum=2)
    guidance = checks.number("guidance", guidance, low=0.0)
    checks.number("learning_rate", learning_rate, low=0.0, low_open=True)
    if ema is not None:
        checks.number("ema", ema, low=0.0, high=1.0, high_open=True)
    _sizes(epochs, batch_size, n_train, seed)

    def build():
        model = Diffusion(
            unet(width, num_classes=10),
            schedule,
            steps,
            num_classes=10,
            seed=seed,
            ema=ema,
            name="diffusion",
        )
        model.compile(optimizer=keras.optimizers.Adam(learning_rate))
        return model

    def train_data():
        ds = fashion().subset(n_train=n_train)
        return TrainData((ds.x_train * 2.0 - 1.0, ds.y_train))

    def to_sampler(model):
        return DiffusionSampler(
            model.sampling_network,
            schedule,
            steps,
            10,
            ddim_steps,
            guidance,
        )

    tag = f"diffusion_{schedule}"
    title = f"diffusion ({schedule})"
    if guidance:
        title += f", guided w={guidance:g}"
    name = f"{tag}_w{guidance:g}" if guidance else tag
    return Recipe(
        f"{name}-s{seed}",
        title,
        "10",
        build,
        train_data,
        to_sampler,
        epochs,
        batch_size,
        seed,
        {
            "kind": "diffusion",
            "schedule": schedule,
            "width": width,
            "steps": steps,
            "n_train": n_train,
            "ddim_steps": ddim_steps,
            "guidance": guidance,
            "ema": ema,
            "learning_rate": learning_rate,
        },
        checkpoint=f"{tag}-s{seed}",
    )
