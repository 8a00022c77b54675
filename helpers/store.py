"""Generative models that one chapter trains and later chapters reuse.

A chapter saves each generative model it trained as a :class:`StoreEntry`:
a sampler (images on demand, see :mod:`helpers.samplers`) and a typed
record of how it was made. The scoreboard and the benchmark get models back
with :func:`load_or_train`, which trains with the same recipe when a model
is missing. Layout, one folder per profile and model::

    $AEGAN_STORE/<profile>/<name>/CURRENT          ("entry-<id>")
                                 /entry-<id>/sampler.keras
                                            /info.json (+ its SHA-256)

A save writes a new ``entry-<id>`` and then replaces ``CURRENT`` in one
atomic step, so a kill at any moment leaves the old or the new model, never
none. ``AEGAN_STORE`` defaults to ``artifacts/store`` (working folder).
The cpu-profile models the book shows are also committed with the package
(``helpers/models/store``), so a fresh clone scores them without training.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import keras

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks, precision
from helpers.data import sha256_file
from helpers.runtime import Run
from helpers.training import write_text_atomic

STORE_ENV = "AEGAN_STORE"
FORMAT = 2
POINTER = "CURRENT"


@dataclass
class EntryInfo:
    """How a stored model was made: the record beside its sampler."""

    name: str
    title: str
    chapter: str
    profile: str
    recipe: dict[str, Any]
    epochs: int
    train_seconds: float
    seed: int
    signature: str
    history: dict[str, list[float]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    saved: str = ""


@dataclass
class StoreEntry:
    """A stored generative model: ``sample(n, seed)`` and its record."""

    sampler: keras.Model
    info: EntryInfo
    source: str = "store"  # "store" or "committed"

    def sample(self, n: int, seed: int, labels: Any = None):
        """``n`` images in [0, 1], drawn with ``seed``."""
        return self.sampler.sample(n, seed=seed, labels=labels)


def store_dir() -> Path:
    """The store's root: ``$AEGAN_STORE`` or ``artifacts/store``."""
    default = Path("artifacts") / "store"
    return Path(os.environ.get(STORE_ENV, default)).expanduser()


def committed_dir() -> Path:
    """The read-only store of models committed with the package."""
    return Path(str(resources.files("helpers") / "models" / "store"))


def entry_dir(name: str, profile: str, root: Path | None = None) -> Path:
    """The folder that holds every version of one stored model."""
    checks.plain_name("name", name)
    checks.plain_name("profile", profile)
    if root is not None:
        checks.instance("root", root, (str, os.PathLike))
    return (store_dir() if root is None else Path(root)) / profile / name


