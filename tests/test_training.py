"""helpers.training: a training killed mid-epoch resumes to exactly the run that was never stopped."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from helpers import runtime, training
from helpers.gan import GAN
from helpers.gan_networks import dense_discriminator, dense_generator
from helpers.training import STATE_FILE, TrainingLog, resumable_fit

X = np.random.default_rng(0).normal(size=(64, 4)).astype(np.float32)
Y = X @ np.arange(1, 5, dtype=np.float32)[:, None]


@pytest.fixture(autouse=True)
def _executed(monkeypatch):
    """Compact per-epoch lines, as in an executed chapter."""
    monkeypatch.setenv("AEGAN_EXECUTED", "1")


def tiny_model(
    units: int = 1, dropout: float = 0.0, lr: float = 0.05
) -> keras.Model:
    layers = [keras.Input((4,)), keras.layers.Dense(8, activation="relu")]
    if dropout:
        layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(units))
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="mse")
    return model


def tiny_gan() -> GAN:
    model = GAN(
        dense_generator(4, image_shape=(6, 6)),
        dense_discriminator(image_shape=(6, 6)),
        seed=0,
    )
    model.compile(
        d_optimizer=keras.optimizers.Adam(1e-3),
        g_optimizer=keras.optimizers.Adam(1e-3),
    )
    return model


class StopAt(keras.callbacks.Callback):
    """Simulate a dead session: interrupt during epoch index ``epoch`` after batch ``batch``."""

    def __init__(self, epoch: int, batch: int = 1):
        super().__init__()
        self.epoch, self.batch = epoch, batch
        self._current = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._current = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._current == self.epoch and batch == self.batch:
            raise KeyboardInterrupt(
                f"killed during epoch {self.epoch + 1}"
            )


class Snapshots(keras.callbacks.Callback):
    """The model's weights at the end of every epoch, by epoch number."""

    def __init__(self):
        super().__init__()
        self.weights: dict[int, list[np.ndarray]] = {}

    def on_epoch_end(self, epoch, logs=None):
        self.weights[epoch + 1] = [
            w.copy() for w in self.model.get_weights()
        ]


def without_times(history: dict) -> dict:
    return {k: v for k, v in history.items() if k != "epoch_seconds"}


def assert_same_history(a: TrainingLog, b: TrainingLog) -> None:
    ha, hb = without_times(a.history), without_times(b.history)
    assert sorted(ha) == sorted(hb)
    for key in ha:
        np.testing.assert_array_equal(ha[key], hb[key], err_msg=key)


def assert_same_state(a: keras.Model, b: keras.Model) -> None:
    """Weights, seed-generator states and optimizer variables, exactly."""
    pairs = list(zip(a.variables, b.variables))
    assert len(a.variables) == len(b.variables)
    for name in ("optimizer", "d_optimizer", "g_optimizer"):
        if getattr(a, name, None) is not None:
            opt_a, opt_b = getattr(a, name), getattr(b, name)
            assert len(opt_a.variables) == len(opt_b.variables) > 1
            pairs += list(zip(opt_a.variables, opt_b.variables))
    for va, vb in pairs:
        np.testing.assert_array_equal(
            va.numpy(), vb.numpy(), err_msg=va.path
        )


def interrupted_then_resumed(
    make, x, y, folder, epochs, batch_size, seed=3
):
    """Train, kill it during epoch 3, resume in a fresh process-like model."""
    runtime.seed_everything(1)
    with pytest.raises(KeyboardInterrupt):
        resumable_fit(
            make(),
            x,
            y,
            epochs=epochs,
            batch_size=batch_size,
            seed=seed,
            checkpoint_dir=folder,
            callbacks=[StopAt(2)],
        )
    state = json.loads((folder / STATE_FILE).read_text())
    assert state["epochs_done"] == 2
    runtime.seed_everything(
        99
    )  # other initial weights and seeds: all must be restored
    model = make()
    log = resumable_fit(
        model,
        x,
        y,
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
        checkpoint_dir=folder,
    )
    return model, log


