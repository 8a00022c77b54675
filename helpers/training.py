"""Training that survives an interrupted session.

:func:`resumable_fit` wraps ``model.fit``: after every epoch it writes the weights, the
optimizer state and the history so far to ``checkpoint_dir``, each file written under a
temporary name and then renamed (atomic on POSIX), so a kill mid-write never leaves a
half-written checkpoint. Run the same cell again and training continues from the last
finished epoch; once all epochs are done, the cell just loads the result.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import helpers  # noqa: F401  (pins the TensorFlow backend before keras is imported)
import keras
import tensorflow as tf

from helpers.checks import positive_int

STATE_FILE = "state.json"


@dataclass
class TrainingLog:
    """What a (possibly resumed) training did: per-epoch history over all sessions."""

    history: dict[str, list[float]] = field(default_factory=dict)
    epochs: int = 0
    seconds: float = 0.0
    resumed_from: int = 0

    def last(self, key: str) -> float:
        """The final value of a logged metric, e.g. ``log.last("val_loss")``."""
        if key not in self.history or not self.history[key]:
            raise ValueError(f"key: no metric {key!r} logged; have {sorted(self.history)}")
        return self.history[key][-1]


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _read_state(directory: Path) -> dict[str, Any] | None:
    path = directory / STATE_FILE
    if not path.exists():
        return None
    try:
        state = json.loads(path.read_text())
        weights = directory / state["weights"]
    except (ValueError, KeyError) as err:
        raise ValueError(
            f"checkpoint_dir: {path} is not a checkpoint this helper wrote ({err}); "
            "delete the folder to start over"
        ) from None
    if not weights.exists():
        raise ValueError(f"checkpoint_dir: {path} names {weights.name}, which is missing; "
                         "delete the folder to start over")
    return state


class EpochCheckpoint(keras.callbacks.Callback):
    """Save weights + optimizer state + history after each epoch, atomically.

    The weights go to a new file named after the epoch; only then is ``state.json``
    replaced to point at it, so the pair on disk always belongs together.
    """

    def __init__(self, directory: Path, log: TrainingLog, signature: dict[str, Any] | None = None):
        super().__init__()
        self.directory = Path(directory)
        self.log = log
        self.signature = signature or {}
        self._epoch_start = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch_start = time.time()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        seconds = time.time() - self._epoch_start
        for key, value in (logs or {}).items():
            self.log.history.setdefault(key, []).append(float(value))
        self.log.history.setdefault("epoch_seconds", []).append(round(seconds, 3))
        self.log.epochs = epoch + 1
        self.log.seconds += seconds
        name = f"epoch-{epoch + 1:04d}.weights.h5"
        tmp = self.directory / f"tmp-{name}"
        self.model.save_weights(tmp)  # includes the optimizer's variables
        os.replace(tmp, self.directory / name)
        state = {"epochs_done": self.log.epochs, "weights": name,
                 "seconds": round(self.log.seconds, 3), "history": self.log.history,
                 "signature": self.signature}
        _atomic_write_text(self.directory / STATE_FILE, json.dumps(state))
        for old in self.directory.glob("epoch-*.weights.h5"):
            if old.name != name:
                old.unlink()


def resumable_fit(
    model: keras.Model,
    x: Any = None,
    y: Any = None,
    *,
    epochs: int,
    checkpoint_dir: str | os.PathLike,
    callbacks: list[keras.callbacks.Callback] | None = None,
    verbose: int | str = 2,
    signature: dict[str, Any] | None = None,
    **fit_kwargs: Any,
) -> TrainingLog:
    """``model.fit`` that resumes from ``checkpoint_dir`` and never loses a finished epoch.

    The model must be compiled and built (call it once on a batch). The checkpoint
    includes the optimizer state, so a resumed run continues as if never stopped
    (up to the order of the shuffled batches). ``signature`` (e.g. the sizes of the
    run) is stored with the checkpoint; resuming with a different one is refused, so a
    smoke-sized checkpoint is never continued by a full run. Returns all epochs' history.
    """
    epochs = positive_int("epochs", epochs)
    if getattr(model, "optimizer", None) is None:
        raise ValueError("model: compile it before training (it has no optimizer)")
    if not model.built:
        raise ValueError("model: build it first, e.g. by calling it on one batch")
    directory = Path(checkpoint_dir)
    directory.mkdir(parents=True, exist_ok=True)

    log = TrainingLog()
    signature = json.loads(json.dumps(signature or {}))  # as it reads back from JSON
    state = _read_state(directory)
    if state is not None:
        if state.get("signature", {}) != signature:
            raise ValueError(
                f"checkpoint_dir: {directory} holds a training with signature "
                f"{state.get('signature', {})}, not {signature}; use another folder or delete it"
            )
        if not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        model.load_weights(directory / state["weights"])
        log = TrainingLog(history=state["history"], epochs=state["epochs_done"],
                          seconds=state["seconds"], resumed_from=state["epochs_done"])
        if log.epochs >= epochs:
            print(f"Loaded {directory}: all {log.epochs} epochs were already trained.")
            return log
        print(f"Resuming from {directory}: {log.epochs} of {epochs} epochs already trained.")

    checkpoint = EpochCheckpoint(directory, log, signature)
    if isinstance(x, tf.data.Dataset):
        fit_kwargs.setdefault("shuffle", False)  # a dataset shuffles itself
    # The checkpoint comes last, so it stores what the other callbacks add to the logs.
    model.fit(x, y, epochs=epochs, initial_epoch=log.epochs, verbose=verbose,
              callbacks=[*(callbacks or []), checkpoint], **fit_kwargs)
    return log
