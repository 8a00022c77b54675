"""Progress of a training: a live bar, or one line per epoch.

A person running a chapter in Jupyter or Colab sees Keras' own progress bar
over the *whole* training (all epochs), with the time left. Executed runs
(papermill, nbval, the book's stored outputs; ``AEGAN_EXECUTED=1``) print
one compact line per epoch instead, short enough for the book's column;
a training of more than 20 epochs prints about ten of them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping

import keras

from helpers import checks

EXECUTED_ENV = "AEGAN_EXECUTED"
WIDTH = 74  # characters per printed line: the book's code column


def executed() -> bool:
    """True when a notebook is executed unattended (see module doc)."""
    return os.environ.get(EXECUTED_ENV, "") not in ("", "0")


def _fmt(value: float) -> str:
    a = abs(value)
    if a >= 1000 or (0 < a < 0.001):
        return f"{value:.3g}"
    return f"{value:.4g}"


def epoch_line(
    label: str, epoch: int, epochs: int, logs: dict, seconds: float
) -> str:
    """``label e/E  key value ...  12.3 s``, wrapped at :data:`WIDTH`."""
    checks.instance("label", label, str)
    checks.positive_int("epoch", epoch, minimum=0)
    checks.positive_int("epochs", epochs)
    checks.instance("logs", logs, Mapping)
    for key, v in logs.items():
        try:
            float(v)
        except (TypeError, ValueError):
            raise TypeError(
                f"logs: {key!r} is not a number, got {type(v).__name__}"
            ) from None
    checks.number("seconds", seconds)
    words = [f"{key} {_fmt(float(v))}" for key, v in logs.items()]
    head = f"{label} {epoch}/{epochs}"
    lines, line = [], head
    for word in [*words, f"{seconds:.1f} s"]:
        if len(line) + 2 + len(word) > WIDTH:
            lines.append(line)
            line = "   " + word
        else:
            line = f"{line}  {word}"
    lines.append(line)
    return "\n".join(lines)


class Progress(keras.callbacks.Callback):
    """The live bar (interactive) or the line per epoch (executed)."""

    def __init__(
        self,
        label: str,
        epochs: int,
        steps_per_epoch: int,
        initial_epoch: int = 0,
        live: bool | None = None,
    ):
        super().__init__()
        checks.instance("label", label, str)
        checks.positive_int("epochs", epochs)
        checks.positive_int("steps_per_epoch", steps_per_epoch)
        checks.positive_int("initial_epoch", initial_epoch, minimum=0)
        if live is not None:
            checks.boolean("live", live)
        self.label, self.epochs = label, epochs
        self.steps = steps_per_epoch
        self.initial_epoch = initial_epoch
        self.live = (not executed()) if live is None else live
        self._bar: keras.utils.Progbar | None = None
        self._epoch, self._started, self._last = 0, 0.0, 0.0

    def _shown(self, epoch: int) -> bool:
        every = 1 if self.epochs <= 20 else -(-self.epochs // 10)
        return epoch in (1, self.epochs) or epoch % every == 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        if self.live:
            total = (self.epochs - self.initial_epoch) * self.steps
            self._bar = keras.utils.Progbar(
                total, unit_name="step", interval=0.5
            )

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch, self._started = epoch, time.time()

    def on_train_batch_end(self, batch: int, logs: dict | None = None):
        if self._bar is None or time.time() - self._last < 0.5:
            return
        self._last = time.time()
        done = (self._epoch - self.initial_epoch) * self.steps + batch + 1
        self._bar.update(done)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = {k: v for k, v in (logs or {}).items()}
        if self._bar is not None:
            done = (epoch + 1 - self.initial_epoch) * self.steps
            shown = [(k, float(v)) for k, v in logs.items()]
            self._bar.stateful_metrics.update(logs)  # show, not average
            last = epoch + 1 == self.epochs
            self._bar.update(done, values=shown, finalize=last)
        elif self._shown(epoch + 1):
            seconds = time.time() - self._started
            line = epoch_line(
                self.label, epoch + 1, self.epochs, logs, seconds
            )
            print(line)