def test_resume_with_dropout_equals_the_uninterrupted_run(
    tmp_path, capsys
):
    def make():
        return tiny_model(dropout=0.5)

    runtime.seed_everything(1)
    full_model = make()
    full = resumable_fit(
        full_model,
        X,
        Y,
        epochs=4,
        batch_size=16,
        seed=3,
        checkpoint_dir=tmp_path / "full",
    )
    assert len(training.seed_states(full_model)) >= 1  # the dropout's seed
    model, resumed = interrupted_then_resumed(
        make, X, Y, tmp_path / "cut", 4, 16
    )
    assert resumed.resumed_from == 2
    assert resumed.epochs == full.epochs == 4
    assert (
        len(resumed.history["loss"])
        == 4
        == len(resumed.history["epoch_seconds"])
    )
    assert_same_history(resumed, full)
    assert_same_state(model, full_model)
    assert "resuming after epoch 2 of 4" in capsys.readouterr().out
    # only the newest checkpoint is kept, and no temporary file is left behind
    names = sorted(p.name for p in (tmp_path / "cut").iterdir())
    assert names == ["epoch-0004.weights.h5", STATE_FILE]


def test_resume_of_a_gan_restores_its_seed_generator(tmp_path):
    x = np.random.default_rng(0).random((48, 6, 6)).astype("float32")
    runtime.seed_everything(1)
    full_model = tiny_gan()
    full = resumable_fit(
        full_model,
        x,
        epochs=4,
        batch_size=16,
        seed=3,
        checkpoint_dir=tmp_path / "full",
        drop_remainder=True,
    )
    seeds = training.seed_states(full_model)
    assert len(seeds) == 1 and seeds[0] is full_model.seed_generator.state
    runtime.seed_everything(1)
    with pytest.raises(KeyboardInterrupt):
        resumable_fit(
            tiny_gan(),
            x,
            epochs=4,
            batch_size=16,
            seed=3,
            checkpoint_dir=tmp_path / "cut",
            drop_remainder=True,
            callbacks=[StopAt(2)],
        )
    model = tiny_gan()
    model.seed_generator.state.assign([123, 456])  # as if seeded otherwise
    resumed = resumable_fit(
        model,
        x,
        epochs=4,
        batch_size=16,
        seed=3,
        checkpoint_dir=tmp_path / "cut",
        drop_remainder=True,
    )
    assert resumed.resumed_from == 2
    assert set(without_times(resumed.history)) == {
        "d_loss",
        "g_loss",
        "d_accuracy",
    }
    assert_same_history(resumed, full)
    assert_same_state(model, full_model)


def test_batches_depend_on_seed_and_epoch_only():
    arrays = (np.arange(10), np.arange(10) * 10)
    ds, steps = training.epoch_batches(arrays, 4, seed=5, epochs=3)
    batches = [tuple(t.numpy().tolist() for t in b) for b in ds]
    assert steps == 3 and len(batches) == 9
    for e in range(3):
        rows = sum((list(b[0]) for b in batches[3 * e : 3 * e + 3]), [])
        assert sorted(rows) == list(
            range(10)
        )  # each epoch is a permutation
    for xs, ys in batches:
        assert [10 * v for v in xs] == list(ys)  # rows stay paired
    tail, _ = training.epoch_batches(
        arrays, 4, seed=5, epochs=3, initial_epoch=1
    )
    assert [tuple(t.numpy().tolist() for t in b) for b in tail] == batches[
        3:
    ]
    other, _ = training.epoch_batches(arrays, 4, seed=6, epochs=3)
    assert [tuple(t.numpy().tolist() for t in b) for b in other] != batches
    single, _ = training.epoch_batches(
        (np.arange(10),), 4, seed=5, epochs=1
    )
    first = next(iter(single))
    assert not isinstance(first, tuple)  # one array: plain batches
    assert first.numpy().tolist() == list(batches[0][0])


