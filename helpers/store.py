"""Generative models that one chapter trains and later chapters reuse (the scoreboard).

A chapter that trains a generator saves it here with :func:`save_model`, and a later
chapter gets it back with :func:`load_model`, or trains it itself when it is missing.
Layout, one folder per model, profile and format version::

    $AEGAN_STORE/<profile>/<name>-v<VERSION>/model.keras
                                            /info.json   (history, training seconds, ...)

``AEGAN_STORE`` defaults to ``artifacts/store`` at the top of the repository (ignored by
git). A profile's models stay apart from another's, so a smoke run never replaces the
models of a real run. Bump ``VERSION`` when what a chapter saves changes meaning.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import helpers  # noqa: F401  (pins the TensorFlow backend before keras is imported)
import keras

STORE_ENV = "AEGAN_STORE"
VERSION = 1
ROOT = Path(__file__).resolve().parent.parent


def store_dir() -> Path:
    """The store's root: ``$AEGAN_STORE`` or ``artifacts/store`` in the repository."""
    return Path(os.environ.get(STORE_ENV, ROOT / "artifacts" / "store")).expanduser()


def entry_dir(name: str, profile: str) -> Path:
    """The folder of one saved model."""
    if not name or "/" in name or name.startswith("."):
        raise ValueError(f"name: expected a plain model name, got {name!r}")
    if not profile or "/" in profile:
        raise ValueError(f"profile: expected a profile name, got {profile!r}")
    return store_dir() / profile / f"{name}-v{VERSION}"


def save_model(name: str, profile: str, model: keras.Model, info: dict[str, Any]) -> Path:
    """Save ``model`` (as ``.keras``) and ``info`` (JSON) under ``name``; replaces an older copy whole.

    Written into a temporary folder first and renamed, so a reader never sees half a model.
    """
    target = entry_dir(name, profile)
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    model.save(tmp / "model.keras")
    (tmp / "info.json").write_text(json.dumps({"name": name, "profile": profile, "version": VERSION,
                                               **info}, indent=1, default=float) + "\n")
    if target.exists():
        shutil.rmtree(target)
    tmp.rename(target)
    return target


def load_model(name: str, profile: str) -> tuple[keras.Model, dict[str, Any]] | None:
    """``(model, info)`` saved under ``name`` for ``profile``, or ``None`` if there is none."""
    folder = entry_dir(name, profile)
    if not folder.exists():
        return None
    model_file, info_file = folder / "model.keras", folder / "info.json"
    if not model_file.exists() or not info_file.exists():
        raise ValueError(f"{folder}: incomplete store entry (needs model.keras and info.json); "
                         "delete the folder and run the chapter that makes it")
    try:
        info = json.loads(info_file.read_text())
        model = keras.saving.load_model(model_file, compile=False)
    except Exception as err:  # corrupted zip or JSON
        raise ValueError(f"{folder}: cannot read the saved model ({type(err).__name__}: {err}); "
                         "delete the folder and run the chapter that makes it") from None
    return model, info
