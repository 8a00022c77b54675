"""helpers.training.resumable_fit: an interrupted training resumes and loses no epoch."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from helpers import runtime
from helpers.training import STATE_FILE, resumable_fit

X = np.random.default_rng(0).normal(size=(64, 4)).astype(np.float32)
Y = X @ np.arange(1, 5, dtype=np.float32)[:, None]


def tiny_model() -> keras.Model:
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    return model


class StopAfter(keras.callbacks.Callback):
    """Simulate a dead session: interrupt training in the middle of epoch ``k + 1``."""

    def __init__(self, k: int):
        super().__init__()
        self.k = k

    def on_train_batch_end(self, batch, logs=None):
        if (
            self.model
            and getattr(self, "_epoch", 0) == self.k
            and batch == 1
        ):
            raise KeyboardInterrupt(
                f"interrupted during epoch {self.k + 1}"
            )

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch


def test_interrupt_then_resume_ends_with_all_epochs(tmp_path):
    runtime.seed_everything(1)
    full = resumable_fit(
        tiny_model(),
        X,
        Y,
        epochs=6,
        batch_size=16,
        verbose=0,
        checkpoint_dir=tmp_path / "full",
        shuffle=False,
    )

    runtime.seed_everything(1)
    with pytest.raises(KeyboardInterrupt):
        resumable_fit(
            tiny_model(),
            X,
            Y,
            epochs=6,
            batch_size=16,
            verbose=0,
            checkpoint_dir=tmp_path / "cut",
            shuffle=False,
            callbacks=[StopAfter(3)],
        )
    state = json.loads((tmp_path / "cut" / STATE_FILE).read_text())
    assert state["epochs_done"] == 3

    model = tiny_model()
    model(X[:1])
    resumed = resumable_fit(
        model,
        X,
        Y,
        epochs=6,
        batch_size=16,
        verbose=0,
        checkpoint_dir=tmp_path / "cut",
        shuffle=False,
    )
    assert resumed.resumed_from == 3
    assert resumed.epochs == full.epochs == 6
    assert (
        len(resumed.history["loss"])
        == 6
        == len(resumed.history["epoch_seconds"])
    )
    # with the optimizer state restored and no shuffling, the resumed run is the same run
    np.testing.assert_allclose(
        resumed.history["loss"], full.history["loss"], rtol=1e-5
    )
    # only the newest checkpoint is kept, and no temporary files are left behind
    names = sorted(p.name for p in (tmp_path / "cut").iterdir())
    assert names == ["epoch-0006.weights.h5", STATE_FILE]


def test_finished_training_is_loaded_not_repeated(tmp_path, capsys):
    model = tiny_model()
    model(X[:1])
    first = resumable_fit(
        model, X, Y, epochs=2, verbose=0, checkpoint_dir=tmp_path
    )
    fresh = tiny_model()
    fresh(X[:1])
    again = resumable_fit(
        fresh, X, Y, epochs=2, verbose=0, checkpoint_dir=tmp_path
    )
    assert "already trained" in capsys.readouterr().out
    assert again.history == first.history
    np.testing.assert_array_equal(
        fresh.get_weights()[0], model.get_weights()[0]
    )
    assert int(fresh.optimizer.iterations.numpy()) == int(
        model.optimizer.iterations.numpy()
    )


def test_signature_mismatch_is_refused(tmp_path):
    model = tiny_model()
    model(X[:1])
    resumable_fit(
        model,
        X,
        Y,
        epochs=1,
        verbose=0,
        checkpoint_dir=tmp_path,
        signature={"n": 64},
    )
    with pytest.raises(ValueError, match="checkpoint_dir: .* signature"):
        resumable_fit(
            model,
            X,
            Y,
            epochs=2,
            verbose=0,
            checkpoint_dir=tmp_path,
            signature={"n": 8},
        )


def test_input_validation(tmp_path):
    with pytest.raises(ValueError, match="epochs"):
        resumable_fit(
            tiny_model(), X, Y, epochs=0, checkpoint_dir=tmp_path
        )
    uncompiled = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(1)]
    )
    with pytest.raises(ValueError, match="model: compile it"):
        resumable_fit(uncompiled, X, Y, epochs=1, checkpoint_dir=tmp_path)
    (tmp_path / STATE_FILE).write_text("{broken")
    model = tiny_model()
    model(X[:1])
    with pytest.raises(
        ValueError, match="not a checkpoint this helper wrote"
    ):
        resumable_fit(model, X, Y, epochs=1, checkpoint_dir=tmp_path)


def test_unbuilt_model_is_refused(tmp_path):
    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="model: build it first"):
        resumable_fit(model, X, Y, epochs=1, checkpoint_dir=tmp_path)