def test_drop_remainder():
    ds, steps = training.epoch_batches(
        (np.arange(10),), 4, seed=0, epochs=2, drop_remainder=True
    )
    assert steps == 2 and [len(b) for b in ds] == [4, 4, 4, 4]
    with pytest.raises(
        ValueError, match="batch_size: 12 is larger than the 10"
    ):
        training.epoch_batches(
            (np.arange(10),), 12, 0, 1, drop_remainder=True
        )
    with pytest.raises(ValueError, match="same number of rows"):
        training.epoch_batches((np.arange(10), np.arange(9)), 4, 0, 1)


def test_finished_training_is_loaded_not_repeated(tmp_path, capsys):
    model = tiny_model()
    first = resumable_fit(model, X, Y, epochs=2, checkpoint_dir=tmp_path)
    assert first.resumed_from == 0 and first.directory == tmp_path
    fresh = tiny_model()
    again = resumable_fit(
        fresh,
        X,
        Y,
        epochs=2,
        checkpoint_dir=tmp_path,
        callbacks=[StopAt(0, 0)],
    )  # a callback that would interrupt any training: none happens
    assert (
        f"{tmp_path.name}: trained before (2 epochs); loaded"
        in capsys.readouterr().out
    )
    assert again.history == first.history and again.resumed_from == 2
    assert_same_state(fresh, model)
    assert (
        int(fresh.optimizer.iterations.numpy()) == 2 * 2
    )  # 64 rows, 32 a batch


def test_executed_runs_print_one_line_per_epoch(tmp_path, capsys):
    resumable_fit(
        tiny_model(), X, Y, epochs=3, checkpoint_dir=tmp_path, label="tiny"
    )
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["tiny", "1/3"],
        ["tiny", "2/3"],
        ["tiny", "3/3"],
    ]
    assert all(len(line) <= 74 for line in lines)


def test_callbacks_may_be_a_function_of_the_folder(tmp_path):
    seen = []

    def make(folder):
        seen.append(folder)
        return [Snapshots()]

    resumable_fit(
        tiny_model(),
        X,
        Y,
        epochs=1,
        checkpoint_dir=tmp_path,
        callbacks=make,
    )
    assert seen == [tmp_path]


