"""helpers.runtime: profile selection, overrides, seeding and determinism."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest

from helpers import runtime


def test_parameter_beats_environment(monkeypatch):
    monkeypatch.setenv(runtime.PROFILE_ENV, "smoke")
    assert runtime.select_profile("cpu") == ("cpu", "parameter")
    assert runtime.select_profile("auto") == ("smoke", "$AEGAN_PROFILE")


def test_auto_detects_cpu_here(monkeypatch):
    """The machine's own answer: gpu with an accelerator, cpu without."""
    monkeypatch.delenv(runtime.PROFILE_ENV, raising=False)
    expected = "gpu" if runtime.accelerators() else "cpu"
    assert runtime.select_profile(None) == (expected, "auto-detected")
    assert runtime.select_profile("auto") == (expected, "auto-detected")


@pytest.mark.parametrize(
    "devices, profile",
    [([], "cpu"), (["/device:GPU:0"], "gpu"), (["/device:TPU:0"], "gpu")],
)
def test_auto_detection_follows_the_accelerators(
    monkeypatch, devices, profile
):
    monkeypatch.delenv(runtime.PROFILE_ENV, raising=False)
    monkeypatch.setattr(runtime, "accelerators", lambda: devices)
    assert runtime.select_profile("auto") == (profile, "auto-detected")
    # an empty or "auto" environment variable also leaves it to the machine
    monkeypatch.setenv(runtime.PROFILE_ENV, " auto ")
    assert runtime.select_profile("auto") == (profile, "auto-detected")
    monkeypatch.setenv(runtime.PROFILE_ENV, "")
    assert runtime.select_profile(None) == (profile, "auto-detected")


def test_accelerators_lists_names():
    found = runtime.accelerators()
    assert isinstance(found, list) and all(
        isinstance(d, str) for d in found
    )


def test_bad_profile_names(monkeypatch):
    with pytest.raises(ValueError, match="requested: expected one of"):
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
    out = capsys.readouterr().out
    assert "profile smoke ($AEGAN_PROFILE), seed 7; sizes: EPOCHS=1" in out
    # outside a kernel the warning is printed: a smoke run's numbers
    # are no results
    assert "Smoke profile. This page ran with the smoke sizes" in out
    runtime.start(ns, "cpu", 7)
    assert "Smoke profile" not in capsys.readouterr().out
    assert run.artifact_dir("ae") == tmp_path / "smoke" / "ae"
    with pytest.raises(ValueError, match="name: expected a plain name"):
        run.artifact_dir("../x")
    with pytest.raises(ValueError, match="name: expected a plain name"):
        run.artifact_dir(".hidden")
    with pytest.raises(TypeError, match="name: expected a string"):
        run.artifact_dir(3)
    record = run.record()
    assert (
        record["profile"] == "smoke"
        and record["cpu_cores"] >= 1
        and "tensorflow" in record
    )


def test_seed_checked():
    with pytest.raises(ValueError, match="seed: expected an integer >= 0"):
        runtime.seed_everything(-1)
    with pytest.raises(TypeError, match="seed: expected an integer"):
        runtime.seed_everything(1.5)
    with pytest.raises(
        TypeError, match="deterministic: expected True or False"
    ):
        runtime.seed_everything(1, deterministic="yes")


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


def test_pick_strategy_and_in_colab_are_gone():
    assert not hasattr(runtime, "pick_strategy")
    assert not hasattr(runtime, "in_colab")


def test_run_prints_wrapped_at_74_characters():
    changes = {f"PARAMETER_{i}": 10_000 * i for i in range(12)}
    run = runtime.Run(
        profile="cpu", source="parameter", seed=3, changes=changes
    )
    lines = str(run).splitlines()
    assert len(lines) > 1 and all(len(line) <= 74 for line in lines)
    assert lines[0].startswith("profile cpu (parameter), seed 3; sizes:")
    assert all(line.startswith("  ") for line in lines[1:])
    assert " ".join(line.strip() for line in lines).endswith(
        "PARAMETER_11=110000"
    )
    short = runtime.Run(
        profile="gpu", source="auto-detected", seed=0, changes={}
    )
    assert str(short) == (
        "profile gpu (auto-detected), seed 0; sizes: as in the parameters cell"
    )


def test_artifacts_default_to_the_working_folder(monkeypatch):
    monkeypatch.delenv(runtime.ARTIFACTS_ENV, raising=False)
    run = runtime.Run(profile="cpu", source="test", seed=0, changes={})
    assert run.artifact_dir("ae") == Path("artifacts") / "cpu" / "ae"


def test_describe_machine_and_report(capsys):
    info = runtime.describe_machine()
    assert {
        "processor",
        "cpu_cores",
        "accelerators",
        "tensorflow",
        "keras",
    } <= set(info)
    assert info["accelerators"] == (runtime.accelerators() or ["none"])
    run = runtime.Run(profile="cpu", source="test", seed=0, changes={})
    run.report()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["profile", "cpu"]
    assert any(line.startswith("wall_time_s") for line in lines)
    assert all(
        line[13] == " " for line in lines
    )  # values aligned in one column
