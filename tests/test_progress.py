"""helpers.progress: a live bar for a person, short lines per epoch for an executed chapter."""

from __future__ import annotations

import re

import keras
import numpy as np
import pytest

from helpers import progress
from helpers.progress import Progress, epoch_line


def drive(
    callback: Progress, epochs: int, logs: dict, start: int = 0
) -> None:
    """Call the epoch hooks as model.fit would (no model needed for the lines)."""
    callback.on_train_begin()
    for epoch in range(start, epochs):
        callback.on_epoch_begin(epoch)
        callback.on_epoch_end(epoch, dict(logs))


@pytest.mark.parametrize(
    "value, expected",
    [("", False), ("0", False), ("1", True), ("yes", True)],
)
def test_executed_reads_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv(progress.EXECUTED_ENV, value)
    assert progress.executed() is expected
    monkeypatch.delenv(progress.EXECUTED_ENV)
    assert progress.executed() is False


def test_epoch_line_is_compact():
    line = epoch_line(
        "ae", 3, 10, {"loss": 0.123456, "val_loss": 1234.5}, 2.345
    )
    assert line == "ae 3/10  loss 0.1235  val_loss 1.23e+03  2.3 s"
    assert (
        epoch_line("x", 1, 1, {"kl": 0.0004}, 0.0)
        == "x 1/1  kl 0.0004  0.0 s"
    )


def test_epoch_line_wraps_at_74_characters():
    logs = {f"metric_number_{i}": i / 7 for i in range(12)}
    text = epoch_line("a_long_training_label", 12, 100, logs, 123.4)
    lines = text.splitlines()
    assert len(lines) > 2 and all(
        len(line) <= progress.WIDTH == 74 for line in lines
    )
    assert lines[0].startswith(
        "a_long_training_label 12/100  metric_number_0 0"
    )
    assert all(line.startswith("   ") for line in lines[1:])
    assert lines[-1].endswith("123.4 s")
    text_once = " ".join(line.strip() for line in lines)
    assert re.findall(r"metric_number_(\d+) ", text_once) == [
        str(i) for i in range(12)
    ]


def test_executed_mode_prints_one_line_per_epoch(monkeypatch, capsys):
    monkeypatch.setenv(progress.EXECUTED_ENV, "1")
    callback = Progress("tiny", epochs=5, steps_per_epoch=3)
    assert callback.live is False
    drive(callback, 5, {"loss": 0.5, "val_loss": 0.75})
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines] == [
        "1/5",
        "2/5",
        "3/5",
        "4/5",
        "5/5",
    ]
    assert all(
        line.startswith("tiny ") and len(line) <= 74 for line in lines
    )
    assert all("loss 0.5  val_loss 0.75" in line for line in lines)


def test_long_trainings_print_about_ten_lines(monkeypatch, capsys):
    monkeypatch.setenv(progress.EXECUTED_ENV, "1")
    drive(
        Progress("gan", epochs=25, steps_per_epoch=1), 25, {"d_loss": 0.7}
    )
    shown = [
        int(line.split()[1].split("/")[0])
        for line in capsys.readouterr().out.splitlines()
    ]
    assert (
        shown[0] == 1 and shown[-1] == 25
    )  # the first and the last epoch
    assert shown == sorted(shown) and 8 <= len(shown) <= 12
    drive(
        Progress("gan", epochs=20, steps_per_epoch=1), 20, {"d_loss": 0.7}
    )
    assert (
        len(capsys.readouterr().out.splitlines()) == 20
    )  # 20 epochs: every one


def test_a_resumed_training_prints_its_remaining_epochs(
    monkeypatch, capsys
):
    monkeypatch.setenv(progress.EXECUTED_ENV, "1")
    drive(Progress("ae", 4, 2, initial_epoch=2), 4, {"loss": 1.0}, start=2)
    assert [
        line.split()[1] for line in capsys.readouterr().out.splitlines()
    ] == ["3/4", "4/4"]


def test_live_mode_uses_a_progbar_during_fit(monkeypatch, capsys):
    monkeypatch.delenv(progress.EXECUTED_ENV, raising=False)
    callback = Progress("tiny", epochs=2, steps_per_epoch=4)
    assert callback.live is True
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).random((16, 3)).astype("float32")
    model.fit(
        x,
        x[:, :1],
        batch_size=4,
        epochs=2,
        verbose=0,
        callbacks=[callback],
    )
    assert isinstance(callback._bar, keras.utils.Progbar)
    assert callback._bar.target == 2 * 4
    out = capsys.readouterr().out
    assert (
        "loss" in out and "tiny 1/2" not in out
    )  # the bar, not the lines


def test_live_mode_can_be_forced_and_counts_only_the_remaining_steps(
    monkeypatch,
):
    monkeypatch.setenv(progress.EXECUTED_ENV, "1")
    callback = Progress(
        "tiny", epochs=5, steps_per_epoch=10, initial_epoch=3, live=True
    )
    callback.on_train_begin()
    assert callback._bar.target == 2 * 10
    assert Progress("tiny", 5, 10, live=False).live is False