def test_early_stopping_restores_the_best_epoch(tmp_path, capsys):
    # a made-up validation score that is best at epoch 2 and never improves again
    scores = [3.0, 1.0, 2.0, 1.5, 0.5, 0.1]

    class Score(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["val_score"] = scores[epoch]

    snapshots = Snapshots()
    model = tiny_model()
    log = resumable_fit(
        model,
        X,
        Y,
        epochs=6,
        checkpoint_dir=tmp_path,
        callbacks=[Score(), snapshots],
        early_stopping=("val_score", 2),
    )
    assert log.best_epoch == 2
    assert log.epochs == 4 and log.history["val_score"] == scores[:4]
    assert sorted(snapshots.weights) == [1, 2, 3, 4]
    for got, want in zip(model.get_weights(), snapshots.weights[2]):
        np.testing.assert_array_equal(got, want)
    capsys.readouterr()
    # a second call loads the best weights without training
    fresh = tiny_model()
    again = resumable_fit(
        fresh,
        X,
        Y,
        epochs=6,
        checkpoint_dir=tmp_path,
        callbacks=[StopAt(0, 0)],
        early_stopping=("val_score", 2),
    )
    assert "trained before (4 epochs); loaded" in capsys.readouterr().out
    assert again.best_epoch == 2 and again.resumed_from == 4
    for got, want in zip(fresh.get_weights(), snapshots.weights[2]):
        np.testing.assert_array_equal(got, want)


def test_early_stopping_on_accuracy_keeps_the_highest(tmp_path):
    accuracies = [0.5, 0.9, 0.7, 0.8]

    class Accuracy(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["val_accuracy"] = accuracies[epoch]

    log = resumable_fit(
        tiny_model(),
        X,
        Y,
        epochs=4,
        checkpoint_dir=tmp_path,
        callbacks=[Accuracy()],
        early_stopping=("val_accuracy", 3),
    )
    assert log.best_epoch == 2 and log.epochs == 4


def test_early_stopping_arguments(tmp_path):
    with pytest.raises(TypeError, match="early_stopping: expected"):
        resumable_fit(
            tiny_model(),
            X,
            Y,
            epochs=1,
            checkpoint_dir=tmp_path,
            early_stopping="loss",
        )
    with pytest.raises(
        ValueError, match=r"early_stopping\[1\]: expected an integer >= 1"
    ):
        resumable_fit(
            tiny_model(),
            X,
            Y,
            epochs=1,
            checkpoint_dir=tmp_path,
            early_stopping=("loss", 0),
        )
    with pytest.raises(
        ValueError, match="early_stopping: no metric 'val_nope'"
    ):
        resumable_fit(
            tiny_model(),
            X,
            Y,
            epochs=1,
            checkpoint_dir=tmp_path / "b",
            early_stopping=("val_nope", 2),
        )


def test_a_truncated_weights_file_is_refused(tmp_path, capsys):
    folder = tmp_path / "run"
    resumable_fit(tiny_model(), X, Y, epochs=2, checkpoint_dir=folder)
    weights = folder / "epoch-0002.weights.h5"
    weights.write_bytes(weights.read_bytes()[:100])
    with pytest.raises(ValueError) as err:
        resumable_fit(tiny_model(), X, Y, epochs=3, checkpoint_dir=folder)
    message = str(err.value)
    assert message.startswith(
        "checkpoint_dir: epoch-0002.weights.h5 in 'run' is damaged"
    )
    assert "delete the folder 'run'" in message
    assert str(tmp_path) not in message + capsys.readouterr().out


def test_a_missing_weights_file_is_refused(tmp_path):
    resumable_fit(tiny_model(), X, Y, epochs=1, checkpoint_dir=tmp_path)
    (tmp_path / "epoch-0001.weights.h5").unlink()
    with pytest.raises(
        ValueError,
        match="names epoch-0001.weights.h5, which is missing; delete the folder",
    ):
        resumable_fit(
            tiny_model(), X, Y, epochs=1, checkpoint_dir=tmp_path
        )


def test_a_checkpoint_of_another_architecture_is_refused(tmp_path, capsys):
    folder = tmp_path / "run"
    resumable_fit(
        tiny_model(units=1), X, Y, epochs=1, checkpoint_dir=folder
    )
    with pytest.raises(ValueError) as err:
        resumable_fit(
            tiny_model(units=2),
            X,
            np.c_[Y, Y],
            epochs=2,
            checkpoint_dir=folder,
        )
    message = str(err.value)
    assert message.startswith(
        "checkpoint_dir: epoch-0001.weights.h5 in 'run' does not fit this model"
    )
    assert (
        "another architecture" in message
        and "delete the folder 'run'" in message
    )
    assert str(tmp_path) not in message + capsys.readouterr().out


def test_a_checkpoint_whose_optimizer_state_does_not_fit_is_refused(
    tmp_path,
):
    """Keras only warns when it skips saved optimizer state; we refuse."""
    folder = tmp_path / "run"
    resumable_fit(tiny_model(), X, Y, epochs=1, checkpoint_dir=folder)
    model = tiny_model()
    model.compile(
        optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss="mse"
    )
    with pytest.raises(ValueError) as err:
        resumable_fit(model, X, Y, epochs=2, checkpoint_dir=folder)
    message = str(err.value)
    assert "does not fit this model" in message
    assert "Skipping variable loading for optimizer" in message
    assert "delete the folder 'run'" in message


def test_seed_states_must_match(tmp_path):
    resumable_fit(tiny_model(), X, Y, epochs=1, checkpoint_dir=tmp_path)
    state = json.loads((tmp_path / STATE_FILE).read_text())
    assert state["seed_states"] == []
    state["seed_states"] = [[1, 2]]
    (tmp_path / STATE_FILE).write_text(json.dumps(state))
    with pytest.raises(
        ValueError, match="holds 1 seed states, the model has 0"
    ):
        resumable_fit(
            tiny_model(), X, Y, epochs=2, checkpoint_dir=tmp_path
        )


def test_signature_mismatch_is_refused(tmp_path):
    resumable_fit(
        tiny_model(),
        X,
        Y,
        epochs=1,
        checkpoint_dir=tmp_path,
        signature={"n": 64},
    )
    with pytest.raises(
        ValueError, match="checkpoint_dir: .* another signature"
    ):
        resumable_fit(
            tiny_model(),
            X,
            Y,
            epochs=2,
            checkpoint_dir=tmp_path,
            signature={"n": 8},
        )


def test_messages_name_no_absolute_path(tmp_path, capsys):
    folder = tmp_path / "deep" / "run"
    resumable_fit(tiny_model(), X, Y, epochs=1, checkpoint_dir=folder)
    resumable_fit(tiny_model(), X, Y, epochs=2, checkpoint_dir=folder)
    resumable_fit(tiny_model(), X, Y, epochs=2, checkpoint_dir=folder)
    out = capsys.readouterr().out
    assert "resuming after epoch 1 of 2" in out and "trained before" in out
    assert str(tmp_path) not in out
    (folder / STATE_FILE).write_text("{broken")
    with pytest.raises(
        ValueError, match="not a checkpoint this helper wrote"
    ) as err:
        resumable_fit(tiny_model(), X, Y, epochs=1, checkpoint_dir=folder)
    assert str(tmp_path) not in str(err.value)


def test_value_range_is_checked_before_training(tmp_path):
    with pytest.raises(
        ValueError, match=r"x: expected values in \[0, 1\].*divide by 255"
    ):
        resumable_fit(
            tiny_model(),
            np.full((8, 4), 200.0),
            Y[:8],
            epochs=1,
            checkpoint_dir=tmp_path,
            value_range=(0.0, 1.0),
        )
    assert not (tmp_path / STATE_FILE).exists()


def test_input_validation(tmp_path):
    with pytest.raises(
        ValueError, match="epochs: expected an integer >= 1"
    ):
        resumable_fit(
            tiny_model(), X, Y, epochs=0, checkpoint_dir=tmp_path
        )
    with pytest.raises(ValueError, match="seed: expected an integer >= 0"):
        resumable_fit(
            tiny_model(), X, Y, epochs=1, seed=-1, checkpoint_dir=tmp_path
        )
    with pytest.raises(TypeError, match="model: expected a Model"):
        resumable_fit("model", X, Y, epochs=1, checkpoint_dir=tmp_path)
    uncompiled = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(1)]
    )
    with pytest.raises(ValueError, match="model: compile it"):
        resumable_fit(uncompiled, X, Y, epochs=1, checkpoint_dir=tmp_path)
    unbuilt = keras.Sequential([keras.layers.Dense(1)])
    unbuilt.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="model: build it first"):
        resumable_fit(unbuilt, X, Y, epochs=1, checkpoint_dir=tmp_path)
    with pytest.raises(ValueError, match="same number of rows"):
        resumable_fit(
            tiny_model(), X, Y[:10], epochs=1, checkpoint_dir=tmp_path
        )
    with pytest.raises(TypeError, match="x: expected an array"):
        resumable_fit(
            tiny_model(), "data", Y, epochs=1, checkpoint_dir=tmp_path
        )
    (tmp_path / STATE_FILE).write_text("{broken")
    with pytest.raises(
        ValueError, match="not a checkpoint this helper wrote"
    ):
        resumable_fit(
            tiny_model(), X, Y, epochs=1, checkpoint_dir=tmp_path
        )


def test_state_helpers(tmp_path):
    assert training.read_state(tmp_path) is None
    path = tmp_path / "note.txt"
    training.write_text_atomic(path, "one")
    training.write_text_atomic(path, "two")
    assert path.read_text() == "two" and [
        p.name for p in tmp_path.iterdir()
    ] == ["note.txt"]
    log = TrainingLog(history={"loss": [2.0, 1.0]})
    assert log.last("loss") == 1.0
    with pytest.raises(
        ValueError, match=r"key: no metric 'acc' logged; have \['loss'\]"
    ):
        log.last("acc")
