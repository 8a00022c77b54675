"""helpers.signature and Run.fit: changing anything that shapes the weights starts a new training."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from helpers import runtime, signature
from helpers.gan import GAN
from helpers.gan_networks import dense_discriminator, dense_generator
from helpers.vae import VAE

X = np.random.default_rng(0).normal(size=(32, 4)).astype(np.float32)
Y = X.sum(axis=1, keepdims=True)
BASE = dict(units=8, loss="mse", optimizer="adam", lr=0.01)
FIT = dict(name="tiny", epochs=2, batch_size=16)


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv(runtime.ARTIFACTS_ENV, str(tmp_path))
    monkeypatch.setenv("AEGAN_EXECUTED", "1")
    return runtime.Run(profile="smoke", source="test", seed=0, changes={})


def build(units=8, loss="mse", optimizer="adam", lr=0.01) -> keras.Model:
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(units, "relu"),
            keras.layers.Dense(1),
        ]
    )
    kind = {"adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD}[
        optimizer
    ]
    model.compile(optimizer=kind(lr), loss=loss)
    return model


def fit(run, model=None, x=X, y=Y, **kwargs):
    return run.fit(
        build() if model is None else model, x, y, **{**FIT, **kwargs}
    )


def changed_x():
    x = X.copy()
    x[5, 2] += 1e-3
    return x


CHANGES = {
    "architecture": lambda run: fit(run, build(units=9)),
    "loss": lambda run: fit(run, build(loss="mae")),
    "optimizer class": lambda run: fit(run, build(optimizer="sgd")),
    "learning rate": lambda run: fit(run, build(lr=0.02)),
    "one data value": lambda run: fit(run, x=changed_x()),
    "targets": lambda run: fit(run, y=Y * 2),
    "epochs": lambda run: fit(run, epochs=3),
    "batch_size": lambda run: fit(run, batch_size=8),
    "seed": lambda run: fit(run, seed=1),
    "drop_remainder": lambda run: fit(run, drop_remainder=True),
    "early_stopping": lambda run: fit(run, early_stopping=("loss", 5)),
    "extra setting": lambda run: fit(run, beta=2.0),
}


def test_the_identical_call_resumes_in_the_same_folder(run, capsys):
    first = fit(run)
    assert first.resumed_from == 0 and first.epochs == 2
    assert first.directory.parent == run.artifact_dir("x").parent
    assert first.directory.name.startswith("tiny-")
    again = fit(run)
    assert again.directory == first.directory and again.resumed_from == 2
    assert (
        "tiny: trained before (2 epochs); loaded"
        in capsys.readouterr().out
    )


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_any_change_trains_anew_in_another_folder(run, change):
    first = fit(run, beta=1.0) if change == "extra setting" else fit(run)
    assert first.resumed_from == 0
    log = CHANGES[change](run)
    assert log.directory != first.directory
    assert log.directory.name.startswith("tiny-")
    assert log.resumed_from == 0 and log.epochs >= 1


def test_the_runs_seed_is_the_default(run, tmp_path):
    first = fit(run)
    other = runtime.Run(profile="smoke", source="test", seed=5, changes={})
    assert fit(other).directory != first.directory
    assert fit(other, seed=0).directory == first.directory
    # another profile keeps its own folders
    cpu = runtime.Run(profile="cpu", source="test", seed=0, changes={})
    log = fit(cpu)
    assert (
        log.directory.parent == tmp_path / "cpu" and log.resumed_from == 0
    )


def tiny_gan(prior):
    keras.utils.set_random_seed(0)
    model = GAN(
        dense_generator(4, image_shape=(6, 6)),
        dense_discriminator(image_shape=(6, 6)),
        prior=prior,
        seed=0,
    )
    model.compile()
    return model


def test_another_gan_prior_trains_anew(run):
    images = np.random.default_rng(0).random((32, 6, 6)).astype("float32")
    kwargs = dict(name="gan", epochs=1, batch_size=16, drop_remainder=True)
    normal = run.fit(tiny_gan("normal"), images, **kwargs)
    uniform = run.fit(tiny_gan("uniform"), images, **kwargs)
    assert (
        uniform.directory != normal.directory and uniform.resumed_from == 0
    )
    again = run.fit(tiny_gan("normal"), images, **kwargs)
    assert again.directory == normal.directory and again.resumed_from == 1


def tiny_vae(beta):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((4, 4))
    h = keras.layers.Flatten()(inputs)
    encoder = keras.Model(
        inputs, [keras.layers.Dense(2)(h), keras.layers.Dense(2)(h)]
    )
    decoder = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(16, activation="sigmoid"),
            keras.layers.Reshape((4, 4)),
        ]
    )
    model = VAE(encoder, decoder, beta=beta, seed=0)
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    return model


def test_another_vae_beta_trains_anew(run):
    images = np.random.default_rng(0).random((32, 4, 4)).astype("float32")
    kwargs = dict(name="vae", epochs=1, batch_size=16)
    one = run.fit(tiny_vae(1.0), images, **kwargs)
    four = run.fit(tiny_vae(4.0), images, **kwargs)
    assert four.directory != one.directory and four.resumed_from == 0
    assert run.fit(tiny_vae(1.0), images, **kwargs).resumed_from == 1


def test_run_fit_checks_the_data_range_of_the_model(run):
    with pytest.raises(
        ValueError, match=r"x: expected values in \[0, 1\]"
    ):
        run.fit(
            tiny_vae(1.0),
            np.full((8, 4, 4), 255.0),
            name="vae",
            epochs=1,
            batch_size=4,
        )


def test_run_fit_checks_its_arguments(run):
    with pytest.raises(ValueError, match="name: expected a plain name"):
        fit(run, name="../up")
    with pytest.raises(TypeError, match="x: expected an array"):
        run.fit(build(), "data", Y, name="tiny", epochs=1, batch_size=4)
    with pytest.raises(TypeError, match="y: expected an array"):
        run.fit(build(), X, "labels", name="tiny", epochs=1, batch_size=4)


def test_signature_parts():
    sig = signature.training_signature(build(), [X, Y], epochs=2, beta=1.0)
    assert set(sig) == {"model", "optimizers", "loss", "data", "settings"}
    assert sig["settings"] == {"epochs": 2, "beta": 1.0}
    assert sig["data"]["arrays"] == [
        [[32, 4], "float32"],
        [[32, 1], "float32"],
    ]
    # layer names (numbered by creation order) are left out
    assert (
        signature.training_signature(build(), [X, Y], epochs=2, beta=1.0)
        == sig
    )
    text = str(sig)
    assert "'name'" not in text
    d = signature.digest(sig)
    assert len(d) == 10 and int(d, 16) >= 0
    assert len(signature.digest(sig, length=16)) == 16


def test_data_digest_sees_every_byte_shape_and_dtype():
    base = signature.data_digest([X])
    assert signature.data_digest([X.copy()]) == base
    assert (
        signature.data_digest([changed_x()])["blake2b"] != base["blake2b"]
    )
    assert (
        signature.data_digest([X.reshape(64, 2)])["blake2b"]
        != base["blake2b"]
    )
    assert (
        signature.data_digest([X.astype("float64")])["blake2b"]
        != base["blake2b"]
    )
    # a non-contiguous view hashes as its values
    assert signature.data_digest([np.asfortranarray(X)]) == base


def test_optimizers_lists_both_networks_of_a_gan():
    found = signature.optimizers(tiny_gan("normal"))
    assert {"d_optimizer", "g_optimizer"} <= set(found)
    assert (
        found["d_optimizer"]["class_name"] == "FusedRMSprop"
    )  # the default
    assert (
        signature.optimizers(build(lr=0.5))["optimizer"]["config"][
            "learning_rate"
        ]
        == 0.5
    )


def functional(chain: bool = True) -> keras.Model:
    """x -> d1 -> d2 (chain) or x -> d2 (not): the same layers, wired apart."""
    inputs = keras.Input((4,))
    h = keras.layers.Dense(4, activation="relu")(inputs)
    second = keras.layers.Dense(4)(h if chain else inputs)
    model = keras.Model(inputs, keras.layers.Add()([h, second]))
    model.compile(optimizer="adam", loss="mse")
    return model


def test_a_functional_model_signs_alike_whatever_was_built_before():
    """Keras numbers layers by creation order; the signature must not see it."""
    model = functional()
    first = signature.digest(signature.training_signature(model, [X]))
    for _ in range(3):  # other layers and models move Keras' name counters
        keras.layers.Dense(1)
        build()
    again = functional()
    assert (
        again.layers[1].name != model.layers[1].name
    )  # the names moved on
    assert (
        signature.digest(signature.training_signature(again, [X])) == first
    )
    # the wiring still counts: the same layers, connected otherwise
    other = signature.training_signature(functional(chain=False), [X])
    assert signature.digest(other) != first


def test_a_vae_built_after_other_models_resumes(run):
    images = np.random.default_rng(0).random((32, 4, 4)).astype("float32")
    kwargs = dict(name="vae", epochs=1, batch_size=16)
    first = run.fit(tiny_vae(1.0), images, **kwargs)
    build(), functional(), tiny_gan("normal")
    again = run.fit(tiny_vae(1.0), images, **kwargs)
    assert again.directory == first.directory and again.resumed_from == 1


def test_code_digest_follows_the_module_a_class_comes_from(
    tmp_path, monkeypatch
):
    """A change to a function the train_step calls is a change of code."""
    import importlib
    import sys

    def write(scale: float) -> None:
        (tmp_path / "mymodel.py").write_text(
            "import keras\n\n\n"
            f"def helper(x):\n    return x * {scale}\n\n\n"
            "class Tiny(keras.Model):\n"
            "    def __init__(self, **kw):\n"
            "        super().__init__(**kw)\n"
            "        self.dense = keras.layers.Dense(1)\n\n"
            "    def call(self, x):\n"
            "        return self.dense(helper(x))\n"
        )

    monkeypatch.syspath_prepend(str(tmp_path))
    digests = []
    for scale in (1.0, 2.0, 2.0):
        write(scale)
        sys.modules.pop("mymodel", None)
        importlib.invalidate_caches()
        module = importlib.import_module("mymodel")
        digests.append(signature.code_digest(module.Tiny()))
    sys.modules.pop("mymodel", None)
    assert digests[0] != digests[1] == digests[2]
    assert signature.code_digest(build()) is None  # Keras classes only


def test_code_digest_counts_a_custom_optimizer():
    """A fused optimizer is other code than Keras' own, so other training."""
    from helpers.optimizers import FusedRMSprop

    plain = build()
    assert signature.code_digest(plain) is None
    fused = build()
    fused.compile(optimizer=FusedRMSprop(), loss="mse")
    assert signature.code_digest(fused) is not None


def test_a_mixed_precision_model_signs_otherwise():
    """bfloat16 weights are another training; float32 keeps its digest."""
    from helpers.precision import dtype_policy

    plain = build()
    with dtype_policy("mixed_bfloat16"):
        mixed = build()
    first = signature.training_signature(plain, [X])
    other = signature.training_signature(mixed, [X])
    assert signature.digest(first) != signature.digest(other)
    text = json.dumps(first["model"])
    assert '{"class_name": "DTypePolicy", "config": {}}' in text
    assert "mixed_bfloat16" in json.dumps(other["model"])
