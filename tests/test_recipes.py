"""helpers.recipes: each recipe builds the model its chapter describes, trains it and stores a sampler."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers import recipes, runtime, store
from helpers.cgan import ConditionalGAN
from helpers.gan import GAN
from helpers.layers import MinibatchStdDev
from helpers.optimizers import FusedRMSprop
from helpers.samplers import GAUSSIAN, DecoderSampler
from helpers.vae import VAE


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv(runtime.ARTIFACTS_ENV, str(tmp_path / "artifacts"))
    monkeypatch.setenv(store.STORE_ENV, str(tmp_path / "store"))
    monkeypatch.setenv("AEGAN_EXECUTED", "1")
    monkeypatch.setattr(
        store, "committed_dir", lambda: tmp_path / "committed"
    )
    return runtime.Run(profile="smoke", source="test", seed=0, changes={})


def optimizer_settings(opt):
    return type(opt).__name__, float(opt.learning_rate.numpy())


def test_autoencoder_recipe():
    recipe = recipes.autoencoder(latent=4, epochs=2, n_train=100, seed=1)
    assert recipe.name == "ae_4-s1" and recipe.chapter == "5"
    assert (recipe.epochs, recipe.batch_size, recipe.seed) == (2, 128, 1)
    model = recipe.build()
    encoder, decoder = model.layers
    assert (
        model.optimizer is not None and model.loss == "binary_crossentropy"
    )
    assert encoder.output_shape == (None, 4) and decoder.output_shape == (
        None,
        28,
        28,
    )
    assert [
        layer.units for layer in encoder.layers if hasattr(layer, "units")
    ] == [150, 100, 4]


@pytest.mark.parametrize("conv", [False, True])
def test_vae_recipe(conv):
    recipe = recipes.vae(latent=2, epochs=1, beta=4.0, conv=conv)
    kind = "conv_vae" if conv else "vae"
    assert recipe.name == f"{kind}_2_beta4-s0" and recipe.title.endswith(
        "β=4"
    )
    assert recipe.settings == {
        "kind": kind,
        "latent": 2,
        "beta": 4.0,
        "n_train": 55_000,
    }
    model = recipe.build()
    assert isinstance(model, VAE) and model.beta == 4.0
    assert optimizer_settings(model.optimizer) == (
        "Adam",
        pytest.approx(1e-3),
    )
    convs = [
        layer
        for layer in model.encoder.layers
        if "Conv" in type(layer).__name__
    ]
    assert bool(convs) == conv
    assert recipes.vae(latent=2, epochs=1).name == "vae_2-s0"


@pytest.mark.parametrize("prior", ["normal", "uniform_wide"])
@pytest.mark.parametrize("minibatch_std", [False, True])
def test_lecture_gan_recipe(prior, minibatch_std):
    recipe = recipes.lecture_gan(
        prior, epochs=1, minibatch_std=minibatch_std
    )
    assert (
        recipe.name
        == f"gan_{prior}" + ("_mbstd" if minibatch_std else "") + "-s0"
    )
    assert (
        recipe.batch_size == 32
        and recipe.drop_remainder
        and recipe.chapter == "7"
    )
    model = recipe.build()
    assert (
        isinstance(model, GAN)
        and model.prior == prior
        and model.codings_size == 30
    )
    assert model.data_range == (0.0, 1.0)
    assert isinstance(model.d_optimizer, FusedRMSprop)
    assert isinstance(model.g_optimizer, FusedRMSprop)
    has_std = any(
        isinstance(layer, MinibatchStdDev)
        for layer in model.discriminator.layers
    )
    assert has_std == minibatch_std


@pytest.mark.parametrize("conditional", [False, True])
def test_dcgan_recipe(conditional):
    recipe = recipes.dcgan(
        epochs=1, width=8, codings_size=16, conditional=conditional
    )
    assert recipe.name == ("cgan" if conditional else "dcgan") + "-s0"
    assert recipe.chapter == "8" and recipe.drop_remainder
    model = recipe.build()
    assert isinstance(model, ConditionalGAN if conditional else GAN)
    assert model.data_range == (-1.0, 1.0) and model.codings_size == 16
    if conditional:
        assert model.num_classes == 10
    for opt in (model.d_optimizer, model.g_optimizer):
        assert optimizer_settings(opt) == ("Adam", pytest.approx(2e-4))
        assert opt.beta_1 == pytest.approx(0.5)
    assert model.d_optimizer is not model.g_optimizer


def test_adam_dcgan_is_radfords_optimizer():
    opt = recipes.adam_dcgan()
    assert optimizer_settings(opt) == ("Adam", pytest.approx(2e-4))
    assert opt.beta_1 == pytest.approx(0.5)
    assert recipes.adam_dcgan() is not opt  # one per network


def test_recipe_arguments_are_checked():
    with pytest.raises(ValueError, match="prior: expected one of"):
        recipes.lecture_gan("cauchy", 1)
    with pytest.raises(
        ValueError, match="epochs: expected an integer >= 1"
    ):
        recipes.vae(2, 0)
    with pytest.raises(ValueError, match="beta: expected a number in"):
        recipes.vae(2, 1, beta=-1.0)
    with pytest.raises(ValueError, match="latent"):
        recipes.autoencoder(0, 1)
    with pytest.raises(
        TypeError, match="conditional: expected True or False"
    ):
        recipes.dcgan(1, conditional="yes")
    with pytest.raises(ValueError, match="n_train"):
        recipes.dcgan(1, n_train=0)


def test_train_and_save_a_lecture_gan(run):
    recipe = recipes.lecture_gan(
        "uniform", epochs=1, n_train=64, codings_size=8
    )
    model, log = recipe.train(run)
    assert log.epochs == 1 and log.resumed_from == 0
    assert set(log.history) >= {"d_loss", "g_loss", "d_accuracy"}
    assert log.directory.parent == run.artifact_dir("x").parent
    entry = recipe.save(model, log, run, note="smoke")
    assert (
        isinstance(entry.sampler, DecoderSampler)
        and entry.sampler.prior == "uniform"
    )
    loaded = store.load(recipe.name, "smoke")
    assert loaded is not None and loaded.info.epochs == 1
    assert loaded.info.recipe[
        "prior"
    ] == "uniform" and loaded.info.extra == {"note": "smoke"}
    np.testing.assert_array_equal(
        loaded.sample(4, seed=0), entry.sample(4, seed=0)
    )
    # the same recipe again loads its checkpoint instead of training
    _, again = recipe.train(run)
    assert again.resumed_from == 1 and again.directory == log.directory


def test_train_and_save_an_autoencoder_with_a_gaussian_sampler(run):
    recipe = recipes.autoencoder(
        latent=2, epochs=1, n_train=64, batch_size=32
    )
    model, log = recipe.train(run)
    assert "val_loss" in log.history
    entry = recipe.save(model, log, run)
    assert entry.sampler.prior == GAUSSIAN and entry.sampler.cov.shape == (
        2,
        2,
    )
    images = store.load(recipe.name, "smoke").sample(3, seed=0)
    assert (
        images.shape == (3, 28, 28)
        and 0 <= images.min()
        and images.max() <= 1
    )


def test_train_and_save_a_vae(run):
    recipe = recipes.vae(latent=2, epochs=1, n_train=64, batch_size=32)
    model, log = recipe.train(run)
    assert {"loss", "kl_loss", "val_loss"} <= set(log.history)
    recipe.save(model, log, run)
    assert store.load(recipe.name, "smoke").sampler.prior == "normal"


def test_train_and_save_a_conditional_dcgan(run):
    recipe = recipes.dcgan(
        epochs=1,
        width=4,
        codings_size=8,
        n_train=64,
        batch_size=32,
        conditional=True,
    )
    seen = []

    def callbacks(folder, sampler):
        seen.append((folder, sampler))
        return []

    model, log = recipe.train(run, callbacks=callbacks)
    assert log.epochs == 1 and np.isfinite(log.last("d_loss"))
    folder, sampler = seen[0]
    assert folder == log.directory and isinstance(sampler, DecoderSampler)
    entry = recipe.save(model, log, run)
    assert entry.sampler.num_classes == 10
    np.testing.assert_allclose(entry.sampler.class_probs.sum(), 1.0)
    images = store.load(recipe.name, "smoke").sample(
        4, seed=0, labels=[0, 1, 2, 3]
    )
    assert (
        images.shape == (4, 28, 28)
        and 0 <= images.min()
        and images.max() <= 1
    )
    # functional networks, built again after others: the checkpoint is found
    _, again = recipe.train(run)
    assert again.directory == log.directory and again.resumed_from == 1


def test_fashion_is_loaded_once():
    assert recipes.fashion() is recipes.fashion()


@pytest.mark.parametrize(
    "policy, compute",
    [("float32", "float32"), ("mixed_bfloat16", "bfloat16")],
)
def test_dcgan_recipe_precision(policy, compute):
    recipe = recipes.dcgan(1, width=4, codings_size=8, precision=policy)
    assert recipe.settings["precision"] == policy
    before = keras.config.dtype_policy().name
    model = recipe.build()
    assert keras.config.dtype_policy().name == before  # restored
    convs = [
        layer
        for net in (model.generator, model.discriminator)
        for layer in net.layers
        if "conv" in layer.name
    ]
    assert convs and all(layer.compute_dtype == compute for layer in convs)
    assert all(
        w.dtype == "float32" for w in model.generator.trainable_weights
    )
    images = model.generate(np.zeros((2, 8)))
    assert images.dtype == np.float32


def test_dcgan_recipe_auto_precision_is_the_machines():
    from helpers import precision

    recipe = recipes.dcgan(1, width=4, codings_size=8)
    assert recipe.settings["precision"] == precision.resolve("auto")
    with pytest.raises(ValueError, match="precision: expected one of"):
        recipes.dcgan(1, precision="bf16")
