"""helpers.store: models saved by one chapter come back whole in another, per profile."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import gan, store


@pytest.fixture(autouse=True)
def _store(tmp_path, monkeypatch):
    monkeypatch.setenv(store.STORE_ENV, str(tmp_path / "store"))


def test_save_then_load_gives_the_same_generator():
    model = gan.dense_generator(8)
    info = {
        "epochs": 3,
        "history": {"fid": [np.float32(9.5), 8.0]},
        "train_seconds": 1.5,
    }
    folder = store.save_model("gan_normal", "smoke", model, info)
    assert (
        folder.name == f"gan_normal-v{store.VERSION}"
        and folder.parent.name == "smoke"
    )
    loaded, got = store.load_model("gan_normal", "smoke")
    z = np.random.default_rng(0).normal(size=(4, 8)).astype("float32")
    np.testing.assert_allclose(
        loaded.predict(z, verbose=0),
        model.predict(z, verbose=0),
        rtol=1e-6,
    )
    assert (
        got["epochs"] == 3
        and got["history"]["fid"] == [9.5, 8.0]
        and got["profile"] == "smoke"
    )


def test_missing_entries_and_other_profiles_are_none():
    assert store.load_model("nothing", "cpu") is None
    store.save_model("gan_normal", "smoke", gan.dense_generator(8), {})
    assert store.load_model("gan_normal", "cpu") is None


def test_saving_again_replaces_the_entry():
    store.save_model("g", "smoke", gan.dense_generator(8), {"epochs": 1})
    store.save_model("g", "smoke", gan.dense_generator(4), {"epochs": 2})
    model, info = store.load_model("g", "smoke")
    assert info["epochs"] == 2 and model.input_shape == (None, 4)


def test_broken_entries_raise_clear_errors():
    folder = store.save_model("g", "smoke", gan.dense_generator(8), {})
    (folder / "model.keras").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="cannot read the saved model"):
        store.load_model("g", "smoke")
    (folder / "info.json").unlink()
    with pytest.raises(ValueError, match="incomplete store entry"):
        store.load_model("g", "smoke")
    with pytest.raises(
        ValueError, match="name: expected a plain model name"
    ):
        store.entry_dir("../x", "smoke")