def save(
    sampler: keras.Model, info: EntryInfo, root: Path | None = None
) -> Path:
    """Save ``sampler`` and ``info``; replace an older entry atomically."""
    checks.instance("sampler", sampler, keras.Model)
    checks.instance("info", info, EntryInfo)
    folder = entry_dir(info.name, info.profile, root)
    try:
        json.dumps(asdict(info))
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"info: its record must be JSON-able (numbers, strings, "
            f"lists, dicts): {err}"
        ) from None
    folder.mkdir(parents=True, exist_ok=True)
    entry = folder / f"entry-{uuid.uuid4().hex[:12]}"
    entry.mkdir()
    sampler.save(entry / "sampler.keras")
    record = asdict(info)
    record["saved"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    record["format"] = FORMAT
    record["sha256"] = sha256_file(entry / "sampler.keras")
    write_text_atomic(entry / "info.json", json.dumps(record, indent=1))
    write_text_atomic(folder / POINTER, entry.name)
    for old in folder.glob("entry-*"):
        if old.name != entry.name:
            shutil.rmtree(old, ignore_errors=True)
    return entry


def _load(folder: Path, source: str) -> StoreEntry | None:
    pointer = folder / POINTER
    if not pointer.exists():
        return None
    how = (
        f"delete {folder.name!r} from the store and run the chapter "
        "that makes it"
    )
    current = pointer.read_text().strip()
    if (
        not current.startswith("entry-")
        or "/" in current
        or "\\" in current
    ):
        raise ValueError(
            f"name: the store entry {folder.name!r} is damaged ({POINTER} "
            f"holds {current[:40]!r}); {how}"
        )
    entry = folder / current
    model_file, info_file = entry / "sampler.keras", entry / "info.json"
    if not model_file.exists() or not info_file.exists():
        raise ValueError(
            f"name: the store entry {folder.name!r} is incomplete; {how}"
        )
    try:
        record = json.loads(info_file.read_text())
        checks.instance("record", record, dict)
    except (ValueError, TypeError) as err:
        raise ValueError(
            f"name: {info_file.name} of {folder.name!r} is damaged "
            f"({err}); {how}"
        ) from None
    if record.get("format") != FORMAT:
        raise ValueError(
            f"name: {folder.name!r} was stored in format "
            f"{record.get('format')}, this code reads {FORMAT}; {how}"
        )
    if sha256_file(model_file) != record.get("sha256"):
        raise ValueError(
            f"name: {model_file.name} of {folder.name!r} does not match "
            f"its recorded SHA-256 (damaged or replaced); {how}"
        )
    try:
        sampler = keras.saving.load_model(model_file, compile=False)
    except Exception as err:  # a zip Keras cannot read
        raise ValueError(
            f"name: cannot load {folder.name!r} ({type(err).__name__}: "
            f"{err}); {how}"
        ) from None
    if precision.resolve("auto") == "float32":
        # trained in bfloat16 on a CPU that has it; here bfloat16 would be
        # slow (emulated) or unsupported
        precision.to_float32(sampler)
    missing = [
        k for k in EntryInfo.__dataclass_fields__ if k not in record
    ]
    if missing:
        raise ValueError(
            f"name: {info_file.name} of {folder.name!r} lacks {missing}; "
            f"{how}"
        )
    fields = {k: record[k] for k in EntryInfo.__dataclass_fields__}
    return StoreEntry(sampler, EntryInfo(**fields), source)


def load(
    name: str, profile: str, committed: bool = True
) -> StoreEntry | None:
    """The stored model ``name`` of ``profile``, or None if there is none.

    The working store comes first. With ``committed``, the models committed
    with the package are the fallback: those of the same profile, else the
    cpu profile's (``source`` then says so), so that a fresh clone, on
    Colab too, scores the models the book shows without training them.
    """
    checks.boolean("committed", committed)
    found = _load(entry_dir(name, profile), "store")
    if found is None and committed:
        for prof in dict.fromkeys([profile, "cpu"]):
            found = _load(
                entry_dir(name, prof, committed_dir()),
                f"committed ({prof} profile)",
            )
            if found is not None:
                break
    return found


def load_or_train(
    recipe: Any, run: Any, **train_kwargs: Any
) -> StoreEntry:
    """The stored model of ``recipe`` for ``run``'s profile, or train it.

    Training uses ``recipe.train(run)`` (resumable, in ``run``'s artifact
    folder) and saves the result, so the next call loads it.
    """
    from helpers.recipes import Recipe

    checks.instance("recipe", recipe, Recipe)
    checks.instance("run", run, Run)
    found = load(recipe.name, run.profile)
    if found is not None:
        return found
    print(
        f"{recipe.name}: not in the store; training it "
        f"({recipe.epochs} epochs, the recipe of chapter {recipe.chapter})"
    )
    model, log = recipe.train(run, **train_kwargs)
    return recipe.save(model, log, run)


def save_table(
    name: str,
    profile: str,
    table: dict[str, Any],
    root: Path | None = None,
) -> Path:
    """Keep a small JSON result (an accuracy table) for later chapters.

    Stored as ``<root>/<profile>/tables/<name>.json``, written atomically.
    """
    checks.plain_name("name", name)
    checks.instance("table", table, dict)
    try:
        text = json.dumps(table, indent=1, default=float)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"table: expected numbers, strings, lists and dicts ({err})"
        ) from None
    folder = entry_dir("tables", profile, root)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    write_text_atomic(path, text)
    return path


def load_table(
    name: str, profile: str, committed: bool = True
) -> dict[str, Any] | None:
    """A table saved by :func:`save_table`, or None if there is none."""
    checks.plain_name("name", name)
    checks.plain_name("profile", profile)
    checks.boolean("committed", committed)
    roots = [store_dir()] + ([committed_dir()] if committed else [])
    for root in roots:
        path = entry_dir("tables", profile, root) / f"{name}.json"
        if path.exists():
            try:
                return json.loads(path.read_text())
            except ValueError as err:
                raise ValueError(
                    f"name: the table {name!r} is damaged ({err}); delete "
                    "it and run the chapter that makes it"
                ) from None
    return None
