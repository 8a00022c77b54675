"""helpers.store: a model saved by one chapter comes back whole in another; a save never loses it."""

from __future__ import annotations

import dataclasses
import json

import keras
import numpy as np
import pytest

from helpers import precision, runtime, store, training
from helpers.recipes import Recipe, TrainData
from helpers.samplers import DecoderSampler

COMMITTED_DIR = store.committed_dir  # before the fixture replaces it


@pytest.fixture(autouse=True)
def _store(tmp_path, monkeypatch):
    monkeypatch.setenv(store.STORE_ENV, str(tmp_path / "store"))
    monkeypatch.setenv(runtime.ARTIFACTS_ENV, str(tmp_path / "artifacts"))
    monkeypatch.setenv("AEGAN_EXECUTED", "1")
    # no committed model may answer for a missing one
    monkeypatch.setattr(
        store, "committed_dir", lambda: tmp_path / "committed"
    )


def sampler(k: int = 3, seed: int = 0) -> DecoderSampler:
    keras.utils.set_random_seed(seed)
    network = keras.Sequential(
        [
            keras.Input((k,)),
            keras.layers.Dense(16, activation="sigmoid"),
            keras.layers.Reshape((4, 4)),
        ]
    )
    return DecoderSampler(network, "normal")


def info(
    name: str = "g", profile: str = "smoke", epochs: int = 3
) -> store.EntryInfo:
    return store.EntryInfo(
        name=name,
        title="tiny generator",
        chapter="7",
        profile=profile,
        recipe={"epochs": epochs, "prior": "normal"},
        epochs=epochs,
        train_seconds=1.5,
        seed=0,
        signature="0123456789",
        history={"fid": [9.5, 8.0]},
        extra={"note": "test"},
    )


def entries(name: str = "g", profile: str = "smoke") -> list[str]:
    return sorted(
        p.name for p in store.entry_dir(name, profile).glob("entry-*")
    )


def test_save_then_load_gives_the_same_samples(tmp_path):
    original = sampler()
    entry = store.save(original, info())
    assert entry.parent == tmp_path / "store" / "smoke" / "g"
    assert (entry.parent / store.POINTER).read_text() == entry.name
    assert sorted(p.name for p in entry.iterdir()) == [
        "info.json",
        "sampler.keras",
    ]
    loaded = store.load("g", "smoke")
    assert (
        isinstance(loaded, store.StoreEntry) and loaded.source == "store"
    )
    assert isinstance(loaded.sampler, DecoderSampler)
    np.testing.assert_array_equal(
        loaded.sample(5, seed=1), original.sample(5, seed=1)
    )
    got = loaded.info
    assert got.epochs == 3 and got.history == {"fid": [9.5, 8.0]}
    assert got.profile == "smoke" and got.extra == {"note": "test"}
    assert got.saved.endswith("Z")  # the time of the save, UTC
    record = json.loads((entry / "info.json").read_text())
    assert record["format"] == store.FORMAT and len(record["sha256"]) == 64


def test_missing_entries_and_other_profiles_are_none():
    assert store.load("nothing", "cpu") is None
    store.save(sampler(), info(profile="smoke"))
    assert store.load("g", "cpu") is None
    assert store.load("g", "smoke") is not None


def test_saving_again_replaces_the_entry_and_keeps_one():
    store.save(sampler(k=3), info(epochs=1))
    first = entries()
    store.save(sampler(k=5), info(epochs=2))
    assert len(entries()) == 1 and entries() != first
    loaded = store.load("g", "smoke")
    assert loaded.info.epochs == 2 and loaded.sampler.codings_size == 5


def test_a_save_killed_before_the_switch_keeps_the_old_model(monkeypatch):
    old = sampler(seed=0)
    store.save(old, info(epochs=1))
    expected = old.sample(4, seed=0)
    real_write = training.write_text_atomic

    def killed_at_the_pointer(path, text):
        if path.name == store.POINTER:
            raise KeyboardInterrupt("killed before CURRENT was replaced")
        real_write(path, text)

    monkeypatch.setattr(store, "write_text_atomic", killed_at_the_pointer)
    with pytest.raises(KeyboardInterrupt):
        store.save(sampler(seed=1), info(epochs=2))
    assert (
        len(entries()) == 2
    )  # the new entry was written, not switched to
    loaded = store.load("g", "smoke")
    assert loaded.info.epochs == 1
    np.testing.assert_array_equal(loaded.sample(4, seed=0), expected)
    # the next complete save cleans up what the killed one left
    monkeypatch.setattr(store, "write_text_atomic", real_write)
    store.save(sampler(seed=2), info(epochs=3))
    assert (
        len(entries()) == 1 and store.load("g", "smoke").info.epochs == 3
    )


