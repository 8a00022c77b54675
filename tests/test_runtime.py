"""helpers.runtime: profile selection, overrides, seeding and determinism."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers import runtime


def test_parameter_beats_environment(monkeypatch):
    monkeypatch.setenv(runtime.PROFILE_ENV, "smoke")
    assert runtime.select_profile("cpu") == ("cpu", "parameter")
    assert runtime.select_profile("auto") == ("smoke", "$AEGAN_PROFILE")


def test_auto_detects_cpu_here(monkeypatch):
    monkeypatch.delenv(runtime.PROFILE_ENV, raising=False)
    assert runtime.select_profile(None) == ("cpu", "auto-detected")


def test_bad_profile_names(monkeypatch):
    with pytest.raises(ValueError, match="PROFILE: expected one of"):
        runtime.select_profile("fast")
    monkeypatch.setenv(runtime.PROFILE_ENV, "tiny")
    with pytest.raises(
        ValueError, match=r"\$AEGAN_PROFILE: expected one of"
    ):
        runtime.select_profile("auto")


def test_apply_profile_overrides_and_rejects_typos():
    ns = {"EPOCHS": 30, "N_TRAIN": 55_000}
    changes = runtime.apply_profile(
        ns, "smoke", {"smoke": {"EPOCHS": 1}, "cpu": {"EPOCHS": 10}}
    )
    assert ns == {"EPOCHS": 1, "N_TRAIN": 55_000} and changes == {
        "EPOCHS": 1
    }
    runtime.apply_profile(ns, "gpu", {"smoke": {"EPOCHS": 2}})
    assert ns["EPOCHS"] == 1  # gpu keeps the values as they are
    with pytest.raises(
        ValueError, match=r"\['EPOCH'\] are not parameters"
    ):
        runtime.apply_profile(ns, "cpu", {"cpu": {"EPOCH": 3}})
    with pytest.raises(ValueError, match="unknown profiles"):
        runtime.apply_profile(ns, "cpu", {"laptop": {"EPOCHS": 3}})


def test_start_applies_profile_and_reports(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv(runtime.PROFILE_ENV, "smoke")
    monkeypatch.setenv(runtime.ARTIFACTS_ENV, str(tmp_path))
    ns = {"EPOCHS": 30}
    run = runtime.start(ns, "auto", 7, smoke=dict(EPOCHS=1))
    assert ns["EPOCHS"] == 1 and ns["PROFILE"] == "smoke" and run.seed == 7
    assert (
        "profile smoke ($AEGAN_PROFILE), seed 7; sizes: EPOCHS=1"
        in capsys.readouterr().out
    )
    assert run.artifact_dir("ae") == tmp_path / "smoke" / "ae"
    with pytest.raises(
        ValueError, match="name: expected a plain folder name"
    ):
        run.artifact_dir("../x")
    record = run.record()
    assert (
        record["profile"] == "smoke"
        and record["cpu_cores"] >= 1
        and "tensorflow" in record
    )


def test_seed_checked():
    with pytest.raises(ValueError, match="seed"):
        runtime.seed_everything(-1)


def _train_tiny(seed: int) -> list[float]:
    runtime.seed_everything(seed)
    x = np.random.normal(size=(256, 8)).astype("float32")
    y = (x.sum(axis=1, keepdims=True) > 0).astype("float32")
    model = keras.Sequential(
        [
            keras.Input((8,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model.fit(x, y, epochs=3, batch_size=32, verbose=0).history[
        "loss"
    ]


def test_two_seeded_runs_print_identical_losses():
    first, second = _train_tiny(3), _train_tiny(3)
    assert [f"{v:.6f}" for v in first] == [f"{v:.6f}" for v in second]
    assert first != _train_tiny(4)


def test_strategy_on_cpu():
    strategy = runtime.pick_strategy()
    assert strategy.num_replicas_in_sync == 1
