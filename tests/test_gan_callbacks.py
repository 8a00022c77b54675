"""helpers.gan_callbacks: sample grids and scores per epoch, kept beside the checkpoint across a resume."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from helpers.gan import GAN
from helpers.gan_callbacks import SampleHistory, ScoreHistory
from helpers.gan_networks import (
    dcgan_discriminator,
    dcgan_generator,
    dense_discriminator,
    dense_generator,
)
from helpers.samplers import DecoderSampler
from helpers.training import resumable_fit

SHAPE = (8, 8)


@pytest.fixture(autouse=True)
def _executed(monkeypatch):
    monkeypatch.setenv("AEGAN_EXECUTED", "1")


def images(n=64, seed=0):
    return (
        np.random.default_rng(seed).random((n, *SHAPE)).astype("float32")
    )


def tiny_gan():
    keras.utils.set_random_seed(0)
    model = GAN(
        dense_generator(8, image_shape=SHAPE),
        dense_discriminator(image_shape=SHAPE),
        seed=0,
    )
    model.compile()
    return model


def score(images):
    return {"mean": float(images.mean()), "histogram": np.array([1, 2])}


def test_sample_and_score_histories_survive_a_resume(tmp_path):
    codings = np.zeros((4, 8), "float32")

    def train(epochs):
        model = tiny_gan()
        sampler = DecoderSampler(model.generator, "normal")
        return resumable_fit(
            model,
            images(),
            epochs=epochs,
            batch_size=32,
            checkpoint_dir=tmp_path,
            callbacks=lambda folder: [
                SampleHistory(folder, sampler, codings),
                ScoreHistory(score, folder, sampler, n=8),
            ],
        )

    train(1)
    log = train(2)
    assert log.resumed_from == 1
    # the scalar went into the logs, so into the history and the checkpoint
    assert len(log.history["mean"]) == 2
    assert "histogram" not in log.history
    grids = SampleHistory.load(tmp_path)
    assert sorted(grids) == [0, 1, 2] and grids[2].shape == (4, *SHAPE)
    assert 0.0 <= grids[2].min() and grids[2].max() <= 1.0
    assert not np.array_equal(grids[0], grids[2])  # the generator moved
    assert ScoreHistory.load(tmp_path) == {
        1: {"histogram": [1, 2]},
        2: {"histogram": [1, 2]},
    }
    assert not list(tmp_path.glob("tmp-*"))


def test_sample_history_every_nth_epoch(tmp_path):
    model = tiny_gan()
    sampler = DecoderSampler(model.generator, "normal")
    model.fit(
        images(),
        batch_size=32,
        epochs=4,
        verbose=0,
        callbacks=[
            SampleHistory(tmp_path, sampler, np.zeros((2, 8)), every=2)
        ],
    )
    assert sorted(SampleHistory.load(tmp_path)) == [0, 2, 4]


def test_callbacks_map_a_tanh_generator_to_the_unit_range(tmp_path):
    keras.utils.set_random_seed(0)
    model = GAN(
        dcgan_generator(8, 4),
        dcgan_discriminator(4),
        seed=0,
        data_range=(-1.0, 1.0),
    )
    model.compile()
    sampler = DecoderSampler(model.generator, "normal", (-1.0, 1.0))
    seen = []
    callbacks = [
        SampleHistory(tmp_path, sampler, np.zeros((2, 8))),
        ScoreHistory(
            lambda im: seen.append(im) or {"m": float(im.mean())},
            tmp_path,
            sampler,
            n=4,
        ),
    ]
    x = (
        np.random.default_rng(0).random((32, 28, 28)).astype("float32") * 2
        - 1
    )
    model.fit(x, batch_size=16, epochs=1, verbose=0, callbacks=callbacks)
    assert seen[0].shape == (4, 28, 28)
    assert 0.0 <= seen[0].min() and seen[0].max() <= 1.0
    # an untrained tanh generator sits near 0, i.e. grey
    assert abs(seen[0].mean() - 0.5) < 0.1
    grids = SampleHistory.load(tmp_path)
    assert sorted(grids) == [0, 1] and abs(grids[0].mean() - 0.5) < 0.1


def test_score_history_draws_fresh_samples_each_epoch(tmp_path):
    model = tiny_gan()
    sampler = DecoderSampler(model.generator, "normal")
    drawn = []
    history = ScoreHistory(
        lambda im: drawn.append(im) or {}, tmp_path, sampler, n=3, seed=5
    )
    history.set_model(model)
    history.on_epoch_end(0, {})
    history.on_epoch_end(1, {})
    np.testing.assert_array_equal(drawn[0], sampler.sample(3, seed=5))
    np.testing.assert_array_equal(drawn[1], sampler.sample(3, seed=6))
    assert ScoreHistory.load(tmp_path) == {1: {}, 2: {}}


def test_damaged_files_are_named(tmp_path):
    (tmp_path / "samples-epoch-0001.npy").write_bytes(b"not numpy")
    with pytest.raises(
        ValueError, match="directory: samples-epoch-0001.npy is damaged"
    ):
        SampleHistory.load(tmp_path)
    (tmp_path / "scores.json").write_text("{broken")
    with pytest.raises(
        ValueError, match="directory: scores.json in .* is damaged"
    ):
        ScoreHistory.load(tmp_path)
    assert ScoreHistory.load(tmp_path / "nothing") == {}
    assert SampleHistory.load(tmp_path / "nothing") == {}


def test_bad_arguments(tmp_path):
    model = tiny_gan()
    sampler = DecoderSampler(model.generator, "normal")
    with pytest.raises(
        TypeError, match="sampler: expected a DecoderSampler"
    ):
        SampleHistory(tmp_path, model.generator, np.zeros((2, 8)))
    with pytest.raises(
        ValueError, match=r"codings: expected shape \(any, 8\)"
    ):
        SampleHistory(tmp_path, sampler, np.zeros((2, 3)))
    with pytest.raises(
        ValueError, match="every: expected an integer >= 1"
    ):
        SampleHistory(tmp_path, sampler, np.zeros((2, 8)), every=0)
    with pytest.raises(TypeError, match="score: expected a function"):
        ScoreHistory("fid", tmp_path, sampler)
    with pytest.raises(
        TypeError, match="sampler: expected a DecoderSampler"
    ):
        ScoreHistory(score, tmp_path, model)
    with pytest.raises(ValueError, match="n: expected an integer >= 1"):
        ScoreHistory(score, tmp_path, sampler, n=0)
    # the files written are JSON a person can read
    ScoreHistory(score, tmp_path, sampler, n=2).on_epoch_end(0, {})
    assert json.loads((tmp_path / "scores.json").read_text()) == {
        "1": {"histogram": [1, 2]}
    }