def test_a_damaged_model_file_is_refused():
    entry = store.save(sampler(), info())
    model_file = entry / "sampler.keras"
    model_file.write_bytes(model_file.read_bytes()[:-10])
    with pytest.raises(ValueError) as err:
        store.load("g", "smoke")
    message = str(err.value)
    assert message.startswith(
        "name: sampler.keras of 'g' does not match its recorded SHA-256"
    )
    assert "delete 'g' from the store" in message


def test_an_unreadable_model_file_with_a_matching_hash_is_refused():
    entry = store.save(sampler(), info())
    (entry / "sampler.keras").write_bytes(b"not a zip")
    record = json.loads((entry / "info.json").read_text())
    record["sha256"] = store.sha256_file(entry / "sampler.keras")
    (entry / "info.json").write_text(json.dumps(record))
    with pytest.raises(ValueError, match="name: cannot load 'g'"):
        store.load("g", "smoke")


def test_broken_records_raise_clear_errors():
    entry = store.save(sampler(), info())
    record = json.loads((entry / "info.json").read_text())
    (entry / "info.json").write_text(json.dumps({**record, "format": 1}))
    with pytest.raises(
        ValueError,
        match="name: 'g' was stored in format 1, this code reads 2",
    ):
        store.load("g", "smoke")
    (entry / "info.json").write_text("{broken")
    with pytest.raises(
        ValueError, match="name: info.json of 'g' is damaged"
    ):
        store.load("g", "smoke")
    (entry / "info.json").unlink()
    with pytest.raises(
        ValueError, match="name: the store entry 'g' is incomplete"
    ):
        store.load("g", "smoke")


def test_committed_models_are_the_fallback(tmp_path):
    committed = tmp_path / "committed"
    original = sampler(seed=4)
    store.save(original, info(), root=committed)
    assert store.load("g", "smoke", committed=False) is None
    found = store.load("g", "smoke")
    assert found.source == "committed (smoke profile)"
    np.testing.assert_array_equal(
        found.sample(3, seed=0), original.sample(3, seed=0)
    )
    # the working store comes first
    store.save(sampler(seed=5), info(epochs=7))
    first = store.load("g", "smoke")
    assert first.source == "store" and first.info.epochs == 7


def test_a_committed_cpu_model_answers_for_other_profiles(tmp_path):
    """A fresh clone (or Colab, gpu profile) scores the cpu models the book shows."""
    original = sampler(seed=6)
    store.save(original, info(profile="cpu"), root=tmp_path / "committed")
    for profile in ("smoke", "gpu", "cpu"):
        found = store.load("g", profile)
        assert found.source == "committed (cpu profile)"
        np.testing.assert_array_equal(
            found.sample(2, seed=0), original.sample(2, seed=0)
        )
    assert store.load("g", "smoke", committed=False) is None
    # a committed model of the asked profile comes before the cpu one
    store.save(
        sampler(seed=7),
        info(profile="smoke", epochs=9),
        root=tmp_path / "committed",
    )
    assert store.load("g", "smoke").source == "committed (smoke profile)"


def test_tables_round_trip(tmp_path):
    table = {"fgsm": {"0.1": 0.42}, "clean": np.float32(0.91)}
    path = store.save_table("ch6_accuracy", "smoke", table)
    assert (
        path
        == tmp_path / "store" / "smoke" / "tables" / "ch6_accuracy.json"
    )
    assert store.load_table("ch6_accuracy", "smoke") == {
        "fgsm": {"0.1": 0.42},
        "clean": pytest.approx(0.91),
    }
    assert store.load_table("ch6_accuracy", "cpu") is None
    assert store.load_table("nothing", "smoke") is None
    path.write_text("{broken")
    with pytest.raises(
        ValueError, match="name: the table 'ch6_accuracy' is damaged"
    ):
        store.load_table("ch6_accuracy", "smoke")
    with pytest.raises(TypeError, match="table: expected a dict"):
        store.save_table("t", "smoke", [1, 2])
    with pytest.raises(ValueError, match="name: expected a plain name"):
        store.save_table("../t", "smoke", {})


