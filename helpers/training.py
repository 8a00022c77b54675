"""Training that survives a lost session and resumes exactly.

:func:`resumable_fit` wraps ``model.fit``. After every epoch it writes the
weights with the optimizer state, the state of every random-seed generator
and the history so far, each file under a temporary name first and then
renamed (atomic on POSIX), with the weights' SHA-256 in the state file. The
batches of epoch ``e`` are shuffled by ``(seed, e)`` alone, so a run killed
after epoch ``k`` and started again continues with the same batches, the
same random draws and the same weights as a run that was never stopped.
"""

from __future__ import annotations

import json
import os
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks
from helpers.data import sha256_file
from helpers.progress import Progress

STATE_FILE = "state.json"
FORMAT = 2  # bump when the checkpoint layout changes


@dataclass
class TrainingLog:
    """What a (possibly resumed) training did: its per-epoch history."""

    history: dict[str, list[float]] = field(default_factory=dict)
    epochs: int = 0
    seconds: float = 0.0
    resumed_from: int = 0
    directory: Path | None = None
    best_epoch: int | None = None  # with early stopping: weights kept

    def last(self, key: str) -> float:
        """The last value of a logged metric, e.g. ``log.last("loss")``."""
        checks.instance("key", key, str)
        if key not in self.history or not self.history[key]:
            raise ValueError(
                f"key: no metric {key!r} logged; "
                f"have {sorted(self.history)}"
            )
        return self.history[key][-1]


def _named(name: str, value: Any) -> dict[str, np.ndarray]:
    """``{name or name[i]: array}`` for one array or a tuple of them."""
    parts = value if isinstance(value, (tuple, list)) else (value,)
    if not parts:
        raise ValueError(f"{name}: expected an array, got an empty tuple")
    labels = [f"{name}[{i}]" for i in range(len(parts))]
    if len(parts) == 1:
        labels = [name]
    return {k: checks.as_array(k, p) for k, p in zip(labels, parts)}


def training_arrays(
    x: Any,
    y: Any = None,
    value_range: tuple[float, float] | None = None,
) -> tuple[np.ndarray, ...]:
    """The arrays of ``x`` (one, or a tuple) and then of ``y``, checked.

    Each must hold numbers without NaN, all with the same number of rows;
    a message names ``x``, ``x[i]`` or ``y``. With ``value_range`` the
    first array of ``x`` (the images) must lie in it.
    """
    named = _named("x", x)
    if y is not None:
        named.update(_named("y", y))
    checks.same_length(**named)
    if value_range is not None:
        lo, hi = checks.value_range("value_range", value_range)
        first = next(iter(named))
        checks.as_array(first, named[first], value_range=(lo, hi))
    return tuple(named.values())


def epoch_batches(
    arrays: Sequence[np.ndarray],
    batch_size: int,
    seed: int,
    epochs: int,
    initial_epoch: int = 0,
    drop_remainder: bool = False,
    multiple_of: int = 1,
) -> tuple[tf.data.Dataset, int]:
    """Batches of epochs ``initial_epoch .. epochs - 1``; steps per epoch.

    The order within epoch ``e`` is a permutation drawn from ``(seed, e)``
    only, so where training starts changes nothing about what it sees.
    ``multiple_of`` (a model's ``steps_per_execution``) keeps a multiple of
    that many batches per epoch, so that no call runs across two epochs.
    """
    if not isinstance(arrays, (tuple, list)) or not arrays:
        raise TypeError(
            "arrays: expected a non-empty tuple of arrays, got "
            f"{type(arrays).__name__}"
        )
    arrays = [
        checks.as_array(f"arrays[{i}]", a) for i, a in enumerate(arrays)
    ]
    n = checks.same_length(
        **{f"arrays[{i}]": a for i, a in enumerate(arrays)}
    )
    batch_size = checks.positive_int("batch_size", batch_size)
    seed = checks.positive_int("seed", seed, minimum=0)
    epochs = checks.positive_int("epochs", epochs)
    initial_epoch = checks.positive_int(
        "initial_epoch", initial_epoch, minimum=0
    )
    if initial_epoch >= epochs:
        raise ValueError(
            f"initial_epoch: expected fewer than epochs={epochs}, "
            f"got {initial_epoch}"
        )
    checks.boolean("drop_remainder", drop_remainder)
    if drop_remainder and batch_size > n:
        raise ValueError(
            f"batch_size: {batch_size} is larger than the {n} examples; "
            "with drop_remainder no batch would be left"
        )
    steps = n // batch_size if drop_remainder else -(-n // batch_size)
    multiple_of = checks.positive_int("multiple_of", multiple_of)
    if multiple_of > steps:
        raise ValueError(
            f"multiple_of: {multiple_of} steps per call is more than the "
            f"{steps} batches of an epoch; compile the model with "
            f"steps_per_execution <= {steps}"
        )
    steps -= steps % multiple_of
    tensors = tuple(tf.constant(a) for a in arrays)

    def one_epoch(epoch):
        order = tf.random.experimental.stateless_shuffle(
            tf.range(n),
            seed=tf.stack([tf.constant(seed, tf.int64), epoch]),
        )
        rows = tf.data.Dataset.from_tensor_slices(order)
        rows = rows.batch(batch_size, drop_remainder=drop_remainder)
        rows = rows.take(steps)
        picked = rows.map(
            lambda i: tuple(tf.gather(t, i) for t in tensors)
        )
        return picked.map(lambda *b: b[0] if len(b) == 1 else b)

    epochs_ds = tf.data.Dataset.range(initial_epoch, epochs)
    ds = epochs_ds.flat_map(one_epoch).prefetch(tf.data.AUTOTUNE)
    return ds, steps


