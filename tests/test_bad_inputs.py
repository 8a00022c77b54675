"""Every public name of ``helpers``, called wrongly: the right exception, naming the argument.

The public names are found, not listed: every module of the package (private ones
aside), every attribute defined there whose name has no leading underscore, and the
public methods with arguments that each class defines. ``WRONG`` maps each of them to
wrong calls: ``(call, exception type, argument name)``. A wrong kind of object must
raise ``TypeError``, a wrong value ``ValueError`` (a missing file
``FileNotFoundError``, a damaged dataset file ``DataFileError``), and the message must
start with the argument's name, so that a reader sees what to fix without reading a
stack trace from inside TensorFlow, Keras, NumPy or matplotlib. A public name without
an entry here fails ``test_every_public_name_has_wrong_calls``: a new helper comes with
its wrong calls, or with a reasoned line in ``EXEMPT``.

Everything is tiny (4x4 to 28x28 images, networks of a few units), so the file runs in
well under a minute on 2 CPU cores.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest
import tensorflow as tf

import helpers
from helpers import (
    attacks,
    autoencoders,
    cgan,
    checks,
    classifier,
    data,
    diffusion,
    display,
    gan,
    gan_callbacks,
    gan_networks,
    infogan,
    layers,
    lecture_gan,
    metrics,
    optimizers,
    plots,
    precision,
    priors,
    progress,
    recipes,
    runtime,
    samplers,
    saving,
    signature,
    ssgan,
    stats,
    store,
    training,
    vae,
    wgan,
)

RNG = np.random.default_rng(0)
X4 = RNG.random((3, 4, 4)).astype("float32")  # three 4x4 images in [0, 1]
X6 = RNG.random((4, 6, 6)).astype("float32")  # four 6x6 images in [0, 1]
X28 = RNG.random((4, 28, 28)).astype("float32")
Y3 = np.array([0, 1, 2])
F = RNG.normal(size=(8, 3))  # feature rows


def nan(x: np.ndarray) -> np.ndarray:
    """``x`` with one NaN pixel."""
    x = np.array(x, dtype="float32")
    x.flat[0] = np.nan
    return x


class Kit:
    """Tiny models and files, made on first use and shared by all cases."""

    def __init__(self, tmp: Path):
        self.tmp = tmp

    def folder(self, name: str) -> Path:
        path = self.tmp / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    @cached_property
    def clf(self) -> keras.Model:
        """A 10-class softmax classifier of 4x4 images."""
        return keras.Sequential(
            [
                keras.Input((4, 4)),
                keras.layers.Flatten(),
                keras.layers.Dense(10, activation="softmax"),
            ]
        )

    @cached_property
    def net(self) -> keras.Model:
        """Codings (3) -> 4x4 images in [0, 1]."""
        return keras.Sequential(
            [
                keras.Input((3,)),
                keras.layers.Dense(16, activation="sigmoid"),
                keras.layers.Reshape((4, 4)),
            ]
        )

    @cached_property
    def cnet(self) -> keras.Model:
        """[codings (3), labels] -> 4x4 images: a conditional network."""
        z = keras.Input((3,))
        y = keras.Input((), dtype="int32")
        h = keras.layers.Concatenate()(
            [z, keras.layers.CategoryEncoding(10, "one_hot")(y)]
        )
        h = keras.layers.Dense(16, activation="sigmoid")(h)
        return keras.Model([z, y], keras.layers.Reshape((4, 4))(h))

    @cached_property
    def sampler(self) -> samplers.DecoderSampler:
        return samplers.DecoderSampler(self.net, "normal")

    @cached_property
    def csampler(self) -> samplers.DecoderSampler:
        return samplers.DecoderSampler(self.cnet, "normal", num_classes=10)

    def new_gan(self) -> gan.GAN:
        model = gan.GAN(
            gan_networks.dense_generator(4, (6, 6)),
            gan_networks.dense_discriminator((6, 6)),
        )
        model.compile()
        return model

    @cached_property
    def gan(self) -> gan.GAN:
        return self.new_gan()

    @cached_property
    def lecture(self) -> tuple[keras.Model, keras.Model, keras.Model]:
        gen = gan_networks.dense_generator(4, (6, 6))
        disc = gan_networks.dense_discriminator((6, 6))
        disc.compile(loss="binary_crossentropy", optimizer="rmsprop")
        combined = keras.Sequential([gen, disc])
        combined.compile(loss="binary_crossentropy", optimizer="rmsprop")
        return gen, disc, combined

    @cached_property
    def cgan(self) -> cgan.ConditionalGAN:
        model = cgan.ConditionalGAN(
            gan_networks.dcgan_generator(4, 8, num_classes=10),
            gan_networks.dcgan_discriminator(8, num_classes=10),
            data_range=(-1.0, 1.0),
        )
        model.compile()
        return model

    @cached_property
    def vae(self) -> vae.VAE:
        model = vae.VAE(
            vae.dense_vae_encoder(2), vae.dense_vae_decoder(2), seed=0
        )
        model.compile(optimizer="adam")
        return model

    @cached_property
    def wgan(self) -> wgan.WGANGP:
        return wgan.WGANGP(
            gan_networks.dense_generator(4, (6, 6)),
            gan_networks.dense_discriminator(
                (6, 6), output_activation=None
            ),
        )

    @cached_property
    def infogan(self) -> infogan.InfoGAN:
        # noise 2 + 2 categories + 1 continuous code = 5 generator inputs
        model = infogan.InfoGAN(
            gan_networks.dense_generator(5, (6, 6)),
            self.clf,
            noise=2,
            n_cat=2,
            n_cont=1,
        )
        return model

    @cached_property
    def ssgan(self) -> ssgan.SemiSupervisedGAN:
        return ssgan.SemiSupervisedGAN(
            gan_networks.dense_generator(4, (6, 6)), self.clf
        )

    @cached_property
    def diffusion(self) -> diffusion.Diffusion:
        # the checks run before the network is used: any small model will do
        return diffusion.Diffusion(self.clf, steps=10)

    @cached_property
    def cdiffusion(self) -> diffusion.Diffusion:
        return diffusion.Diffusion(self.clf, steps=10, num_classes=10)

    @cached_property
    def dsampler(self) -> diffusion.DiffusionSampler:
        return diffusion.DiffusionSampler(self.clf, steps=10)

    @cached_property
    def cdsampler(self) -> diffusion.DiffusionSampler:
        return diffusion.DiffusionSampler(
            self.clf, steps=10, num_classes=10
        )

    @cached_property
    def schedule(self) -> diffusion.Schedule:
        return diffusion.make_schedule("linear", 10)

    @cached_property
    def judge(self) -> classifier.Classifier:
        judge = classifier.Classifier(classifier.build_classifier(), {})
        judge.set_reference(X28)
        return judge

    @cached_property
    def tiny(self) -> keras.Model:
        model = keras.Sequential(
            [keras.Input((4,)), keras.layers.Dense(1)]
        )
        model.compile(optimizer="sgd", loss="mse")
        return model

    @cached_property
    def run(self) -> runtime.Run:
        return runtime.Run(
            profile="smoke", source="test", seed=0, changes={}
        )

    @cached_property
    def recipe(self) -> recipes.Recipe:
        return recipes.autoencoder(2, 1, n_train=8)  # data load is lazy

    @cached_property
    def log(self) -> training.TrainingLog:
        return training.TrainingLog(history={"loss": [1.0]})

    def info(self, **changes: Any) -> store.EntryInfo:
        fields = dict(
            name="g",
            title="tiny",
            chapter="7",
            profile="smoke",
            recipe={},
            epochs=1,
            train_seconds=1.0,
            seed=0,
            signature="0",
        )
        return store.EntryInfo(**{**fields, **changes})

    def damaged_entry(self, how: str) -> str:
        """Store a model, then damage its entry; returns its name."""
        name = f"g-{how}"
        entry = store.save(self.sampler, self.info(name=name))
        if how == "info":
            text = (entry / "info.json").read_text()
            (entry / "info.json").write_text(text[: len(text) // 2])
        elif how == "pointer":
            (entry.parent / store.POINTER).write_text("../../escape")
        elif how == "fields":
            record = json.loads((entry / "info.json").read_text())
            del record["title"]
            (entry / "info.json").write_text(json.dumps(record))
        elif how == "model":
            (entry / "sampler.keras").write_bytes(b"not a zip")
        return name

    def scores_dir(self, text: str) -> Path:
        folder = self.folder(f"scores-{abs(hash(text))}")
        (folder / "scores.json").write_text(text)
        return folder

    def state_dir(self, text: str) -> Path:
        folder = self.folder(f"state-{abs(hash(text))}")
        (folder / training.STATE_FILE).write_text(text)
        return folder

    def samples_dir(self) -> Path:
        folder = self.folder("samples")
        (folder / "samples-epoch-0001.npy").write_bytes(
            b"\x93NUMPY broken"
        )
        return folder

    def judge_dir(self, how: str) -> Path:
        folder = self.folder(f"judge-{how}")
        name = classifier.NAME
        weights = folder / f"{name}.weights.h5"
        weights.write_bytes(
            (classifier.MODELS_DIR / f"{name}.weights.h5").read_bytes()
        )
        record = {"sha256": "0" * 64}
        text = json.dumps(record)
        if how == "record":
            text = text[:7]  # truncated
        (folder / f"{name}.json").write_text(text)
        return folder

    def truncated_mnist(self) -> tuple[Path, str]:
        cache = self.folder("cache")
        (cache / "mnist.npz").write_bytes(b"PK\x03\x04 truncated")
        return cache, str(cache / "mnist.npz")

    def damaged_table(self) -> str:
        path = store.save_table("t-bad", "smoke", {"a": 1})
        path.write_text('{"a": ')  # truncated
        return "t-bad"


# ---------------------------------------------------------------------------
# The table: public name -> [(wrong call, exception type, argument named)]
# ---------------------------------------------------------------------------

T, V = TypeError, ValueError
Case = tuple[Callable[[Kit], Any], type, str]


def _private():
    """A private helper: chapters show public code only."""


def lgs(k: Kit, x: Any = None, y: Any = None, **kw: Any):
    x = tf.constant(X4) if x is None else x
    y = tf.constant(Y3) if y is None else y
    return attacks.loss_gradient_sign(
        kw.get("model", k.clf), x, y, kw.get("from_logits", False)
    )


WRONG: dict[str, list[Case]] = {
    # --- attacks ----------------------------------------------------------
    "attacks.loss_gradient_sign": [
        (lambda k: lgs(k, model="model"), T, "model"),
        (lambda k: lgs(k, x=X4), T, "x"),
        (lambda k: lgs(k, from_logits="no"), T, "from_logits"),
        (lambda k: lgs(k, x=tf.zeros((3, 5, 5))), V, "x"),
        (lambda k: lgs(k, y=tf.constant([10, 0, 1])), V, "y"),
        (lambda k: lgs(k, y=tf.constant([-1, 0, 1])), V, "y"),
        (lambda k: lgs(k, y=tf.constant([2.7, 0.0, 1.0])), V, "y"),
    ],
    "attacks.fgsm_batch": [
        (
            lambda k: attacks.fgsm_batch(
                "model", tf.constant(X4), Y3, 0.1, (0, 1), False
            ),
            T,
            "model",
        ),
        (
            lambda k: attacks.fgsm_batch(
                k.clf, tf.constant(X4), Y3, -0.1, (0, 1), False
            ),
            V,
            "eps",
        ),
        (
            lambda k: attacks.fgsm_batch(
                k.clf, tf.constant(X4), Y3, np.nan, (0, 1), False
            ),
            V,
            "eps",
        ),
        (
            lambda k: attacks.fgsm_batch(
                k.clf, tf.constant(X4), Y3, 0.1, (1, 0), False
            ),
            V,
            "clip",
        ),
        (
            lambda k: attacks.fgsm_batch(
                k.clf, tf.constant(X4), Y3, 0.1, (0, 1), False, "yes"
            ),
            T,
            "targeted",
        ),
    ],
    "attacks.pgd_batch": [
        (
            lambda k: attacks.pgd_batch(
                k.clf,
                tf.constant(X4),
                Y3,
                0.1,
                -1,
                0.01,
                (0, 1),
                False,
                [0, 0],
            ),
            V,
            "steps",
        ),
        (
            lambda k: attacks.pgd_batch(
                k.clf,
                tf.constant(X4),
                Y3,
                0.1,
                2,
                np.nan,
                (0, 1),
                False,
                [0, 0],
            ),
            V,
            "step_size",
        ),
        (
            lambda k: attacks.pgd_batch(
                k.clf,
                tf.constant(X4),
                Y3,
                "a",
                2,
                0.01,
                (0, 1),
                False,
                [0, 0],
            ),
            T,
            "eps",
        ),
        (
            lambda k: attacks.pgd_batch(
                k.clf,
                tf.constant(X4),
                Y3,
                0.1,
                2,
                0.01,
                "ab",
                False,
                [0, 0],
            ),
            T,
            "clip",
        ),
    ],
    "attacks.outputs_are_probabilities": [
        (
            lambda k: attacks.outputs_are_probabilities([0.5, 0.5]),
            V,
            "outputs",
        ),
        (lambda k: attacks.outputs_are_probabilities(None), T, "outputs"),
        (
            lambda k: attacks.outputs_are_probabilities([[np.nan, 1.0]]),
            V,
            "outputs",
        ),
        (
            lambda k: attacks.outputs_are_probabilities(
                [[0.5, 0.5]], atol=-1
            ),
            V,
            "atol",
        ),
        (
            lambda k: attacks.outputs_are_probabilities([[0.5, 0.5]], "x"),
            T,
            "atol",
        ),
    ],
    "attacks.fgsm": [
        (lambda k: attacks.fgsm(k.clf, X4, Y3, eps=8), V, "eps"),  # 8/255?
        (lambda k: attacks.fgsm(k.clf, X4, [10, 0, 1], 0.1), V, "y"),
        (lambda k: attacks.fgsm(k.clf, X4, [-1, 0, 1], 0.1), V, "y"),
        (lambda k: attacks.fgsm(k.clf, X4, [2.7, 0, 1], 0.1), V, "y"),
        (lambda k: attacks.fgsm(k.clf, X4, [0, 1], 0.1), V, "y"),
        (lambda k: attacks.fgsm(k.clf, X4 * 255, Y3, 0.1), V, "x"),
        (lambda k: attacks.fgsm(k.clf, nan(X4), Y3, 0.1), V, "x"),
        (
            lambda k: attacks.fgsm(k.clf, np.zeros((0, 4, 4)), [], 0.1),
            V,
            "x",
        ),
        (lambda k: attacks.fgsm(k.clf, None, Y3, 0.1), T, "x"),
        (lambda k: attacks.fgsm(k.clf, "images", Y3, 0.1), T, "x"),
        (
            lambda k: attacks.fgsm(k.clf, np.zeros((3, 5, 5)), Y3, 0.1),
            V,
            "x",
        ),
        (lambda k: attacks.fgsm("model", X4, Y3, 0.1), T, "model"),
        (
            lambda k: attacks.fgsm(k.clf, X4, Y3, 0.1, clip=(1, 0)),
            V,
            "clip",
        ),
        (
            lambda k: attacks.fgsm(k.clf, X4, Y3, 0.1, batch_size=0),
            V,
            "batch_size",
        ),
        (
            lambda k: attacks.fgsm(k.clf, X4, Y3, 0.1, targeted="yes"),
            T,
            "targeted",
        ),
        (
            lambda k: attacks.fgsm(k.clf, X4, Y3, 0.1, from_logits="yes"),
            T,
            "from_logits",
        ),
    ],
    "attacks.pgd": [
        (lambda k: attacks.pgd(k.clf, X4, Y3, 0.1, steps=0), V, "steps"),
        (
            lambda k: attacks.pgd(k.clf, X4, Y3, 0.1, step_size=-1.0),
            V,
            "step_size",
        ),
        (lambda k: attacks.pgd(k.clf, X4, Y3, 0.1, seed=-1), V, "seed"),
        (lambda k: attacks.pgd(k.clf, X4, Y3, np.nan), V, "eps"),
        (lambda k: attacks.pgd(k.clf, X4 * 255, Y3, 0.1), V, "x"),
        (lambda k: attacks.pgd(k.clf, X4, [0, 1, 10], 0.1), V, "y"),
    ],
    # --- autoencoders -----------------------------------------------------
    "autoencoders.stacked_autoencoder": [
        (lambda k: autoencoders.stacked_autoencoder(0), V, "code_size"),
        (lambda k: autoencoders.stacked_autoencoder(2.5), T, "code_size"),
        (
            lambda k: autoencoders.stacked_autoencoder(2, hidden=5),
            T,
            "hidden",
        ),
        (
            lambda k: autoencoders.stacked_autoencoder(2, hidden=(0,)),
            V,
            "hidden",
        ),
        (
            lambda k: autoencoders.stacked_autoencoder(
                2, activation="bogus"
            ),
            V,
            "activation",
        ),
        (
            lambda k: autoencoders.stacked_autoencoder(
                2, code_activation=3
            ),
            T,
            "code_activation",
        ),
    ],
    "autoencoders.conv_autoencoder": [
        (lambda k: autoencoders.conv_autoencoder(0), V, "code_size"),
        (lambda k: autoencoders.conv_autoencoder("30"), T, "code_size"),
    ],
    # --- cgan ---------------------------------------------------------------
    "cgan.ConditionalGAN": [
        (
            lambda k: cgan.ConditionalGAN(
                k.cgan.generator, k.cgan.discriminator, num_classes=1
            ),
            V,
            "num_classes",
        ),
        (
            lambda k: cgan.ConditionalGAN("g", k.cgan.discriminator),
            T,
            "generator",
        ),
    ],
    "cgan.ConditionalGAN.fit": [
        (lambda k: k.cgan.fit((X28, [0, 1, 2, 10])), V, "x"),
        (lambda k: k.cgan.fit((X28, [0, 1, 2])), V, "x"),
        (lambda k: k.cgan.fit((X28 * 255, [0, 1, 2, 3])), V, "x"),
        (lambda k: k.cgan.fit((nan(X28), [0, 1, 2, 3])), V, "x"),
        (lambda k: k.cgan.fit((X28,)), V, "x"),
        (lambda k: k.cgan.fit((X4, [0, 1, 2])), V, "x"),
    ],
    "cgan.ConditionalGAN.generate": [
        (lambda k: k.cgan.generate(np.zeros((2, 4))), V, "labels"),
        (
            lambda k: k.cgan.generate(np.zeros((2, 4)), [0, 10]),
            V,
            "labels",
        ),
        (lambda k: k.cgan.generate(np.zeros((2, 4)), [0]), V, "labels"),
        (
            lambda k: k.cgan.generate(np.zeros((2, 5)), [0, 1]),
            V,
            "codings",
        ),
        (
            lambda k: k.cgan.generate(
                np.zeros((2, 4)), [0, 1], batch_size=0
            ),
            V,
            "batch_size",
        ),
    ],
    # --- checks -------------------------------------------------------------
    "checks.as_array": [
        (lambda k: checks.as_array("x", None), T, "x"),
        (lambda k: checks.as_array("x", "abc"), T, "x"),
        (lambda k: checks.as_array("x", [[1, 2], [3]]), T, "x"),
        (lambda k: checks.as_array("x", np.array(["a", "b"])), T, "x"),
        (lambda k: checks.as_array("x", [1.0, np.nan]), V, "x"),
        (lambda k: checks.as_array("x", [1.0, np.inf]), V, "x"),
        (lambda k: checks.as_array("x", np.zeros((0, 3))), V, "x"),
        (lambda k: checks.as_array("x", np.zeros(3), ndim=2), V, "x"),
        (
            lambda k: checks.as_array(
                "x", np.zeros((2, 3)), shape=(None, 4)
            ),
            V,
            "x",
        ),
        (
            lambda k: checks.as_array(
                "x", [0.0, 255.0], value_range=(0, 1)
            ),
            V,
            "x",
        ),
    ],
    "checks.images": [
        (lambda k: checks.images("x", X4 * 255), V, "x"),
        (lambda k: checks.images("x", np.zeros((4, 4))), V, "x"),
        (lambda k: checks.images("x", None), T, "x"),
    ],
    "checks.labels": [
        (lambda k: checks.labels("y", [2.7, 1]), V, "y"),
        (lambda k: checks.labels("y", [-1, 1]), V, "y"),
        (lambda k: checks.labels("y", [10, 1], num_classes=10), V, "y"),
        (lambda k: checks.labels("y", [1, 1], length=3), V, "y"),
        (lambda k: checks.labels("y", [[1, 1]]), V, "y"),
        (lambda k: checks.labels("y", ["a", "b"]), T, "y"),
        (lambda k: checks.labels("y", []), V, "y"),
    ],
    "checks.positive_int": [
        (lambda k: checks.positive_int("n", 0), V, "n"),
        (lambda k: checks.positive_int("n", -1, minimum=0), V, "n"),
        (lambda k: checks.positive_int("n", 1.5), T, "n"),
        (lambda k: checks.positive_int("n", True), T, "n"),
        (lambda k: checks.positive_int("n", "3"), T, "n"),
    ],
    "checks.number": [
        (lambda k: checks.number("a", np.nan), V, "a"),
        (lambda k: checks.number("a", np.inf), V, "a"),
        (lambda k: checks.number("a", "1"), T, "a"),
        (lambda k: checks.number("a", None), T, "a"),
        (lambda k: checks.number("a", 2.0, high=1.0), V, "a"),
        (
            lambda k: checks.number("a", 0.0, low=0.0, low_open=True),
            V,
            "a",
        ),
    ],
    "checks.one_of": [
        (
            lambda k: checks.one_of("prior", "bogus", ("normal",)),
            V,
            "prior",
        ),
        (lambda k: checks.one_of("prior", [], {"normal"}), V, "prior"),
    ],
    "checks.value_range": [
        (lambda k: checks.value_range("r", (1, 0)), V, "r"),
        (lambda k: checks.value_range("r", "ab"), T, "r"),
        (lambda k: checks.value_range("r", (0,)), T, "r"),
        (lambda k: checks.value_range("r", (0, np.nan)), V, "r"),
    ],
    "checks.same_length": [
        (lambda k: checks.same_length(x=[1, 2], y=[1]), V, "x"),
        (lambda k: checks.same_length(x=None, y=[1]), T, "x"),
        (lambda k: checks.same_length(x=[1], y=np.float64(1)), T, "y"),
        (lambda k: checks.same_length(), T, "arrays"),
    ],
    "checks.plain_name": [
        (lambda k: checks.plain_name("name", ".."), V, "name"),
        (lambda k: checks.plain_name("name", "a/b"), V, "name"),
        (lambda k: checks.plain_name("name", "a\\b"), V, "name"),
        (lambda k: checks.plain_name("name", ""), V, "name"),
        (lambda k: checks.plain_name("name", ".hidden"), V, "name"),
        (lambda k: checks.plain_name("name", 3), T, "name"),
    ],
    "checks.boolean": [
        (lambda k: checks.boolean("flag", "yes"), T, "flag"),
        (lambda k: checks.boolean("flag", 1), T, "flag"),
        (lambda k: checks.boolean("flag", None), T, "flag"),
    ],
    "checks.is_callable": [
        (lambda k: checks.is_callable("score", 3), T, "score"),
    ],
    "checks.instance": [
        (lambda k: checks.instance("model", "m", keras.Model), T, "model"),
        (lambda k: checks.instance("n", "m", (int, float)), T, "n"),
    ],
    "checks.fit_data": [
        (lambda k: checks.fit_data("x", None, (0, 1)), T, "x"),
        (lambda k: checks.fit_data("x", X4 * 255, (0, 1)), V, "x"),
        (lambda k: checks.fit_data("x", nan(X4), (0, 1)), V, "x"),
        (lambda k: checks.fit_data("x", (), (0, 1)), V, "x"),
        (lambda k: checks.fit_data("x", "images", (0, 1)), T, "x"),
        (
            lambda k: checks.fit_data(
                "x", tf.data.Dataset.from_tensor_slices(X4).take(0), (0, 1)
            ),
            V,
            "x",
        ),
        (
            lambda k: checks.fit_data(
                "x",
                tf.data.Dataset.from_tensor_slices(X4 * 255).batch(2),
                (0, 1),
            ),
            V,
            "x",
        ),
    ],
    "checks.shape_of": [
        (lambda k: checks.shape_of(None, "x"), T, "x"),
        (lambda k: checks.shape_of([[1, 2], [3]], "x"), T, "x"),
    ],
    "checks.same_shape": [
        (
            lambda k: checks.same_shape(
                "b", np.zeros(2), "a", np.zeros(3)
            ),
            V,
            "b",
        ),
        (
            lambda k: checks.same_shape(
                "b", np.zeros((2, 1)), "a", np.zeros(2)
            ),
            V,
            "b",
        ),
        (lambda k: checks.same_shape("b", None, "a", np.zeros(2)), T, "b"),
    ],
    "checks.fits_model": [
        (
            lambda k: checks.fits_model("x", np.zeros((2, 5, 5)), k.clf),
            V,
            "x",
        ),
        (
            lambda k: checks.fits_model("x", np.zeros((2, 16)), k.clf),
            V,
            "x",
        ),
        (lambda k: checks.fits_model("x", X4, k.clf, "bogus"), V, "which"),
    ],
    "checks.activation": [
        (
            lambda k: checks.activation("activation", "bogus"),
            V,
            "activation",
        ),
        (lambda k: checks.activation("activation", 3), T, "activation"),
    ],
    # --- classifier ---------------------------------------------------------
    "classifier.build_classifier": [
        (lambda k: classifier.build_classifier(1), V, "num_classes"),
        (lambda k: classifier.build_classifier(2.5), T, "num_classes"),
    ],
    "classifier.Classifier": [
        (lambda k: classifier.Classifier("model", {}), T, "model"),
        (lambda k: classifier.Classifier(k.clf, {}), V, "model"),
        (
            lambda k: classifier.Classifier(k.judge.model, "record"),
            T,
            "record",
        ),
    ],
    "classifier.Classifier.predict": [
        (lambda k: k.judge.predict(X28 * 255), V, "images"),
        (lambda k: k.judge.predict(np.zeros((2, 32, 32))), V, "images"),
        (lambda k: k.judge.predict(None), T, "images"),
        (lambda k: k.judge.predict(X28, batch_size=0), V, "batch_size"),
    ],
    "classifier.Classifier.labels": [
        (lambda k: k.judge.labels(nan(X28)), V, "images"),
        (lambda k: k.judge.labels(np.zeros((0, 28, 28))), V, "images"),
    ],
    "classifier.Classifier.set_reference": [
        (lambda k: k.judge.set_reference(X28[:1], "one"), V, "images"),
        (lambda k: k.judge.set_reference(X28 * 255, "big"), V, "images"),
        (lambda k: k.judge.set_reference(X28, 3), T, "name"),
    ],
    "classifier.Classifier.reference": [
        (lambda k: k.judge.reference("bogus"), V, "name"),
        (lambda k: k.judge.reference(3), T, "name"),
    ],
    "classifier.Classifier.score": [
        (lambda k: k.judge.score(X28, reference="bogus"), V, "reference"),
        (lambda k: k.judge.score(X28 * 255), V, "images"),
        (lambda k: k.judge.score(X28[:1]), V, "images"),
        (lambda k: k.judge.score(X28, kid_seed=-1), V, "kid_seed"),
    ],
    "classifier.load_classifier": [
        (
            lambda k: classifier.load_classifier(k.folder("empty")),
            FileNotFoundError,
            "directory",
        ),
        (
            lambda k: classifier.load_classifier(k.judge_dir("record")),
            V,
            "directory",
        ),
        (
            lambda k: classifier.load_classifier(k.judge_dir("sha")),
            V,
            "directory",
        ),
        (lambda k: classifier.load_classifier(3), T, "directory"),
        (lambda k: classifier.load_classifier(name="../judge"), V, "name"),
    ],
    "classifier.train_classifier": [
        (
            lambda k: classifier.train_classifier(k.tmp, epochs=0),
            V,
            "epochs",
        ),
        (lambda k: classifier.train_classifier(k.tmp, seed=-1), V, "seed"),
        (
            lambda k: classifier.train_classifier(k.tmp, name=".."),
            V,
            "name",
        ),
        (lambda k: classifier.train_classifier(3), T, "directory"),
    ],
    # --- data ----------------------------------------------------------------
    "data.ImageData": [
        (lambda k: image_data(y_train=[0, 1, 0]), V, "y_train"),
        (
            lambda k: image_data(x_train=np.zeros((4, 2, 2)) + 255),
            V,
            "x_train",
        ),
        (
            lambda k: image_data(x_train=nan(np.zeros((4, 2, 2)))),
            V,
            "x_train",
        ),
        (lambda k: image_data(y_train=[0, 1, 2, 1]), V, "y_train"),
        (lambda k: image_data(y_train=[0, 1, 0.5, 1]), V, "y_train"),
        (lambda k: image_data(x_test=None), T, "x_test"),
        (lambda k: image_data(name=""), T, "name"),
        (lambda k: image_data(class_names=()), V, "class_names"),
        (lambda k: image_data(class_names="ab"), T, "class_names"),
    ],
    "data.ImageData.subset": [
        (lambda k: image_data().subset(n_train=0), V, "n_train"),
        (lambda k: image_data().subset(n_valid=2.5), T, "n_valid"),
        (lambda k: image_data().subset(n_test=10), V, "n_test"),
    ],
    "data.sha256_file": [
        (
            lambda k: data.sha256_file(k.tmp / "missing"),
            FileNotFoundError,
            "path",
        ),
        (lambda k: data.sha256_file(None), T, "path"),
    ],
    "data.verify_cache": [
        (lambda k: data.verify_cache("bogus"), V, "dataset"),
        (lambda k: data.verify_cache(3), T, "dataset"),
        (lambda k: data.verify_cache("mnist", 3), T, "cache_dir"),
        # a damaged file: the DataFileError names the file, which is the fix
        (
            lambda k: data.verify_cache("mnist", k.truncated_mnist()[0]),
            data.DataFileError,
            "<mnist.npz>",
        ),
    ],
    "data.load_fashion_mnist": [
        (lambda k: data.load_fashion_mnist(0), V, "valid_size"),
        (lambda k: data.load_fashion_mnist("5"), T, "valid_size"),
    ],
    "data.load_mnist": [
        (lambda k: data.load_mnist(-1), V, "valid_size"),
    ],
    # --- diffusion -----------------------------------------------------------
    "diffusion.make_schedule": [
        (lambda k: diffusion.make_schedule("bogus"), V, "name"),
        (lambda k: diffusion.make_schedule("linear", 1), V, "steps"),
        (lambda k: diffusion.make_schedule("linear", 2.0), T, "steps"),
    ],
    "diffusion.q_sample": [
        (lambda k: q(k, noise=np.zeros((3, 4, 5))), V, "noise"),
        (lambda k: q(k, t=[10, 0, 1]), V, "t"),
        (lambda k: q(k, t=[-1, 0, 1]), V, "t"),
        (lambda k: q(k, t=[2.5, 0, 1]), V, "t"),
        (lambda k: q(k, t=[0, 1]), V, "t"),
        (lambda k: q(k, t="a"), T, "t"),
        (lambda k: q(k, alpha_bars=nan(np.ones(10))), V, "alpha_bars"),
    ],
    "diffusion.TimestepEmbedding": [
        (lambda k: diffusion.TimestepEmbedding(1), V, "dim"),
        (lambda k: diffusion.TimestepEmbedding(2.5), T, "dim"),
    ],
    "diffusion.residual_block": [
        (lambda k: block(channels=0), V, "channels"),
        (lambda k: block(channels=12), V, "channels"),
        (lambda k: block(h=keras.Input((7, 16))), V, "h"),
        (lambda k: block(h=keras.Input((7, 7, 12))), V, "h"),
        (lambda k: block(emb=keras.Input((2, 64))), V, "emb"),
        (lambda k: block(h=None), T, "h"),
    ],
    "diffusion.unet": [
        (lambda k: diffusion.unet(4), V, "width"),
        (lambda k: diffusion.unet(10), V, "width"),
        (lambda k: diffusion.unet(8, num_classes=1), V, "num_classes"),
        (lambda k: diffusion.unet(8, emb_dim=1), V, "emb_dim"),
        (
            lambda k: diffusion.unet(8, num_classes=10, emb_dim=63),
            V,
            "emb_dim",
        ),
    ],
    "diffusion.Diffusion": [
        (lambda k: diffusion.Diffusion("network"), T, "network"),
        (
            lambda k: diffusion.Diffusion(k.clf, schedule="bogus"),
            V,
            "schedule",
        ),
        (lambda k: diffusion.Diffusion(k.clf, steps=1), V, "steps"),
        (
            lambda k: diffusion.Diffusion(k.clf, p_uncond=2.0),
            V,
            "p_uncond",
        ),
        (
            lambda k: diffusion.Diffusion(k.clf, num_classes=1),
            V,
            "num_classes",
        ),
        (lambda k: diffusion.Diffusion(k.clf, seed=-1), V, "seed"),
        (lambda k: diffusion.Diffusion(k.clf, ema=1.0), V, "ema"),
        (lambda k: diffusion.Diffusion(k.clf, ema="x"), T, "ema"),
    ],
    "diffusion.Diffusion.fit": [
        (lambda k: k.diffusion.fit(X4 * 255), V, "x"),
        (lambda k: k.diffusion.fit(nan(X4)), V, "x"),
        (lambda k: k.diffusion.fit(np.zeros((2, 5, 5))), V, "x"),
        (lambda k: k.diffusion.fit(None), T, "x"),
    ],
    "diffusion.predicted_noise": [
        (
            lambda k: diffusion.predicted_noise(3, X4, 1, None, 0.0, None),
            T,
            "predict",
        ),
        (
            lambda k: diffusion.predicted_noise(
                lambda i: i, X4, 1, Y3, -1.0, 10
            ),
            V,
            "guidance",
        ),
    ],
    "diffusion.predicted_x0": [
        (
            lambda k: diffusion.predicted_x0(X4, X4, 10, k.schedule),
            V,
            "t",
        ),
        (lambda k: diffusion.predicted_x0(X4, X4, 1, "s"), T, "schedule"),
        (
            lambda k: diffusion.predicted_x0(X4, X4[:2], 1, k.schedule),
            V,
            "eps",
        ),
    ],
    "diffusion.ddpm_step": [
        (
            lambda k: diffusion.ddpm_step(
                X4, X4, 10, k.schedule, np.random.default_rng()
            ),
            V,
            "t",
        ),
        (
            lambda k: diffusion.ddpm_step(
                X4, X4, 1, "s", np.random.default_rng()
            ),
            T,
            "schedule",
        ),
        (
            lambda k: diffusion.ddpm_step(
                X4, X4[:2], 1, k.schedule, np.random.default_rng()
            ),
            V,
            "eps",
        ),
        (
            lambda k: diffusion.ddpm_step(X4, X4, 1, k.schedule, 0),
            T,
            "rng",
        ),
    ],
    "diffusion.ddim_step": [
        (
            lambda k: diffusion.ddim_step(X4, X4, 5, 5, k.schedule),
            V,
            "t_prev",
        ),
        (
            lambda k: diffusion.ddim_step(X4, X4, -1, -1, k.schedule),
            V,
            "t",
        ),
        (
            lambda k: diffusion.ddim_step(X4, X4, 2.5, 1, k.schedule),
            T,
            "t",
        ),
        (lambda k: diffusion.ddim_step(X4, X4, 5, 1, None), T, "schedule"),
    ],
    "diffusion.sample": [
        (lambda k: diffusion.sample("model", 2), T, "model"),
        (lambda k: diffusion.sample(k.diffusion, 0), V, "n"),
        (lambda k: diffusion.sample(k.diffusion, 2, seed=-1), V, "seed"),
        (
            lambda k: diffusion.sample(k.diffusion, 2, guidance=-1.0),
            V,
            "guidance",
        ),
        (lambda k: diffusion.sample(k.diffusion, 2, steps=0), V, "steps"),
        (lambda k: diffusion.sample(k.diffusion, 2, steps=11), V, "steps"),
        (
            lambda k: diffusion.sample(k.diffusion, 2, labels=[0, 1]),
            V,
            "labels",
        ),
        (
            lambda k: diffusion.sample(k.cdiffusion, 2, labels=[0, 10]),
            V,
            "labels",
        ),
        (
            lambda k: diffusion.sample(k.cdiffusion, 2, labels=[0]),
            V,
            "labels",
        ),
        (lambda k: diffusion.sample(k.diffusion, 2, keep=5), T, "keep"),
        (
            lambda k: diffusion.sample(k.diffusion, 2, keep=(10,)),
            V,
            "keep",
        ),
    ],
    "diffusion.DiffusionSampler": [
        (
            lambda k: diffusion.DiffusionSampler(
                k.clf, steps=10, guidance=1.0
            ),
            V,
            "guidance",
        ),
        (
            lambda k: diffusion.DiffusionSampler(
                k.clf, steps=10, ddim_steps=0
            ),
            V,
            "ddim_steps",
        ),
        (
            lambda k: diffusion.DiffusionSampler(
                k.clf, steps=10, guidance=-1.0
            ),
            V,
            "guidance",
        ),
        (
            lambda k: diffusion.DiffusionSampler(k.clf, schedule="bogus"),
            V,
            "schedule",
        ),
        (lambda k: diffusion.DiffusionSampler("network"), T, "network"),
    ],
    "diffusion.DiffusionSampler.sample": [
        (lambda k: k.dsampler.sample(0, 0), V, "n"),
        (lambda k: k.dsampler.sample(2, -1), V, "seed"),
        (lambda k: k.dsampler.sample(2, 0, labels=[0, 1]), V, "labels"),
        (lambda k: k.cdsampler.sample(2, 0, labels=[0, 10]), V, "labels"),
        (
            lambda k: k.cdsampler.sample(2, 0, labels=[0, 1, 2]),
            V,
            "labels",
        ),
    ],
    # --- display -------------------------------------------------------------
    "display.glue": [
        (lambda k: display.glue("bad name!", 1), V, "name"),
        (lambda k: display.glue(3, 1), T, "name"),
        (lambda k: display.glue("ch0_x", 1, fmt=2), T, "fmt"),
        (lambda k: display.glue("ch0_x", "text", fmt="{:.2f}"), V, "fmt"),
        (lambda k: display.glue("ch0_x", 1, display="yes"), T, "display"),
    ],
    "display.source_of": [
        (lambda k: display.source_of(3), T, "obj"),
        (lambda k: display.source_of(_private), V, "obj"),
    ],
    "display.show_source": [
        (lambda k: display.show_source(), V, "objects"),
        (lambda k: display.show_source(display.glue, 3), T, "objects"),
    ],
    "display.show_gif": [
        (lambda k: display.show_gif(b"\x89PNG\r\n\x1a\n"), V, "data"),
        (lambda k: display.show_gif("GIF89a"), T, "data"),
        (lambda k: display.show_gif(b"GIF89a", alt=3), T, "alt"),
        (lambda k: display.show_gif(b"GIF89a", width=0), V, "width"),
    ],
    # --- gan -----------------------------------------------------------------
    "gan.GAN": [
        (lambda k: gan.GAN("g", k.gan.discriminator), T, "generator"),
        (lambda k: gan.GAN(k.gan.generator, None), T, "discriminator"),
        (
            lambda k: gan.GAN(
                k.gan.generator, k.gan.discriminator, prior="bogus"
            ),
            V,
            "prior",
        ),
        (
            lambda k: gan.GAN(
                k.gan.generator, k.gan.discriminator, seed=-1
            ),
            V,
            "seed",
        ),
        (
            lambda k: gan.GAN(
                k.gan.generator, k.gan.discriminator, data_range=(1, 0)
            ),
            V,
            "data_range",
        ),
    ],
    "gan.GAN.compile": [
        (
            lambda k: k.new_gan().compile(d_optimizer="adam"),
            T,
            "d_optimizer",
        ),
        (
            lambda k: k.new_gan().compile(g_optimizer="adam"),
            T,
            "g_optimizer",
        ),
        (lambda k: same_optimizer(k.new_gan()), V, "g_optimizer"),
    ],
    "gan.GAN.fit": [
        (lambda k: k.gan.fit(X6 * 255, epochs=1, verbose=0), V, "x"),
        (lambda k: k.gan.fit(nan(X6), epochs=1, verbose=0), V, "x"),
        (
            lambda k: k.gan.fit(np.zeros((4, 5, 5)), epochs=1, verbose=0),
            V,
            "x",
        ),
        (lambda k: k.gan.fit(None, epochs=1, verbose=0), T, "x"),
        (lambda k: k.gan.fit("images", epochs=1, verbose=0), T, "x"),
        (
            lambda k: k.gan.fit(
                tf.data.Dataset.from_tensor_slices(X6 * 255).batch(2),
                verbose=0,
            ),
            V,
            "x",
        ),
    ],
    "gan.GAN.generate": [
        (lambda k: k.gan.generate(np.zeros((2, 5))), V, "codings"),
        (lambda k: k.gan.generate(nan(np.zeros((2, 4)))), V, "codings"),
        (
            lambda k: k.gan.generate(np.zeros((2, 4)), batch_size=0),
            V,
            "batch_size",
        ),
        (lambda k: k.gan.generate(None), T, "codings"),
    ],
    # --- gan_callbacks -------------------------------------------------------
    "gan_callbacks.SampleHistory": [
        (
            lambda k: gan_callbacks.SampleHistory(
                k.tmp, "s", np.zeros((2, 3))
            ),
            T,
            "sampler",
        ),
        (
            lambda k: gan_callbacks.SampleHistory(
                k.tmp, k.sampler, np.zeros((2, 4))
            ),
            V,
            "codings",
        ),
        (
            lambda k: gan_callbacks.SampleHistory(
                k.tmp, k.sampler, np.zeros((2, 3)), every=0
            ),
            V,
            "every",
        ),
        (
            lambda k: gan_callbacks.SampleHistory(
                3, k.sampler, np.zeros((2, 3))
            ),
            T,
            "directory",
        ),
        (
            lambda k: gan_callbacks.SampleHistory(
                k.tmp, k.sampler, np.zeros((2, 3)), [0, 1]
            ),
            V,
            "labels",
        ),
        (
            lambda k: gan_callbacks.SampleHistory(
                k.tmp, k.csampler, np.zeros((2, 3))
            ),
            V,
            "labels",
        ),
        (
            lambda k: gan_callbacks.SampleHistory(
                k.tmp, k.csampler, np.zeros((2, 3)), [0, 10]
            ),
            V,
            "labels",
        ),
    ],
    "gan_callbacks.SampleHistory.save": [
        (lambda k: history(k).save(-1), V, "epoch"),
        (lambda k: history(k).save("1"), T, "epoch"),
    ],
    "gan_callbacks.SampleHistory.load": [
        (
            lambda k: gan_callbacks.SampleHistory.load(k.samples_dir()),
            V,
            "directory",
        ),
        (lambda k: gan_callbacks.SampleHistory.load(3), T, "directory"),
    ],
    "gan_callbacks.ScoreHistory": [
        (
            lambda k: gan_callbacks.ScoreHistory(3, k.tmp, k.sampler),
            T,
            "score",
        ),
        (
            lambda k: gan_callbacks.ScoreHistory(len, k.tmp, "s"),
            T,
            "sampler",
        ),
        (
            lambda k: gan_callbacks.ScoreHistory(
                len, k.tmp, k.sampler, n=0
            ),
            V,
            "n",
        ),
        (
            lambda k: gan_callbacks.ScoreHistory(
                len, k.tmp, k.sampler, seed=-1
            ),
            V,
            "seed",
        ),
        (
            lambda k: gan_callbacks.ScoreHistory(len, None, k.sampler),
            T,
            "directory",
        ),
    ],
    "gan_callbacks.ScoreHistory.load": [
        (
            lambda k: gan_callbacks.ScoreHistory.load(
                k.scores_dir('{"1": {"hist')
            ),
            V,
            "directory",
        ),
        (
            lambda k: gan_callbacks.ScoreHistory.load(
                k.scores_dir("[1, 2]")
            ),
            V,
            "directory",
        ),
        (
            lambda k: gan_callbacks.ScoreHistory.load(
                k.scores_dir('{"one": {}}')
            ),
            V,
            "directory",
        ),
        (lambda k: gan_callbacks.ScoreHistory.load(None), T, "directory"),
    ],
    # --- gan_networks --------------------------------------------------------
    "gan_networks.dense_generator": [
        (lambda k: gan_networks.dense_generator(0), V, "codings_size"),
        (
            lambda k: gan_networks.dense_generator(4, image_shape=(0, 28)),
            V,
            "image_shape",
        ),
        (
            lambda k: gan_networks.dense_generator(4, image_shape=28),
            T,
            "image_shape",
        ),
    ],
    "gan_networks.dense_discriminator": [
        (
            lambda k: gan_networks.dense_discriminator(
                image_shape=(0, 28)
            ),
            V,
            "image_shape",
        ),
        (
            lambda k: gan_networks.dense_discriminator(
                image_shape=(28, 2.5)
            ),
            T,
            "image_shape",
        ),
        (
            lambda k: gan_networks.dense_discriminator(
                minibatch_std="yes"
            ),
            T,
            "minibatch_std",
        ),
        (
            lambda k: gan_networks.dense_discriminator(
                output_activation="bogus"
            ),
            V,
            "output_activation",
        ),
    ],
    "gan_networks.dcgan_generator": [
        (lambda k: gan_networks.dcgan_generator(0), V, "codings_size"),
        (lambda k: gan_networks.dcgan_generator(4, width=0), V, "width"),
        (
            lambda k: gan_networks.dcgan_generator(4, 8, num_classes=1),
            V,
            "num_classes",
        ),
    ],
    "gan_networks.dcgan_discriminator": [
        (lambda k: gan_networks.dcgan_discriminator(0), V, "width"),
        (
            lambda k: gan_networks.dcgan_discriminator(
                8, activation="bogus"
            ),
            V,
            "activation",
        ),
        (
            lambda k: gan_networks.dcgan_discriminator(
                8, batch_norm="yes"
            ),
            T,
            "batch_norm",
        ),
        (
            lambda k: gan_networks.dcgan_discriminator(8, num_classes=1),
            V,
            "num_classes",
        ),
        (
            lambda k: gan_networks.dcgan_discriminator(
                8, output_activation="bogus"
            ),
            V,
            "output_activation",
        ),
    ],
    # --- infogan -------------------------------------------------------------
    "infogan.sample_info_codes": [
        (lambda k: infogan.sample_info_codes(0, 2, 2, 1), V, "n"),
        (lambda k: infogan.sample_info_codes(3, 0, 2, 1), V, "noise"),
        (lambda k: infogan.sample_info_codes(3, 2, 1, 1), V, "n_cat"),
        (lambda k: infogan.sample_info_codes(3, 2, 2, -1), V, "n_cont"),
        (
            lambda k: infogan.sample_info_codes(3, 2, 2, 1, seed=-1),
            V,
            "seed",
        ),
        (
            lambda k: infogan.sample_info_codes(
                3, 2, 2, 1, categories=[0, 1, 5]
            ),
            V,
            "categories",
        ),
        (
            lambda k: infogan.sample_info_codes(
                3, 2, 2, 1, categories=[0, 1]
            ),
            V,
            "categories",
        ),
    ],
    "infogan.infogan_discriminator": [
        (lambda k: infogan.infogan_discriminator(0), V, "width"),
        (lambda k: infogan.infogan_discriminator(8, n_cat=1), V, "n_cat"),
        (
            lambda k: infogan.infogan_discriminator(8, n_cont=0),
            V,
            "n_cont",
        ),
    ],
    "infogan.InfoGAN": [
        (lambda k: infogan.InfoGAN("g", k.clf), T, "generator"),
        (
            lambda k: infogan.InfoGAN(k.infogan.generator, "d"),
            T,
            "discriminator",
        ),
        (
            lambda k: infogan.InfoGAN(k.infogan.generator, k.clf, 3, 2, 1),
            V,
            "generator",
        ),
        (
            lambda k: infogan.InfoGAN(
                k.infogan.generator, k.clf, 2, 2, 1, info_weight=-1.0
            ),
            V,
            "info_weight",
        ),
        (
            lambda k: infogan.InfoGAN(
                k.infogan.generator, k.clf, 2, 2, 1, seed=-1
            ),
            V,
            "seed",
        ),
        (
            lambda k: infogan.InfoGAN(k.infogan.generator, k.clf, 0, 2, 1),
            V,
            "noise",
        ),
    ],
    "infogan.InfoGAN.compile": [
        (
            lambda k: k.infogan.compile(d_optimizer="adam"),
            T,
            "d_optimizer",
        ),
    ],
    "infogan.InfoGAN.fit": [
        (lambda k: k.infogan.fit(X6 * 255), V, "x"),
        (lambda k: k.infogan.fit(nan(X6)), V, "x"),
        (lambda k: k.infogan.fit(np.zeros((4, 5, 5))), V, "x"),
    ],
    "infogan.InfoGAN.generate": [
        (
            lambda k: k.infogan.generate([0, 2], np.zeros((2, 1))),
            V,
            "categories",
        ),
        (
            lambda k: k.infogan.generate([0, 1], np.zeros((2, 2))),
            V,
            "continuous",
        ),
        (
            lambda k: k.infogan.generate([0, 1], nan(np.zeros((2, 1)))),
            V,
            "continuous",
        ),
        (
            lambda k: k.infogan.generate(
                [0, 1], np.zeros((2, 1)), seed=-1
            ),
            V,
            "seed",
        ),
    ],
    "infogan.InfoGAN.information_loss": [
        (
            lambda k: k.infogan.information_loss(
                np.zeros((2, 2)),
                np.zeros((2, 1)),
                [0, 1],
                np.zeros((2, 2)),
            ),
            V,
            "q_cont",
        ),
        (
            lambda k: k.infogan.information_loss(
                np.zeros((2, 2)), np.zeros((2, 1)), [0, 1], np.zeros(1)
            ),
            V,
            "q_cont",
        ),
        (
            lambda k: k.infogan.information_loss(
                np.zeros(2), np.zeros((2, 1)), [0, 1], np.zeros((2, 1))
            ),
            V,
            "q_cat",
        ),
    ],
    "infogan.code_class_agreement": [
        (
            lambda k: infogan.code_class_agreement([0, 10], [0, 1]),
            V,
            "codes",
        ),
        (
            lambda k: infogan.code_class_agreement([0, -1], [0, 1]),
            V,
            "codes",
        ),
        (
            lambda k: infogan.code_class_agreement([0, 1], [0, 1, 2]),
            V,
            "classes",
        ),
        (
            lambda k: infogan.code_class_agreement(
                [0, 1], [0, 1], n_cat=1
            ),
            V,
            "n_cat",
        ),
        (
            lambda k: infogan.code_class_agreement(
                [0, 1], [0, 1], num_classes=0
            ),
            V,
            "num_classes",
        ),
    ],
    "infogan.InfoCodesSampler": [
        (
            lambda k: infogan.InfoCodesSampler(
                k.net, noise=2, n_cat=2, n_cont=1
            ),
            V,
            "network",
        ),
        (
            lambda k: infogan.InfoCodesSampler(
                k.net, noise=1, n_cat=1, n_cont=1
            ),
            V,
            "n_cat",
        ),
        (lambda k: infogan.InfoCodesSampler("network"), T, "network"),
    ],
    "infogan.InfoCodesSampler.codings": [
        (lambda k: info_sampler(k).codings(0, 0), V, "n"),
        (lambda k: info_sampler(k).codings(2, -1), V, "seed"),
    ],
    # --- layers --------------------------------------------------------------
    "layers.TiedReference": [
        (lambda k: layers.TiedReference("dense"), T, "layer"),
    ],
    "layers.DenseTranspose": [
        (lambda k: layers.DenseTranspose("dense"), T, "dense"),
        (
            lambda k: layers.DenseTranspose(
                keras.layers.Dense(3), activation="bogus"
            ),
            V,
            "activation",
        ),
        (
            lambda k: layers.DenseTranspose(keras.layers.Dense(3))(
                np.zeros((2, 3))
            ),
            V,
            "dense",
        ),
        (
            lambda k: layers.DenseTranspose(built_dense())(
                np.zeros((2, 4))
            ),
            V,
            "inputs",
        ),
    ],
    "layers.MinibatchStdDev": [
        (
            lambda k: layers.MinibatchStdDev()(
                np.zeros((4, 2, 3), "float32")
            ),
            V,
            "inputs",
        ),
        (
            lambda k: layers.MinibatchStdDev()(np.zeros(4, "float32")),
            V,
            "inputs",
        ),
    ],
    # --- lecture_gan ---------------------------------------------------------
    "lecture_gan.two_phase_step": [
        (
            lambda k: lecture_gan.two_phase_step(*k.lecture, X6 * 255),
            V,
            "real",
        ),
        (
            lambda k: lecture_gan.two_phase_step(*k.lecture, nan(X6)),
            V,
            "real",
        ),
        (
            lambda k: lecture_gan.two_phase_step(
                *k.lecture, np.zeros((4, 5, 5))
            ),
            V,
            "real",
        ),
        (
            lambda k: lecture_gan.two_phase_step("g", *k.lecture[1:], X6),
            T,
            "generator",
        ),
        (
            lambda k: lecture_gan.two_phase_step(
                *k.lecture, X6, prior="bogus"
            ),
            V,
            "prior",
        ),
        (
            lambda k: lecture_gan.two_phase_step(*k.lecture, X6, rng=0),
            T,
            "rng",
        ),
        (
            lambda k: lecture_gan.two_phase_step(
                *k.lecture, X6, on_phase=3
            ),
            T,
            "on_phase",
        ),
    ],
    "lecture_gan.two_phase_epoch": [
        (
            lambda k: lecture_gan.two_phase_epoch(*k.lecture, X6 * 255),
            V,
            "images",
        ),
        (
            lambda k: lecture_gan.two_phase_epoch(
                *k.lecture, X6, batch_size=0
            ),
            V,
            "batch_size",
        ),
        (
            lambda k: lecture_gan.two_phase_epoch(
                *k.lecture, X6, batch_size=5
            ),
            V,
            "batch_size",
        ),
        (
            lambda k: lecture_gan.two_phase_epoch(
                *k.lecture, X6, prior="bogus"
            ),
            V,
            "prior",
        ),
        (
            lambda k: lecture_gan.two_phase_epoch(*k.lecture, X6, rng="r"),
            T,
            "rng",
        ),
        (
            lambda k: lecture_gan.two_phase_epoch(*k.lecture, X4),
            V,
            "images",
        ),
    ],
    "lecture_gan.weight_change": [
        (
            lambda k: lecture_gan.weight_change(
                k.net, [w[:1] for w in k.net.get_weights()]
            ),
            V,
            "before",
        ),
        (
            lambda k: lecture_gan.weight_change(
                k.net, k.net.get_weights()[:1]
            ),
            V,
            "before",
        ),
        (
            lambda k: lecture_gan.weight_change(k.net, "weights"),
            T,
            "before",
        ),
        (
            lambda k: lecture_gan.weight_change(
                k.net, [nan(w) for w in k.net.get_weights()]
            ),
            V,
            "before",
        ),
        (lambda k: lecture_gan.weight_change("model", []), T, "model"),
        (
            lambda k: lecture_gan.weight_change(
                keras.Sequential([keras.Input((2,))]), []
            ),
            V,
            "model",
        ),
    ],
    # --- metrics -------------------------------------------------------------
    "metrics.psnr": [
        (
            lambda k: metrics.psnr(X4, X4, max_val=255),
            V,
            "max_val",
        ),  # [0, 1] images
        (lambda k: metrics.psnr(X4 * 255, X4 * 255), V, "a"),
        (lambda k: metrics.psnr(X4, X4[:2]), V, "b"),
        (lambda k: metrics.psnr(nan(X4), X4), V, "a"),
        (lambda k: metrics.psnr(X4[0, 0], X4[0, 0]), V, "a"),
        (lambda k: metrics.psnr(X4, X4, max_val=0), V, "max_val"),
        (lambda k: metrics.psnr(None, X4), T, "a"),
    ],
    "metrics.frechet_distance": [
        (lambda k: metrics.frechet_distance(F[:, 0], F), V, "features_a"),
        (lambda k: metrics.frechet_distance(F[:1], F), V, "features_a"),
        (lambda k: metrics.frechet_distance(F, F[:, :2]), V, "features_b"),
        (lambda k: metrics.frechet_distance(F, nan(F)), V, "features_b"),
    ],
    "metrics.frechet_distance_from_moments": [
        (
            lambda k: metrics.frechet_distance_from_moments(
                np.zeros(2), [[1, 0.5], [0, 1]], np.zeros(2), np.eye(2)
            ),
            V,
            "cov_a",
        ),
        (
            lambda k: metrics.frechet_distance_from_moments(
                np.zeros(2), -np.eye(2), np.zeros(2), np.eye(2)
            ),
            V,
            "cov_a",
        ),
        (
            lambda k: metrics.frechet_distance_from_moments(
                np.zeros(2), np.eye(2), np.zeros(3), np.eye(2)
            ),
            V,
            "mu_b",
        ),
        (
            lambda k: metrics.frechet_distance_from_moments(
                np.zeros(2), np.eye(2), np.zeros(2), np.eye(3)
            ),
            V,
            "cov_b",
        ),
        (
            lambda k: metrics.frechet_distance_from_moments(
                np.zeros((2, 2)), np.eye(2), np.zeros(2), np.eye(2)
            ),
            V,
            "mu_a",
        ),
    ],
    "metrics.mmd2_unbiased": [
        (lambda k: metrics.mmd2_unbiased(F[:1], F), V, "x"),
        (lambda k: metrics.mmd2_unbiased(F, F[:, :2]), V, "y"),
        (lambda k: metrics.mmd2_unbiased(F[:, 0], F), V, "x"),
        (lambda k: metrics.mmd2_unbiased(F, None), T, "y"),
    ],
    "metrics.kernel_inception_distance": [
        (
            lambda k: metrics.kernel_inception_distance(
                F, F, subset_size=1
            ),
            V,
            "subset_size",
        ),
        (
            lambda k: metrics.kernel_inception_distance(F, F, n_subsets=0),
            V,
            "n_subsets",
        ),
        (
            lambda k: metrics.kernel_inception_distance(F, F, seed=-1),
            V,
            "seed",
        ),
        (
            lambda k: metrics.kernel_inception_distance(F, F[:, :2]),
            V,
            "features_b",
        ),
    ],
    "metrics.class_histogram": [
        (lambda k: metrics.class_histogram([0, 10]), V, "labels"),
        (lambda k: metrics.class_histogram([0, -1]), V, "labels"),
        (lambda k: metrics.class_histogram([0, 2.7]), V, "labels"),
        (
            lambda k: metrics.class_histogram([0, 1], num_classes=0),
            V,
            "num_classes",
        ),
    ],
    "metrics.class_coverage": [
        (
            lambda k: metrics.class_coverage([0, 1], min_share=1.0),
            V,
            "min_share",
        ),
        (lambda k: metrics.class_coverage([0, 10]), V, "labels"),
    ],
    "metrics.class_entropy": [
        (lambda k: metrics.class_entropy([0, 10]), V, "labels"),
        (lambda k: metrics.class_entropy([]), V, "labels"),
    ],
    "metrics.mean_pairwise_distance": [
        (lambda k: metrics.mean_pairwise_distance(F[:1]), V, "features"),
        (
            lambda k: metrics.mean_pairwise_distance(F, max_rows=1),
            V,
            "max_rows",
        ),
        (
            lambda k: metrics.mean_pairwise_distance(
                F, max_rows=2, seed=-1
            ),
            V,
            "seed",
        ),
    ],
    "metrics.within_class_diversity": [
        (
            lambda k: metrics.within_class_diversity(
                F, [0] * 8, F, [0] * 7
            ),
            V,
            "reference_labels",
        ),
        (
            lambda k: metrics.within_class_diversity(
                F, [10] * 8, F, [0] * 8
            ),
            V,
            "labels",
        ),
        (
            lambda k: metrics.within_class_diversity(
                F, [0] * 8, F[:, :2], [0] * 8
            ),
            V,
            "reference_features",
        ),
        (
            lambda k: metrics.within_class_diversity(
                F, [0] * 8, F, [0] * 8, min_count=1
            ),
            V,
            "min_count",
        ),
        (
            lambda k: metrics.within_class_diversity(
                F, [0] * 8, F, [0] * 8, num_classes=0
            ),
            V,
            "num_classes",
        ),
    ],
    "metrics.nearest_distances": [
        (lambda k: metrics.nearest_distances(X4, X6), V, "references"),
        (lambda k: metrics.nearest_distances(X4, X4[0]), V, "references"),
        (lambda k: metrics.nearest_distances(X4, X4, chunk=0), V, "chunk"),
        (lambda k: metrics.nearest_distances(nan(X4), X4), V, "queries"),
    ],
    "metrics.sharpness": [
        (lambda k: metrics.sharpness(X4 * 255), V, "images"),
        (lambda k: metrics.sharpness(X4[..., None]), V, "images"),
        (lambda k: metrics.sharpness("images"), T, "images"),
    ],
    # --- plots ---------------------------------------------------------------
    "plots.as_images": [
        (lambda k: plots.as_images("images", X4 * 255), V, "images"),
        (
            lambda k: plots.as_images("images", np.zeros((2, 5))),
            V,
            "images",
        ),
        (
            lambda k: plots.as_images("images", np.zeros((2, 4, 4, 2))),
            V,
            "images",
        ),
        (
            lambda k: plots.as_images("images", X4, value_range=(1, 0)),
            V,
            "value_range",
        ),
    ],
    "plots.image_grid": [
        (lambda k: plots.image_grid(X4, size=0), V, "size"),
        (lambda k: plots.image_grid(X4, size="big"), T, "size"),
        (lambda k: plots.image_grid(X4, ncols=0), V, "ncols"),
        (lambda k: plots.image_grid(X4, titles=["a"]), V, "titles"),
        (lambda k: plots.image_grid(X4, titles=3), T, "titles"),
        (lambda k: plots.image_grid(X4 * 255), V, "images"),
        (lambda k: plots.image_grid(None), T, "images"),
    ],
    "plots.image_rows": [
        (lambda k: plots.image_rows({}), V, "rows"),
        (lambda k: plots.image_rows([X4]), T, "rows"),
        (lambda k: plots.image_rows({"a": X4, "b": X6}), V, "rows"),
        (lambda k: plots.image_rows({"a": X4}, n=0), V, "n"),
        (lambda k: plots.image_rows({"a": X4 * 255}), V, "rows"),
    ],
    "plots.reconstruction_rows": [
        (lambda k: plots.reconstruction_rows(X4, X4[:2]), V, "originals"),
        (
            lambda k: plots.reconstruction_rows(X4, {"ae": X4[:2]}),
            V,
            "originals",
        ),
        (
            lambda k: plots.reconstruction_rows(X4, None),
            T,
            "reconstructions",
        ),
        (
            lambda k: plots.reconstruction_rows(X4, nan(X4)),
            V,
            "reconstructions",
        ),
    ],
    "plots.learning_curves": [
        (lambda k: plots.learning_curves({}), V, "history"),
        (lambda k: plots.learning_curves(3), T, "history"),
        (
            lambda k: plots.learning_curves({"loss": [1.0]}, keys=["acc"]),
            V,
            "keys",
        ),
        (
            lambda k: plots.learning_curves({"loss": [1.0]}, keys="loss"),
            T,
            "keys",
        ),
        (
            lambda k: plots.learning_curves({"loss": [1.0]}, logy="yes"),
            T,
            "logy",
        ),
        (
            lambda k: plots.learning_curves({"loss": [1.0]}, ax="axes"),
            T,
            "ax",
        ),
    ],
    "plots.latent_scatter": [
        (
            lambda k: plots.latent_scatter(np.zeros((4, 3)), [0, 1, 0, 1]),
            V,
            "codes",
        ),
        (
            lambda k: plots.latent_scatter(np.zeros((4, 2)), [0, 1, 0]),
            V,
            "codes",
        ),
        (
            lambda k: plots.latent_scatter(
                np.zeros((4, 2)), [0, 1, 2.7, 1]
            ),
            V,
            "labels",
        ),
        (
            lambda k: plots.latent_scatter(
                np.zeros((4, 2)), [0, -1, 0, 1]
            ),
            V,
            "labels",
        ),
        (
            lambda k: plots.latent_scatter(
                np.zeros((4, 2)), [0, 1, 2, 1], class_names=["a"]
            ),
            V,
            "class_names",
        ),
        (
            lambda k: plots.latent_scatter(
                np.zeros((4, 2)), [0, 1, 0, 1], s=0
            ),
            V,
            "s",
        ),
        (
            lambda k: plots.latent_scatter(
                nan(np.zeros((4, 2))), [0, 1, 0, 1]
            ),
            V,
            "codes",
        ),
    ],
    "plots.class_heatmap": [
        (lambda k: plots.class_heatmap({}, ["a", "b"]), V, "histograms"),
        (
            lambda k: plots.class_heatmap([[1, 2]], ["a", "b"]),
            T,
            "histograms",
        ),
        (
            lambda k: plots.class_heatmap({1: [1, 2, 3]}, ["a", "b"]),
            V,
            "histograms",
        ),
        (
            lambda k: plots.class_heatmap({1: [1, 2], 2: [1]}, ["a", "b"]),
            V,
            "histograms",
        ),
        (
            lambda k: plots.class_heatmap({1: [1, -2]}, ["a", "b"]),
            V,
            "histograms",
        ),
        (
            lambda k: plots.class_heatmap({1: [1, np.nan]}, ["a", "b"]),
            V,
            "histograms",
        ),
        (
            lambda k: plots.class_heatmap({1: [1, 2]}, None),
            T,
            "class_names",
        ),
    ],
    "plots.progression_gif": [
        (lambda k: plots.progression_gif({}), V, "grids"),
        (lambda k: plots.progression_gif([X4]), T, "grids"),
        (lambda k: plots.progression_gif({1: X4}, ncols=0), V, "ncols"),
        (lambda k: plots.progression_gif({1: X4}, scale=0), V, "scale"),
        (
            lambda k: plots.progression_gif({1: X4}, ms_per_frame=0),
            V,
            "ms_per_frame",
        ),
        (lambda k: plots.progression_gif({1: X4 * 255}), V, "grids"),
    ],
    # --- priors --------------------------------------------------------------
    "priors.sample_codings": [
        (lambda k: priors.sample_codings((2, 3), "bogus"), V, "prior"),
        (lambda k: priors.sample_codings(()), T, "shape"),
        (lambda k: priors.sample_codings(5), T, "shape"),
        (lambda k: priors.sample_codings((0, 3)), V, "shape"),
        (lambda k: priors.sample_codings((2, 2.5)), T, "shape"),
        (lambda k: priors.sample_codings((2, 3), seed="x"), T, "seed"),
        (lambda k: priors.sample_codings((2, 3), seed=-1), V, "seed"),
    ],
    # --- progress ------------------------------------------------------------
    "progress.epoch_line": [
        (lambda k: progress.epoch_line("x", 1, 1, [1.0], 0.0), T, "logs"),
        (
            lambda k: progress.epoch_line("x", 1, 1, {"loss": "low"}, 0.0),
            T,
            "logs",
        ),
        (lambda k: progress.epoch_line("x", 1, 0, {}, 0.0), V, "epochs"),
        (lambda k: progress.epoch_line("x", -1, 1, {}, 0.0), V, "epoch"),
        (lambda k: progress.epoch_line(3, 1, 1, {}, 0.0), T, "label"),
        (
            lambda k: progress.epoch_line("x", 1, 1, {}, np.nan),
            V,
            "seconds",
        ),
    ],
    "progress.Progress": [
        (lambda k: progress.Progress("x", 0, 1), V, "epochs"),
        (lambda k: progress.Progress("x", 1, 0), V, "steps_per_epoch"),
        (
            lambda k: progress.Progress("x", 1, 1, initial_epoch=-1),
            V,
            "initial_epoch",
        ),
        (lambda k: progress.Progress("x", 1, 1, live="yes"), T, "live"),
        (lambda k: progress.Progress(None, 1, 1), T, "label"),
    ],
    # --- recipes -------------------------------------------------------------
    "recipes.Recipe.train": [
        (lambda k: k.recipe.train("run"), T, "run"),
        (lambda k: k.recipe.train(k.run, callbacks=3), T, "callbacks"),
        (
            lambda k: k.recipe.train(k.run, callbacks=["cb"]),
            T,
            "callbacks",
        ),
    ],
    "recipes.Recipe.save": [
        (lambda k: k.recipe.save("model", k.log, k.run), T, "model"),
        (lambda k: k.recipe.save(k.tiny, "log", k.run), T, "log"),
        (lambda k: k.recipe.save(k.tiny, k.log, "run"), T, "run"),
    ],
    "recipes.autoencoder": [
        (lambda k: recipes.autoencoder(0, 1), V, "latent"),
        (lambda k: recipes.autoencoder(2, 0), V, "epochs"),
        (lambda k: recipes.autoencoder(2, 1, n_train=0), V, "n_train"),
        (
            lambda k: recipes.autoencoder(2, 1, batch_size=0),
            V,
            "batch_size",
        ),
        (lambda k: recipes.autoencoder(2, 1, seed=-1), V, "seed"),
    ],
    "recipes.vae": [
        (lambda k: recipes.vae(2, 1, beta=np.nan), V, "beta"),
        (lambda k: recipes.vae(2, 1, beta=-1.0), V, "beta"),
        (lambda k: recipes.vae(2, 1, conv="yes"), T, "conv"),
        (lambda k: recipes.vae(0, 1), V, "latent"),
    ],
    "recipes.lecture_gan": [
        (lambda k: recipes.lecture_gan("bogus", 1), V, "prior"),
        (
            lambda k: recipes.lecture_gan(
                "normal", 1, minibatch_std="yes"
            ),
            T,
            "minibatch_std",
        ),
        (
            lambda k: recipes.lecture_gan("normal", 1, codings_size=0),
            V,
            "codings_size",
        ),
    ],
    "recipes.dcgan": [
        (lambda k: recipes.dcgan(1, width=0), V, "width"),
        (lambda k: recipes.dcgan(0), V, "epochs"),
        (lambda k: recipes.dcgan(1, conditional="yes"), T, "conditional"),
        (lambda k: recipes.dcgan(1, precision="bf16"), V, "precision"),
    ],
    "recipes.wgan_gp": [
        (lambda k: recipes.wgan_gp(1, n_critic=0), V, "n_critic"),
        (lambda k: recipes.wgan_gp(1, dense="yes"), T, "dense"),
    ],
    "recipes.infogan": [
        (lambda k: recipes.infogan(1, n_cat=1), V, "n_cat"),
        (lambda k: recipes.infogan(1, n_cont=0), V, "n_cont"),
        (lambda k: recipes.infogan(1, noise=0), V, "noise"),
        (lambda k: recipes.infogan(1, width=0), V, "width"),
    ],
    "recipes.diffusion": [
        (lambda k: recipes.diffusion(1, schedule="bogus"), V, "schedule"),
        (lambda k: recipes.diffusion(1, guidance=-1.0), V, "guidance"),
        (lambda k: recipes.diffusion(1, ddim_steps=0), V, "ddim_steps"),
        (lambda k: recipes.diffusion(1, ema=1.5), V, "ema"),
        (
            lambda k: recipes.diffusion(1, learning_rate=0.0),
            V,
            "learning_rate",
        ),
    ],
    # --- runtime -------------------------------------------------------------
    "runtime.select_profile": [
        (lambda k: runtime.select_profile("bogus"), V, "requested"),
    ],
    "runtime.apply_profile": [
        (lambda k: runtime.apply_profile({}, "bogus", {}), V, "profile"),
        (lambda k: runtime.apply_profile([], "cpu", {}), T, "namespace"),
        (lambda k: runtime.apply_profile({}, "cpu", []), T, "overrides"),
        (
            lambda k: runtime.apply_profile({}, "cpu", {"laptop": {}}),
            V,
            "overrides",
        ),
        (
            lambda k: runtime.apply_profile(
                {}, "cpu", {"cpu": {"EPOCHS": 1}}
            ),
            V,
            "overrides",
        ),
        (
            lambda k: runtime.apply_profile({}, "cpu", {"cpu": 3}),
            T,
            "overrides",
        ),
    ],
    # --- optimizers / precision --------------------------------------------
    "optimizers.FusedRMSprop": [
        (lambda k: optimizers.FusedRMSprop(momentum=0.9), V, "momentum"),
        (lambda k: optimizers.FusedRMSprop(centered=True), V, "centered"),
        (lambda k: optimizers.FusedRMSprop(centered="no"), T, "centered"),
    ],
    "precision.bf16_flags": [
        (lambda k: precision.bf16_flags(3), T, "cpuinfo"),
    ],
    "precision.resolve": [
        (lambda k: precision.resolve("bf16"), V, "precision"),
        (lambda k: precision.resolve("auto", cpuinfo=3), T, "cpuinfo"),
    ],
    "precision.to_float32": [
        (lambda k: precision.to_float32("a model"), T, "model"),
    ],
    "precision.dtype_policy": [
        (lambda k: precision.dtype_policy("auto"), V, "name"),
        (lambda k: precision.dtype_policy("float16"), V, "name"),
    ],
    "runtime.seed_everything": [
        (lambda k: runtime.seed_everything(-1), V, "seed"),
        (lambda k: runtime.seed_everything(1.5), T, "seed"),
        (
            lambda k: runtime.seed_everything(0, deterministic="yes"),
            T,
            "deterministic",
        ),
    ],
    "runtime.Run": [
        (
            lambda k: runtime.Run(
                profile="..", source="test", seed=0, changes={}
            ),
            V,
            "profile",
        ),
        (
            lambda k: runtime.Run(
                profile="bogus", source="test", seed=0, changes={}
            ),
            V,
            "profile",
        ),
        (
            lambda k: runtime.Run(
                profile="cpu", source="test", seed=-1, changes={}
            ),
            V,
            "seed",
        ),
        (
            lambda k: runtime.Run(
                profile="cpu", source=3, seed=0, changes={}
            ),
            T,
            "source",
        ),
        (
            lambda k: runtime.Run(
                profile="cpu", source="test", seed=0, changes=[]
            ),
            T,
            "changes",
        ),
    ],
    "runtime.Run.artifact_dir": [
        (lambda k: k.run.artifact_dir(".."), V, "name"),
        (lambda k: k.run.artifact_dir("a/b"), V, "name"),
        (lambda k: k.run.artifact_dir(3), T, "name"),
    ],
    "runtime.Run.fit": [
        (
            lambda k: k.run.fit(
                k.new_gan(), X6 * 255, name="g", epochs=1, batch_size=2
            ),
            V,
            "x",
        ),
        (
            lambda k: k.run.fit(
                k.new_gan(), nan(X6), name="g", epochs=1, batch_size=2
            ),
            V,
            "x",
        ),
        (
            lambda k: k.run.fit(
                k.tiny,
                F[:, :1].repeat(4, 1),
                F[:5, :1],
                name="t",
                epochs=1,
                batch_size=2,
            ),
            V,
            "x",
        ),
        (
            lambda k: k.run.fit(
                k.tiny, None, name="t", epochs=1, batch_size=2
            ),
            T,
            "x",
        ),
        (
            lambda k: k.run.fit(
                k.tiny, X4[:, 0], name="..", epochs=1, batch_size=2
            ),
            V,
            "name",
        ),
        (
            lambda k: k.run.fit(
                k.tiny, X4[:, 0], name="t", epochs=0, batch_size=2
            ),
            V,
            "epochs",
        ),
        (
            lambda k: k.run.fit(
                k.tiny, X4[:, 0], name="t", epochs=1, batch_size=0
            ),
            V,
            "batch_size",
        ),
        (
            lambda k: k.run.fit(
                "model", X4[:, 0], name="t", epochs=1, batch_size=2
            ),
            T,
            "model",
        ),
    ],
    "runtime.start": [
        (lambda k: runtime.start({}, "bogus"), V, "profile"),
        (lambda k: runtime.start([], "smoke"), T, "namespace"),
        (lambda k: runtime.start({}, "smoke", seed=-1), V, "seed"),
        (lambda k: runtime.start({}, "smoke", laptop={}), V, "overrides"),
    ],
    # --- samplers ------------------------------------------------------------
    "samplers.to_unit_range": [
        (lambda k: samplers.to_unit_range(X4, (1, -1)), V, "value_range"),
        (lambda k: samplers.to_unit_range(nan(X4)), V, "images"),
        (lambda k: samplers.to_unit_range("images"), T, "images"),
    ],
    "samplers.DecoderSampler": [
        (lambda k: samplers.DecoderSampler("network"), T, "network"),
        (lambda k: samplers.DecoderSampler(k.net, "bogus"), V, "prior"),
        (
            lambda k: samplers.DecoderSampler(k.net, output_range=(1, 0)),
            V,
            "output_range",
        ),
        (
            lambda k: samplers.DecoderSampler(
                k.net, "gaussian", mean=np.zeros(2), cov=np.eye(3)
            ),
            V,
            "mean",
        ),
        (
            lambda k: samplers.DecoderSampler(
                k.net, "gaussian", mean=np.zeros(3), cov=np.eye(2)
            ),
            V,
            "cov",
        ),
        (
            lambda k: samplers.DecoderSampler(
                k.net,
                "gaussian",
                mean=np.zeros(3),
                cov=np.triu(np.ones((3, 3))),
            ),
            V,
            "cov",
        ),
        (
            lambda k: samplers.DecoderSampler(
                k.net, "gaussian", mean=np.zeros(3), cov=-np.eye(3)
            ),
            V,
            "cov",
        ),
        (
            lambda k: samplers.DecoderSampler(
                k.net, "gaussian", mean=np.zeros(3), cov=-np.ones(3)
            ),
            V,
            "cov",
        ),
        (
            lambda k: samplers.DecoderSampler(
                k.net, "gaussian", mean=None, cov=np.eye(3)
            ),
            T,
            "mean",
        ),
        (
            lambda k: samplers.DecoderSampler(k.cnet, num_classes=1),
            V,
            "num_classes",
        ),
        (
            lambda k: samplers.DecoderSampler(
                k.cnet, num_classes=2, class_probs=[0.5, 0.6]
            ),
            V,
            "class_probs",
        ),
    ],
    "samplers.DecoderSampler.codings": [
        (lambda k: k.sampler.codings(0, 0), V, "n"),
        (lambda k: k.sampler.codings(2, -1), V, "seed"),
        (lambda k: k.sampler.codings(2.0, 0), T, "n"),
    ],
    "samplers.DecoderSampler.decode": [
        (lambda k: k.sampler.decode(np.zeros((2, 4))), V, "codings"),
        (lambda k: k.sampler.decode(nan(np.zeros((2, 3)))), V, "codings"),
        (
            lambda k: k.sampler.decode(np.zeros((2, 3)), [0, 1]),
            V,
            "labels",
        ),
        (lambda k: k.csampler.decode(np.zeros((2, 3))), V, "labels"),
        (
            lambda k: k.csampler.decode(np.zeros((2, 3)), [0, 10]),
            V,
            "labels",
        ),
        (lambda k: k.csampler.decode(np.zeros((2, 3)), [0]), V, "labels"),
    ],
    "samplers.DecoderSampler.sample": [
        (lambda k: k.sampler.sample(0, 0), V, "n"),
        (lambda k: k.sampler.sample(2, -1), V, "seed"),
        (lambda k: k.sampler.sample(2, 0, labels=[0, 1]), V, "labels"),
        (lambda k: k.csampler.sample(2, 0, labels=[0, 1, 2]), V, "labels"),
    ],
    "samplers.gaussian_sampler": [
        (
            lambda k: samplers.gaussian_sampler("e", k.net, X4),
            T,
            "encoder",
        ),
        (
            lambda k: samplers.gaussian_sampler(
                flat_encoder(), k.net, X4 * 255
            ),
            V,
            "images",
        ),
        (
            lambda k: samplers.gaussian_sampler(
                flat_encoder(), k.net, X4[:1]
            ),
            V,
            "images",
        ),
        (
            lambda k: samplers.gaussian_sampler(flat_encoder(), k.net, X6),
            V,
            "images",
        ),
        (
            lambda k: samplers.gaussian_sampler(
                flat_encoder(), k.net, X4, full="yes"
            ),
            T,
            "full",
        ),
    ],
    # --- saving --------------------------------------------------------------
    "saving.config_with_parts": [
        (lambda k: saving.config_with_parts(3, net=k.net), T, "config"),
        (lambda k: saving.config_with_parts({}, net="network"), T, "net"),
    ],
    "saving.split_parts": [
        (lambda k: saving.split_parts({}, "generator"), V, "config"),
        (lambda k: saving.split_parts(None, "generator"), T, "config"),
    ],
    # --- signature -----------------------------------------------------------
    "signature.optimizers": [
        (lambda k: signature.optimizers("model"), T, "model"),
    ],
    "signature.code_digest": [
        (lambda k: signature.code_digest("model"), T, "model"),
    ],
    "signature.data_digest": [
        (lambda k: signature.data_digest(None), T, "arrays"),
        (lambda k: signature.data_digest(X4), T, "arrays"),
        (lambda k: signature.data_digest(["text"]), T, "arrays"),
        (lambda k: signature.data_digest([nan(X4)]), V, "arrays"),
    ],
    "signature.training_signature": [
        (
            lambda k: signature.training_signature("model", [X4]),
            T,
            "model",
        ),
        (
            lambda k: signature.training_signature(k.tiny, "data"),
            T,
            "arrays",
        ),
    ],
    "signature.digest": [
        (lambda k: signature.digest({}, length=0), V, "length"),
        (lambda k: signature.digest("signature"), T, "signature"),
    ],
    # --- ssgan ---------------------------------------------------------------
    "ssgan.ssgan_discriminator": [
        (lambda k: ssgan.ssgan_discriminator(1), V, "num_classes"),
    ],
    "ssgan.ssgan_generator": [
        (lambda k: ssgan.ssgan_generator(0), V, "codings_size"),
    ],
    "ssgan.log_real_probability": [
        (lambda k: ssgan.log_real_probability(np.zeros(3)), V, "logits"),
        (lambda k: ssgan.log_real_probability(None), T, "logits"),
    ],
    "ssgan.SemiSupervisedGAN": [
        (lambda k: ssgan.SemiSupervisedGAN("g", k.clf), T, "generator"),
        (
            lambda k: ssgan.SemiSupervisedGAN(k.ssgan.generator, None),
            T,
            "discriminator",
        ),
        (
            lambda k: ssgan.SemiSupervisedGAN(
                k.ssgan.generator, k.clf, seed=-1
            ),
            V,
            "seed",
        ),
    ],
    "ssgan.SemiSupervisedGAN.compile": [
        (lambda k: k.ssgan.compile(g_optimizer="adam"), T, "g_optimizer"),
    ],
    "ssgan.SemiSupervisedGAN.fit": [
        (lambda k: k.ssgan.fit((X6 * 255, X6, [0, 1, 0, 1])), V, "x"),
        (lambda k: k.ssgan.fit((nan(X6), X6, [0, 1, 0, 1])), V, "x"),
        (lambda k: k.ssgan.fit((X4, X4, [0, 1, 0])), V, "x"),
    ],
    # --- stats ---------------------------------------------------------------
    "stats.Summary.format": [
        (lambda k: stats.summary([1.0, 2.0]).format(-1), V, "digits"),
        (lambda k: stats.summary([1.0, 2.0]).format(2.5), T, "digits"),
        (
            lambda k: stats.summary([1.0, 2.0]).format(with_n=1),
            T,
            "with_n",
        ),
    ],
    "stats.spread": [
        (lambda k: stats.spread(0.0), V, "sd"),
        (lambda k: stats.spread(np.inf), V, "sd"),
        (lambda k: stats.spread("0.1"), T, "sd"),
        (lambda k: stats.spread(0.1, -1), V, "digits"),
    ],
    "stats.summary": [
        (lambda k: stats.summary([]), V, "values"),
        (lambda k: stats.summary([1.0, np.nan]), V, "values"),
        (lambda k: stats.summary("abc"), T, "values"),
        (lambda k: stats.summary([[1.0, 2.0]]), V, "values"),
    ],
    "stats.difference": [
        (lambda k: stats.difference([1.0], [1.0, 2.0]), V, "a"),
        (lambda k: stats.difference([1.0, 2.0], [np.inf, 1.0]), V, "b"),
        (lambda k: stats.difference(None, [1.0, 2.0]), T, "a"),
    ],
    "stats.verdict": [
        (
            lambda k: stats.verdict([1.0, 2.0], [1.0, 2.0], names=("A",)),
            T,
            "names",
        ),
        (
            lambda k: stats.verdict(
                [1.0, 2.0], [1.0, 2.0], lower_is_better="yes"
            ),
            T,
            "lower_is_better",
        ),
        (
            lambda k: stats.verdict([1.0, 2.0], [1.0, 2.0], prefix=3),
            T,
            "prefix",
        ),
        (
            lambda k: stats.verdict([1.0, 2.0], [1.0, 2.0], width=0),
            V,
            "width",
        ),
        (lambda k: stats.verdict([1.0], [1.0, 2.0]), V, "a"),
    ],
    "stats.bootstrap": [
        (lambda k: stats.bootstrap(3, [1.0, 2.0]), T, "statistic"),
        (lambda k: stats.bootstrap(np.mean, []), V, "data"),
        (
            lambda k: stats.bootstrap(np.mean, [1.0, 2.0], n_resamples=1),
            V,
            "n_resamples",
        ),
        (
            lambda k: stats.bootstrap(np.mean, [1.0, 2.0], seed=-1),
            V,
            "seed",
        ),
        (lambda k: stats.bootstrap(np.mean, [1.0, np.nan]), V, "data"),
    ],
    # --- store ---------------------------------------------------------------
    "store.StoreEntry.sample": [
        (
            lambda k: store.StoreEntry(k.sampler, k.info()).sample(0, 0),
            V,
            "n",
        ),
        (
            lambda k: store.StoreEntry(k.sampler, k.info()).sample(2, -1),
            V,
            "seed",
        ),
    ],
    "store.entry_dir": [
        (lambda k: store.entry_dir("x", profile=".."), V, "profile"),
        (lambda k: store.entry_dir("a/b", "cpu"), V, "name"),
        (lambda k: store.entry_dir("..", "cpu"), V, "name"),
        (lambda k: store.entry_dir("x", "cpu", root=3), T, "root"),
    ],
    "store.save": [
        (lambda k: store.save("sampler", k.info()), T, "sampler"),
        (lambda k: store.save(k.sampler, {"name": "g"}), T, "info"),
        (
            lambda k: store.save(
                k.sampler, k.info(name="../g"), root=k.tmp
            ),
            V,
            "name",
        ),
        (
            lambda k: store.save(
                k.sampler, k.info(profile=".."), root=k.tmp
            ),
            V,
            "profile",
        ),
        (
            lambda k: store.save(
                k.sampler, k.info(extra={"a": np.float32(1)}), root=k.tmp
            ),
            T,
            "info",
        ),
    ],
    "store.load": [
        (lambda k: store.load("..", "cpu"), V, "name"),
        (lambda k: store.load("g", "a/b"), V, "profile"),
        (
            lambda k: store.load("g", "cpu", committed="yes"),
            T,
            "committed",
        ),
        (
            lambda k: store.load(k.damaged_entry("info"), "smoke"),
            V,
            "name",
        ),
        (
            lambda k: store.load(k.damaged_entry("pointer"), "smoke"),
            V,
            "name",
        ),
        (
            lambda k: store.load(k.damaged_entry("fields"), "smoke"),
            V,
            "name",
        ),
        (
            lambda k: store.load(k.damaged_entry("model"), "smoke"),
            V,
            "name",
        ),
    ],
    "store.load_or_train": [
        (lambda k: store.load_or_train("recipe", k.run), T, "recipe"),
        (lambda k: store.load_or_train(k.recipe, "run"), T, "run"),
    ],
    "store.save_table": [
        (
            lambda k: store.save_table("..", "cpu", {}, root=k.tmp),
            V,
            "name",
        ),
        (
            lambda k: store.save_table("t", "a/b", {}, root=k.tmp),
            V,
            "profile",
        ),
        (
            lambda k: store.save_table("t", "cpu", [], root=k.tmp),
            T,
            "table",
        ),
        (
            lambda k: store.save_table(
                "t", "cpu", {"a": object()}, root=k.tmp
            ),
            T,
            "table",
        ),
        (
            lambda k: store.save_table(
                "t", "cpu", {"a": np.arange(3)}, root=k.tmp
            ),
            T,
            "table",
        ),
    ],
    "store.load_table": [
        (lambda k: store.load_table("../t", "cpu"), V, "name"),
        (lambda k: store.load_table("t", ".."), V, "profile"),
        (
            lambda k: store.load_table("t", "cpu", committed=1),
            T,
            "committed",
        ),
        (
            lambda k: store.load_table(k.damaged_table(), "smoke"),
            V,
            "name",
        ),
    ],
    # --- training ------------------------------------------------------------
    "training.TrainingLog.last": [
        (lambda k: k.log.last("acc"), V, "key"),
        (lambda k: k.log.last(3), T, "key"),
    ],
    "training.training_arrays": [
        (lambda k: training.training_arrays(X4, Y3[:2]), V, "x"),
        (lambda k: training.training_arrays((X4, Y3[:2])), V, "x"),
        (
            lambda k: training.training_arrays(
                X4 * 255, value_range=(0, 1)
            ),
            V,
            "x",
        ),
        (lambda k: training.training_arrays((X4, nan(X4))), V, "x"),
        (lambda k: training.training_arrays(None), T, "x"),
        (lambda k: training.training_arrays(()), V, "x"),
        (lambda k: training.training_arrays(X4, "y"), T, "y"),
        (
            lambda k: training.training_arrays(X4, value_range=(1, 0)),
            V,
            "value_range",
        ),
    ],
    "training.epoch_batches": [
        (
            lambda k: training.epoch_batches([X4, Y3[:2]], 2, 0, 1),
            V,
            "arrays",
        ),
        (lambda k: training.epoch_batches(X4, 2, 0, 1), T, "arrays"),
        (lambda k: training.epoch_batches([X4], 0, 0, 1), V, "batch_size"),
        (lambda k: training.epoch_batches([X4], 2, -1, 1), V, "seed"),
        (lambda k: training.epoch_batches([X4], 2, 0, 0), V, "epochs"),
        (
            lambda k: training.epoch_batches(
                [X4], 2, 0, 2, initial_epoch=2
            ),
            V,
            "initial_epoch",
        ),
        (
            lambda k: training.epoch_batches(
                [X4], 4, 0, 1, drop_remainder=True
            ),
            V,
            "batch_size",
        ),
        (
            lambda k: training.epoch_batches(
                [X4], 2, 0, 1, drop_remainder="yes"
            ),
            T,
            "drop_remainder",
        ),
        (
            lambda k: training.epoch_batches([X4], 1, 0, 1, multiple_of=4),
            V,
            "multiple_of",
        ),
    ],
    "training.seed_states": [
        (lambda k: training.seed_states("model"), T, "model"),
    ],
    "training.write_text_atomic": [
        (
            lambda k: training.write_text_atomic(k.tmp / "note.txt", 3),
            T,
            "text",
        ),
        (lambda k: training.write_text_atomic(None, "text"), T, "path"),
    ],
    "training.read_state": [
        (
            lambda k: training.read_state(k.state_dir("{broken")),
            V,
            "directory",
        ),
        (
            lambda k: training.read_state(
                k.state_dir('{"weights": "../../x.h5", "sha256": "0"}')
            ),
            V,
            "directory",
        ),
        (
            lambda k: training.read_state(
                k.state_dir('{"weights": "w.h5", "sha256": 0}')
            ),
            V,
            "directory",
        ),
        (
            lambda k: training.read_state(k.state_dir("[1, 2]")),
            V,
            "directory",
        ),
        (lambda k: training.read_state(3), T, "directory"),
    ],
    "training.EpochCheckpoint": [
        (lambda k: training.EpochCheckpoint(3, k.log, {}), T, "directory"),
        (lambda k: training.EpochCheckpoint(k.tmp, "log", {}), T, "log"),
        (
            lambda k: training.EpochCheckpoint(k.tmp, k.log, []),
            T,
            "signature",
        ),
        (
            lambda k: training.EpochCheckpoint(
                k.tmp, k.log, {}, ("loss", 0)
            ),
            V,
            "early_stopping",
        ),
        (
            lambda k: training.EpochCheckpoint(k.tmp, k.log, {}, best=3),
            T,
            "best",
        ),
    ],
    "training.resumable_fit": [
        (
            lambda k: fit(k, k.new_gan(), X6 * 255),
            V,
            "x",
        ),  # the GAN's data_range
        (lambda k: fit(k, k.new_gan(), nan(X6)), V, "x"),
        (lambda k: fit(k, k.tiny, X4[:, 0], value_range=(0, 0.5)), V, "x"),
        (lambda k: fit(k, k.tiny, X4[:, 0], Y3[:2]), V, "x"),
        (
            lambda k: fit(k, k.tiny, X4[:, 0], np.c_[Y3, [np.nan, 0, 0]]),
            V,
            "y",
        ),
        (lambda k: fit(k, k.tiny, None), T, "x"),
        (lambda k: fit(k, "model", X4[:, 0]), T, "model"),
        (lambda k: fit(k, k.tiny, X4[:, 0], epochs=0), V, "epochs"),
        (lambda k: fit(k, k.tiny, X4[:, 0], seed=-1), V, "seed"),
        (
            lambda k: fit(k, k.tiny, X4[:, 0], batch_size=0),
            V,
            "batch_size",
        ),
        (lambda k: fit(k, k.tiny, X4[:, 0], callbacks=3), T, "callbacks"),
        (
            lambda k: fit(k, k.tiny, X4[:, 0], callbacks=lambda folder: 3),
            T,
            "callbacks",
        ),
        (
            lambda k: fit(
                k, k.tiny, X4[:, 0], validation_data=(X4[:, 0],)
            ),
            T,
            "validation_data",
        ),
        (
            lambda k: fit(
                k, k.tiny, X4[:, 0], validation_data=(X4[:, 0], Y3[:2])
            ),
            V,
            "validation_data",
        ),
        (
            lambda k: fit(k, k.tiny, X4[:, 0], early_stopping="loss"),
            T,
            "early_stopping",
        ),
        (
            lambda k: fit(k, k.tiny, X4[:, 0], early_stopping=("loss", 0)),
            V,
            "early_stopping",
        ),
        (
            lambda k: fit(k, k.tiny, X4[:, 0], checkpoint_dir=3),
            T,
            "checkpoint_dir",
        ),
        (
            lambda k: fit(
                k, k.tiny, X4[:, 0], checkpoint_dir=k.state_dir("{broken")
            ),
            V,
            "checkpoint_dir",
        ),
    ],
    # --- vae -----------------------------------------------------------------
    "vae.Sampling": [
        (lambda k: vae.Sampling(seed=-1), V, "seed"),
        (lambda k: vae.Sampling(seed="x"), T, "seed"),
    ],
    "vae.kl_divergence": [
        (
            lambda k: vae.kl_divergence(
                np.zeros((2, 3)), np.zeros((2, 4))
            ),
            V,
            "log_var",
        ),
        (
            lambda k: vae.kl_divergence(np.zeros((2, 3)), np.zeros(3)),
            V,
            "log_var",
        ),
    ],
    "vae.bernoulli_nll": [
        (lambda k: vae.bernoulli_nll(X4, X4[:2]), V, "x_hat"),
        (lambda k: vae.bernoulli_nll(X4, X6[:3]), V, "x_hat"),
    ],
    "vae.VAE": [
        (
            lambda k: vae.VAE(k.vae.encoder, k.vae.decoder, beta=np.nan),
            V,
            "beta",
        ),
        (
            lambda k: vae.VAE(k.vae.encoder, k.vae.decoder, beta=-1.0),
            V,
            "beta",
        ),
        (lambda k: vae.VAE("encoder", k.vae.decoder), T, "encoder"),
        (
            lambda k: vae.VAE(k.vae.encoder, k.vae.decoder, seed=-1),
            V,
            "seed",
        ),
    ],
    "vae.VAE.loss_terms": [
        (lambda k: k.vae.loss_terms(X4), V, "x"),
    ],
    "vae.VAE.fit": [
        (lambda k: k.vae.fit(X28 * 255, epochs=1, verbose=0), V, "x"),
        (lambda k: k.vae.fit(nan(X28), epochs=1, verbose=0), V, "x"),
        (lambda k: k.vae.fit(X4, epochs=1, verbose=0), V, "x"),
        (lambda k: k.vae.fit(None, epochs=1, verbose=0), T, "x"),
    ],
    "vae.dense_vae_encoder": [
        (lambda k: vae.dense_vae_encoder(0), V, "latent"),
    ],
    "vae.dense_vae_decoder": [
        (lambda k: vae.dense_vae_decoder(0), V, "latent"),
        (lambda k: vae.dense_vae_decoder(2.0), T, "latent"),
    ],
    "vae.conv_vae_encoder": [
        (lambda k: vae.conv_vae_encoder(-1), V, "latent"),
    ],
    "vae.conv_vae_decoder": [
        (lambda k: vae.conv_vae_decoder("2"), T, "latent"),
    ],
    # --- wgan ----------------------------------------------------------------
    "wgan.gradient_penalty": [
        (
            lambda k: wgan.gradient_penalty(
                "critic", X6, X6, keras.random.SeedGenerator(0)
            ),
            T,
            "critic",
        ),
        (
            lambda k: wgan.gradient_penalty(
                k.wgan.discriminator,
                X6,
                X6[:2],
                keras.random.SeedGenerator(0),
            ),
            V,
            "fake",
        ),
        (
            lambda k: wgan.gradient_penalty(
                k.wgan.discriminator, X6, X6, 0
            ),
            T,
            "seed_generator",
        ),
        (
            lambda k: wgan.gradient_penalty(
                k.wgan.discriminator,
                X6,
                X6,
                keras.random.SeedGenerator(0),
                -1.0,
            ),
            V,
            "weight",
        ),
    ],
    "wgan.WGANGP": [
        (
            lambda k: wgan.WGANGP(
                k.wgan.generator, k.wgan.discriminator, n_critic=0
            ),
            V,
            "n_critic",
        ),
        (
            lambda k: wgan.WGANGP(
                k.wgan.generator, k.wgan.discriminator, gp_weight=np.nan
            ),
            V,
            "gp_weight",
        ),
        (
            lambda k: wgan.WGANGP(k.wgan.generator, "critic"),
            T,
            "discriminator",
        ),
    ],
    "wgan.WGANGP.compile": [
        (
            lambda k: wgan_copy(k).compile(d_optimizer="adam"),
            T,
            "d_optimizer",
        ),
    ],
    "wgan.WGANGP.generator_step": [
        (lambda k: k.wgan.generator_step(0), V, "batch"),
        (lambda k: k.wgan.generator_step(2.5), T, "batch"),
    ],
}


# ---------------------------------------------------------------------------
# Small builders the table uses
# ---------------------------------------------------------------------------


def image_data(**changes: Any) -> data.ImageData:
    x = np.zeros((4, 2, 2))
    y = [0, 1, 0, 1]
    fields = dict(
        name="tiny",
        x_train=x,
        y_train=y,
        x_valid=x,
        y_valid=y,
        x_test=x,
        y_test=y,
        class_names=("a", "b"),
    )
    return data.ImageData(**{**fields, **changes})


def q(k: Kit, **changes: Any):
    args = dict(
        x0=X4,
        t=[0, 1, 2],
        noise=np.zeros_like(X4),
        alpha_bars=k.schedule.alpha_bars,
    )
    args.update(changes)
    return diffusion.q_sample(**args)


def block(**changes: Any):
    args = dict(
        h=keras.Input((7, 7, 16)), emb=keras.Input((64,)), channels=16
    )
    args.update(changes)
    return diffusion.residual_block(**args)


def same_optimizer(model: gan.GAN):
    opt = keras.optimizers.Adam()
    model.compile(d_optimizer=opt, g_optimizer=opt)


def history(k: Kit) -> gan_callbacks.SampleHistory:
    return gan_callbacks.SampleHistory(
        k.folder("history"), k.sampler, np.zeros((2, 3))
    )


def info_sampler(k: Kit) -> infogan.InfoCodesSampler:
    net = keras.Sequential(
        [keras.Input((5,)), keras.layers.Dense(4, "tanh")]
    )
    return infogan.InfoCodesSampler(net, noise=2, n_cat=2, n_cont=1)


def built_dense() -> keras.layers.Dense:
    dense = keras.layers.Dense(3)
    dense.build((None, 5))
    return dense


def flat_encoder() -> keras.Model:
    return keras.Sequential(
        [
            keras.Input((4, 4)),
            keras.layers.Flatten(),
            keras.layers.Dense(3),
        ]
    )


def wgan_copy(k: Kit) -> wgan.WGANGP:
    return wgan.WGANGP(k.wgan.generator, k.wgan.discriminator)


def fit(k: Kit, model: Any, x: Any, y: Any = None, **kw: Any):
    kw.setdefault("epochs", 1)
    kw.setdefault(
        "checkpoint_dir", k.tmp / f"fit-{len(list(k.tmp.iterdir()))}"
    )
    kw.setdefault("batch_size", 2)
    return training.resumable_fit(model, x, y, **kw)


# ---------------------------------------------------------------------------
# Which public names need no wrong calls, and why
# ---------------------------------------------------------------------------

EXEMPT: dict[str, str] = {
    # no arguments: nothing to get wrong
    "data.keras_cache_dir": "takes no arguments",
    "diffusion.Schedule": (
        "a frozen dataclass that make_schedule builds after checking the "
        "name and the number of steps"
    ),
    "gan_networks.dcgan_init": "takes no arguments",
    "progress.executed": "takes no arguments (reads $AEGAN_EXECUTED)",
    "recipes.fashion": "takes no arguments",
    "recipes.adam_dcgan": "takes no arguments",
    "runtime.accelerators": "takes no arguments",
    "runtime.describe_machine": "takes no arguments",
    "store.store_dir": "takes no arguments (reads $AEGAN_STORE)",
    "store.committed_dir": "takes no arguments",
    # records whose fields are checked where they are made or used
    "classifier.Reference": (
        "a record that Classifier.set_reference fills from checked images"
    ),
    "data.DataFileError": (
        "an exception type: its one argument is the message"
    ),
    "recipes.TrainData": (
        "a record of arrays that Run.fit and resumable_fit check when a "
        "recipe trains on them"
    ),
    "recipes.Recipe": (
        "a frozen dataclass built by the recipe functions, which check "
        "every size; its methods have their own entries"
    ),
    "stats.Summary": (
        "a frozen dataclass made by summary, difference and bootstrap "
        "from checked values; format has its own entry"
    ),
    "store.EntryInfo": (
        "a record; store.save refuses a path-like name or profile and "
        "fields that are not JSON-able"
    ),
    "store.StoreEntry": (
        "a pair (sampler, info) made by store.load and Recipe.save; "
        "sample has its own entry"
    ),
    "training.TrainingLog": (
        "a record that resumable_fit fills; last has its own entry"
    ),
}

# Methods Keras (or Python's dataclass machinery) calls itself, with inputs
# it made from arguments that the public entry points (fit, __call__ against
# the input spec, load_model) have checked: exempt by method name.
HOOKS = {
    "build": "Keras builds a layer from the shape of a checked input",
    "call": "Keras calls it through __call__, after its input-spec check",
    "compute_output_shape": "Keras calls it with shapes it tracks",
    "get_config": "takes no arguments",
    "from_config": "Keras calls it with the config get_config wrote",
    "train_step": "fit calls it with batches of checked data",
    "update_step": "an optimizer hook: Keras passes its own gradients",
    "test_step": "evaluate calls it with batches of checked data",
    "on_train_begin": "a callback hook; Keras passes its own logs",
    "on_epoch_begin": "a callback hook; Keras passes the epoch and logs",
    "on_epoch_end": "a callback hook; Keras passes the epoch and logs",
    "on_train_batch_end": "a callback hook; Keras passes batch and logs",
}


# ---------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------


def public_names() -> set[str]:
    """``module.name`` and ``module.Class.method`` for every public name."""
    found = set()
    for info in pkgutil.iter_modules(helpers.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"helpers.{info.name}")
        for attr, obj in vars(module).items():
            if (
                attr.startswith("_")
                or getattr(obj, "__module__", None) != module.__name__
            ):
                continue
            found.add(f"{info.name}.{attr}")
            if not inspect.isclass(obj):
                continue
            for meth, fn in vars(obj).items():
                raw = (
                    fn.__func__
                    if isinstance(fn, (staticmethod, classmethod))
                    else fn
                )
                if meth.startswith("_") or not inspect.isfunction(raw):
                    continue  # private, or a property or plain attribute
                params = [
                    p
                    for p in inspect.signature(raw).parameters
                    if p not in ("self", "cls")
                ]
                if params:
                    found.add(f"{info.name}.{attr}.{meth}")
    return found


def hook(name: str) -> bool:
    return name.count(".") == 2 and name.rsplit(".", 1)[1] in HOOKS


def test_every_public_name_has_wrong_calls():
    names = public_names()
    missing = sorted(
        n
        for n in names
        if n not in WRONG and n not in EXEMPT and not hook(n)
    )
    assert not missing, (
        f"public names without wrong calls in tests/test_bad_inputs.py: {missing}; "
        "add their wrong calls to WRONG (or, if they take no arguments, a reason to EXEMPT)"
    )
    stale = sorted((set(WRONG) | set(EXEMPT)) - names)
    assert not stale, f"entries for names that are gone: {stale}"
    assert not set(WRONG) & set(EXEMPT)
    assert all(cases for cases in WRONG.values())


CASES = [
    pytest.param(call, error, arg, id=f"{name}-{i}")
    for name, calls in WRONG.items()
    for i, (call, error, arg) in enumerate(calls)
]

# Keras puts this before the message of an error raised inside a layer's call
_KERAS_CALL = re.compile(
    r"^Exception encountered when calling [^\n]*\n\n(\x1b\[1m)?"
)


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad-inputs")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(store.STORE_ENV, str(tmp / "store"))
        mp.setenv(runtime.ARTIFACTS_ENV, str(tmp / "artifacts"))
        mp.setenv("AEGAN_EXECUTED", "1")
        # no committed model may answer for a missing one
        mp.setattr(store, "committed_dir", lambda: tmp / "committed")
        yield Kit(tmp)


@pytest.mark.parametrize("call, error, arg", CASES)
def test_wrong_call_is_refused_naming_the_argument(kit, call, error, arg):
    if arg.startswith(
        "<"
    ):  # a file's name: the message starts with its path
        arg = str(kit.tmp / "cache" / arg.strip("<>"))
    with pytest.raises(Exception) as info:
        call(kit)
    message = _KERAS_CALL.sub("", str(info.value))
    assert type(info.value) is error, (
        f"{type(info.value).__name__} instead of {error.__name__}: {message[:300]}"
    )
    assert message.startswith(arg) and message[
        len(arg) : len(arg) + 1
    ] in (":", ",", "[", " "), (
        f"the message does not start with {arg!r}: {message[:300]}"
    )