def test_the_real_committed_store_is_package_data():
    assert COMMITTED_DIR().parts[-3:] == ("helpers", "models", "store")


def test_names_and_arguments_are_checked():
    with pytest.raises(ValueError, match="name: expected a plain name"):
        store.entry_dir("../x", "smoke")
    with pytest.raises(ValueError, match="profile: expected a plain name"):
        store.entry_dir("g", "a/b")
    with pytest.raises(TypeError, match="sampler: expected a Model"):
        store.save("generator", info())
    with pytest.raises(TypeError, match="info: expected a EntryInfo"):
        store.save(sampler(), {"name": "g"})


def tiny_recipe(calls: list[str]) -> Recipe:
    """A hand-made recipe: a 2-sample dataset, one epoch, a dense decoder."""
    x = np.random.default_rng(0).random((2, 4, 4)).astype("float32")

    def build():
        calls.append("build")
        encoder = keras.Sequential(
            [
                keras.Input((4, 4)),
                keras.layers.Flatten(),
                keras.layers.Dense(3),
            ]
        )
        decoder = sampler().network
        model = keras.Sequential([encoder, decoder])
        model.compile(optimizer="adam", loss="mse")
        return model

    return Recipe(
        name="tiny_ae",
        title="tiny AE",
        chapter="5",
        build=build,
        data=lambda: TrainData(x, x),
        to_sampler=lambda model: DecoderSampler(model.layers[1], "normal"),
        epochs=1,
        batch_size=2,
        seed=0,
        settings={"kind": "test"},
    )


def test_load_or_train_trains_once_then_loads(capsys):
    calls: list[str] = []
    recipe = tiny_recipe(calls)
    run = runtime.Run(profile="smoke", source="test", seed=0, changes={})
    trained = store.load_or_train(recipe, run)
    out = capsys.readouterr().out
    assert (
        "tiny_ae: not in the store; training it (1 epochs, the recipe of chapter 5)"
        in out
    )
    assert calls == ["build"] and trained.info.epochs == 1
    assert trained.info.recipe == {
        "epochs": 1,
        "batch_size": 2,
        "kind": "test",
    }
    loaded = store.load_or_train(recipe, run)
    assert calls == ["build"]  # not built, not trained again
    assert "not in the store" not in capsys.readouterr().out
    assert loaded.source == "store"
    assert dataclasses.replace(loaded.info, saved="") == trained.info
    np.testing.assert_array_equal(
        loaded.sample(3, seed=0), trained.sample(3, seed=0)
    )


def test_every_committed_cpu_model_loads_and_draws(monkeypatch):
    """The fallback a fresh clone gets: each entry passes its checksum."""
    folder = COMMITTED_DIR() / "cpu"
    names = sorted(p.name for p in folder.iterdir() if p.is_dir())
    assert names, f"no committed models in {folder}"
    monkeypatch.setattr(store, "committed_dir", COMMITTED_DIR)
    for name in names:
        found = store.load(name, "cpu")
        assert found is not None, name
        assert found.source == "committed (cpu profile)", name
        images = found.sample(2, seed=0)
        assert images.shape[0] == 2 and images.min() >= 0, name
        assert images.max() <= 1, name


def test_a_bfloat16_model_loads_in_float32_where_bfloat16_is_not_used(
    monkeypatch,
):
    """A sampler trained under mixed_bfloat16 on a CPU that has it."""
    with precision.dtype_policy("mixed_bfloat16"):
        mixed = sampler()
    store.save(mixed, info())
    monkeypatch.setattr(precision, "resolve", lambda p: "mixed_bfloat16")
    kept = store.load("g", "smoke").sampler
    # where bfloat16 is this machine's, the layers keep it
    assert all(
        layer.compute_dtype == "bfloat16" for layer in kept.network.layers
    )
    monkeypatch.setattr(precision, "resolve", lambda p: "float32")
    moved = store.load("g", "smoke").sampler
    assert all(
        layer.compute_dtype == "float32" for layer in moved.network.layers
    )
    plain = sampler()  # the same network built in float32
    plain.network.set_weights(mixed.network.get_weights())
    np.testing.assert_allclose(
        moved.sample(3, seed=0), plain.sample(3, seed=0), atol=1e-6
    )
    assert (
        np.abs(moved.sample(3, seed=0) - kept.sample(3, seed=0)).max() > 0
    )