def seed_states(model: keras.Model) -> list[keras.Variable]:
    """The state variables of each ``SeedGenerator`` ``model`` tracks.

    ``save_weights`` leaves them out, so a resumed run would draw other
    noise; the checkpoint stores them beside the weights.
    """
    checks.instance("model", model, keras.Model)
    return [v for v in model.variables if "seed_generator_state" in v.path]


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path``; readers see the old or new file."""
    checks.instance("path", path, (str, os.PathLike))
    checks.instance("text", text, str)
    path = Path(path)
    tmp = path.with_name(f"tmp-{path.name}")
    with open(tmp, "w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _start_over(directory: Path) -> str:
    return (
        f"delete the folder {directory.name!r} to start this training over"
    )


def read_state(directory: str | os.PathLike) -> dict[str, Any] | None:
    """The checkpoint in ``directory``, verified; None if there is none."""
    checks.instance("directory", directory, (str, os.PathLike))
    return _read_state(Path(directory), "directory")


def _read_state(directory: Path, arg: str) -> dict[str, Any] | None:
    path = directory / STATE_FILE
    if not path.exists():
        return None
    try:
        state = json.loads(path.read_text())
        weights = directory / checks.plain_name(
            "weights", state["weights"]
        )
        expected = checks.instance("sha256", state["sha256"], str)
        checks.positive_int("epochs_done", state["epochs_done"], minimum=0)
        checks.instance("history", state["history"], dict)
        checks.number("seconds", state["seconds"], low=0.0)
    except (ValueError, KeyError, TypeError) as err:
        raise ValueError(
            f"{arg}: {path.name} in {directory.name!r} is not a "
            f"checkpoint this helper wrote ({type(err).__name__}: {err}); "
            + _start_over(directory)
        ) from None
    if not weights.exists():
        raise ValueError(
            f"{arg}: {path.name} names {weights.name}, which is "
            "missing; " + _start_over(directory)
        )
    actual = sha256_file(weights)
    if actual != expected:
        raise ValueError(
            f"{arg}: {weights.name} in {directory.name!r} is "
            "damaged "
            f"(SHA-256 {actual[:12]}..., recorded {expected[:12]}...); "
            + _start_over(directory)
        )
    return state


class EpochCheckpoint(keras.callbacks.Callback):
    """After each epoch: weights, optimizer, seeds, history; atomically.

    The weights go to a new file named after the epoch; only then is the
    state file replaced to point at it, so the pair always belongs
    together.
    """

    def __init__(
        self,
        directory: Path,
        log: TrainingLog,
        signature: dict[str, Any],
        early_stopping: tuple[str, int] | None = None,
        best: dict[str, Any] | None = None,
    ):
        super().__init__()
        checks.instance("directory", directory, (str, os.PathLike))
        checks.instance("log", log, TrainingLog)
        checks.instance("signature", signature, dict)
        if early_stopping is not None:
            _check_early_stopping(early_stopping)
        if best is not None:
            checks.instance("best", best, dict)
        self.directory = Path(directory)
        self.log = log
        self.signature = signature
        self.early_stopping = early_stopping
        self.best = best
        self.stopped = False
        self._started = 0.0

    def _watch(self, epoch: int) -> None:
        """Early stopping: keep the best weights, stop when stale."""
        monitor, patience = self.early_stopping
        if monitor not in self.log.history:
            raise ValueError(
                f"early_stopping: no metric {monitor!r} is logged; "
                f"have {sorted(self.log.history)}"
            )
        value = self.log.history[monitor][-1]
        higher = "acc" in monitor or "auc" in monitor
        old = None if self.best is None else self.best["value"]
        if old is None or (value > old if higher else value < old):
            tmp = self.directory / "tmp-best.weights.h5"
            self.model.save_weights(tmp)
            os.replace(tmp, self.directory / "best.weights.h5")
            self.best = {
                "epoch": epoch + 1,
                "value": value,
                "sha256": sha256_file(self.directory / "best.weights.h5"),
            }
        elif epoch + 1 - self.best["epoch"] >= patience:
            self.model.stop_training = True
            self.stopped = True

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._started = time.time()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        seconds = time.time() - self._started
        for key, value in (logs or {}).items():
            self.log.history.setdefault(key, []).append(float(value))
        self.log.history.setdefault("epoch_seconds", []).append(
            round(seconds, 3)
        )
        self.log.epochs = epoch + 1
        self.log.seconds += seconds
        if self.early_stopping is not None:
            self._watch(epoch)
        name = f"epoch-{epoch + 1:04d}.weights.h5"
        tmp = self.directory / f"tmp-{name}"
        self.model.save_weights(tmp)  # with the optimizer's variables
        os.replace(tmp, self.directory / name)
        state = {
            "format": FORMAT,
            "epochs_done": self.log.epochs,
            "weights": name,
            "sha256": sha256_file(self.directory / name),
            "seed_states": [
                np.asarray(v.numpy()).tolist()
                for v in seed_states(self.model)
            ],
            "seconds": round(self.log.seconds, 3),
            "history": self.log.history,
            "signature": self.signature,
            "best": self.best,
            "stopped": self.stopped,
        }
        write_text_atomic(self.directory / STATE_FILE, json.dumps(state))
        for old in self.directory.glob("epoch-*.weights.h5"):
            if old.name != name:
                old.unlink()


def _load_best(model: keras.Model, directory: Path, best: dict) -> None:
    path = directory / "best.weights.h5"
    if not path.exists() or sha256_file(path) != best.get("sha256"):
        raise ValueError(
            f"checkpoint_dir: best.weights.h5 in {directory.name!r} is "
            "missing or damaged; " + _start_over(directory)
        )
    model.load_weights(path)


def _first(err: Exception, width: int = 120) -> str:
    """The first line of an error message, shortened for another one."""
    lines = str(err).strip().splitlines() or [""]
    return lines[0][:width]


def _restore(model: keras.Model, directory: Path, state: dict) -> None:
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    weights = directory / state["weights"]
    try:
        # Keras only warns when it skips an optimizer's saved state; a
        # resume that silently resets Adam's moments is not exact.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model.load_weights(weights)
        skipped = [
            str(w.message)
            for w in caught
            if "Skipping variable loading" in str(w.message)
        ]
        if skipped:
            raise RuntimeError(skipped[0].split(",")[0])
    except Exception as err:
        raise ValueError(
            f"checkpoint_dir: {weights.name} in {directory.name!r} does "
            f"not fit this model ({type(err).__name__}: {_first(err)}); "
            "it was saved by another architecture or another version "
            "of the model's code. " + _start_over(directory)
        ) from None
    for w in caught:  # pass on the warnings that were not about state
        if "Skipping variable loading" not in str(w.message):
            warnings.warn_explicit(
                w.message, w.category, w.filename, w.lineno
            )
    saved, live = state.get("seed_states", []), seed_states(model)
    if len(saved) != len(live):
        raise ValueError(
            f"checkpoint_dir: {directory.name!r} holds {len(saved)} seed "
            f"states, the model has {len(live)}; " + _start_over(directory)
        )
    for variable, value in zip(live, saved):
        variable.assign(np.asarray(value, dtype=variable.dtype))


def _check_early_stopping(early_stopping: Any) -> None:
    if (
        not isinstance(early_stopping, (tuple, list))
        or len(early_stopping) != 2
        or not isinstance(early_stopping[0], str)
    ):
        raise TypeError(
            "early_stopping: expected (metric name, patience), "
            f"got {early_stopping!r}"
        )
    checks.positive_int("early_stopping[1]", early_stopping[1])


def _check_callbacks(callbacks: Any) -> None:
    if not isinstance(callbacks, (list, tuple)):
        raise TypeError(
            "callbacks: expected a list of callbacks or a function of "
            f"the checkpoint folder, got {type(callbacks).__name__}"
        )
    for i, cb in enumerate(callbacks):
        checks.instance(f"callbacks[{i}]", cb, keras.callbacks.Callback)


def _check_validation(validation_data: Any) -> None:
    if hasattr(validation_data, "element_spec"):  # a tf.data set
        return
    if not isinstance(validation_data, (tuple, list)) or len(
        validation_data
    ) not in (2, 3):
        raise TypeError(
            "validation_data: expected (x, y), got "
            f"{type(validation_data).__name__}"
        )
    named = _named("validation_data[0]", validation_data[0])
    if validation_data[1] is not None:
        named.update(_named("validation_data[1]", validation_data[1]))
    checks.same_length(**named)


def resumable_fit(
    model: keras.Model,
    x: Any,
    y: Any = None,
    *,
    epochs: int,
    checkpoint_dir: str | os.PathLike,
    batch_size: int = 32,
    seed: int = 0,
    validation_data: tuple[Any, Any] | None = None,
    callbacks: Sequence[keras.callbacks.Callback] | Callable = (),
    signature: dict[str, Any] | None = None,
    drop_remainder: bool = False,
    value_range: tuple[float, float] | None = None,
    label: str | None = None,
    early_stopping: tuple[str, int] | None = None,
) -> TrainingLog:
    """``model.fit`` that resumes from ``checkpoint_dir`` exactly.

    ``x`` is an array or a tuple of arrays (for example ``(images,
    labels)``), ``y`` an optional target array. The model must be compiled
    and built. A checkpoint whose ``signature`` differs is refused, so a
    smoke-sized checkpoint is never continued by a full run. The first
    array of ``x`` (the images) must lie in ``value_range``, by default
    the model's ``data_range`` if it has one (images in [0, 255] are
    refused before the first step). ``callbacks`` may be a function of
    the checkpoint folder, for callbacks that keep files there. Prints a
    compact line per epoch in executed runs, and a live bar with the time
    left when a person watches. ``early_stopping=(metric, patience)``
    stops when ``metric`` has not improved for ``patience`` epochs and
    leaves the model with the weights of its best epoch (also on resume).
    """
    epochs = checks.positive_int("epochs", epochs)
    checks.instance("model", model, keras.Model)
    if getattr(model, "optimizer", None) is None:
        raise ValueError(
            "model: compile it before training (no optimizer)"
        )
    if not model.built:
        raise ValueError("model: build it first, e.g. by calling it once")
    seed = checks.positive_int("seed", seed, minimum=0)
    if early_stopping is not None:
        _check_early_stopping(early_stopping)
    checks.instance("checkpoint_dir", checkpoint_dir, (str, os.PathLike))
    if value_range is None:
        value_range = getattr(model, "data_range", None)
    arrays = training_arrays(x, y, value_range)
    n_x = len(x) if isinstance(x, (tuple, list)) else 1
    if validation_data is not None:
        _check_validation(validation_data)
    if not callable(callbacks):
        _check_callbacks(callbacks)
    directory = Path(checkpoint_dir)
    directory.mkdir(parents=True, exist_ok=True)
    signature = json.loads(json.dumps(signature or {}, default=str))
    name = label or directory.name

    log = TrainingLog(directory=directory)
    state = _read_state(directory, "checkpoint_dir")
    if state is not None:
        if state.get("signature") != signature:
            raise ValueError(
                f"checkpoint_dir: {directory.name!r} holds a training "
                "with another signature; use another folder or "
                + _start_over(directory)
            )
        _restore(model, directory, state)
        best = state.get("best")
        log = TrainingLog(
            history=state["history"],
            epochs=state["epochs_done"],
            seconds=state["seconds"],
            resumed_from=state["epochs_done"],
            directory=directory,
            best_epoch=None if best is None else best["epoch"],
        )
        if log.epochs >= epochs or state.get("stopped"):
            if best is not None:
                _load_best(model, directory, best)
            print(f"{name}: trained before ({log.epochs} epochs); loaded")
            return log
        print(f"{name}: resuming after epoch {log.epochs} of {epochs}")

    per_call = int(getattr(model, "steps_per_execution", 1) or 1)
    data, steps = epoch_batches(
        arrays,
        batch_size,
        seed,
        epochs,
        log.epochs,
        drop_remainder,
        multiple_of=per_call,
    )
    if y is not None:
        data = data.map(lambda *b: (b[0] if n_x == 1 else b[:-1], b[-1]))
    if callable(callbacks):
        callbacks = callbacks(directory)
        _check_callbacks(callbacks)
    checkpoint = EpochCheckpoint(
        directory,
        log,
        signature,
        early_stopping,
        None if state is None else state.get("best"),
    )
    progress = Progress(name, epochs, steps, initial_epoch=log.epochs)
    # The checkpoint comes after the caller's callbacks, so it stores what
    # they add to the logs; the progress line comes last and shows it all.
    model.fit(
        data,
        epochs=epochs,
        initial_epoch=log.epochs,
        steps_per_epoch=steps,
        validation_data=validation_data,
        verbose=0,
        shuffle=False,  # epoch_batches shuffles, by (seed, epoch)
        callbacks=[*callbacks, checkpoint, progress],
    )
    if checkpoint.best is not None:
        _load_best(model, directory, checkpoint.best)
        log.best_epoch = checkpoint.best["epoch"]
    return log
