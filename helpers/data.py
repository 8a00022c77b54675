"""Fashion-MNIST and MNIST, loaded through Keras' own loaders, checked,
scaled to [0, 1].

Keras keeps downloaded files in ``$KERAS_HOME/datasets`` (default
``~/.keras/datasets``). Before Keras reads them we compare each file's
size and SHA-256 with the published values, so a truncated or corrupted
file gives one clear :class:`DataFileError` that names the file, instead
of a stack trace from inside gzip or NumPy. Offline (CI, tests) the cache
is seeded from a local copy; on Colab Keras downloads as usual.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from helpers import checks
from helpers.checks import positive_int

FASHION_MNIST_CLASSES: tuple[str, ...] = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
MNIST_CLASSES: tuple[str, ...] = tuple(str(d) for d in range(10))

# (path inside the Keras cache's ``datasets`` folder, size in bytes,
# SHA-256)
CACHE_FILES: dict[str, tuple[tuple[str, int, str], ...]] = {
    "fashion_mnist": (
        (
            "fashion-mnist/train-labels-idx1-ubyte.gz",
            29515,
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        ),
        (
            "fashion-mnist/train-images-idx3-ubyte.gz",
            26421880,
            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        ),
        (
            "fashion-mnist/t10k-labels-idx1-ubyte.gz",
            5148,
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
        ),
        (
            "fashion-mnist/t10k-images-idx3-ubyte.gz",
            4422102,
            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        ),
    ),
    "mnist": (
        (
            "mnist.npz",
            11490434,
            "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
        ),
    ),
}

# the last 5 000 training images form the fixed validation split
VALID_SIZE = 5000

_HOW_TO_FIX = (
    "Delete the file and run again with internet access (Keras downloads "
    "it), or copy the verified files into that folder (offline: "
    "`cp -r ../shared/data/* {cache}/`; see data/README.md)."
)


class DataFileError(RuntimeError):
    """A dataset file is missing, truncated or corrupted; the message says
    which and how to fix it.
    """


@dataclass(frozen=True)
class ImageData:
    """A dataset with its fixed train/validation/test split, pixels as
    float32 in [0, 1].
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_valid: np.ndarray
    y_valid: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise TypeError(
                f"name: expected a dataset name, got {self.name!r}"
            )
        if not isinstance(self.class_names, (tuple, list)) or not all(
            isinstance(c, str) for c in self.class_names
        ):
            raise TypeError(
                "class_names: expected a tuple of strings, got "
                f"{type(self.class_names).__name__}"
            )
        if not self.class_names:
            raise ValueError(
                "class_names: expected at least one class name"
            )
        for split in ("train", "valid", "test"):
            x = checks.images(f"x_{split}", getattr(self, f"x_{split}"))
            y = checks.labels(
                f"y_{split}",
                getattr(self, f"y_{split}"),
                len(self.class_names),
                len(x),
            )
            object.__setattr__(self, f"x_{split}", x)
            object.__setattr__(self, f"y_{split}", y)

    def subset(
        self,
        n_train: int | None = None,
        n_valid: int | None = None,
        n_test: int | None = None,
    ) -> ImageData:
        """The first ``n`` images of each split (the files are already
        shuffled); None keeps all.
        """
        parts = {}
        for split, n in (
            ("train", n_train),
            ("valid", n_valid),
            ("test", n_test),
        ):
            x, y = getattr(self, f"x_{split}"), getattr(self, f"y_{split}")
            if n is not None:
                n = positive_int(f"n_{split}", n)
                if n > len(x):
                    raise ValueError(
                        f"n_{split}: asked for {n} images, the split has "
                        f"{len(x)}"
                    )
                x, y = x[:n], y[:n]
            parts[f"x_{split}"], parts[f"y_{split}"] = x, y
        return replace(self, **parts)

    def summary(self) -> str:
        """One line per split with its shape, for printing in a chapter."""
        rows = [
            f"{self.name}: {len(self.class_names)} classes, "
            f"pixels {self.x_train.dtype} "
            f"in [{self.x_train.min():.0f}, {self.x_train.max():.0f}]"
        ]
        for split in ("train", "valid", "test"):
            rows.append(
                f"  {split:<5} x {getattr(self, 'x_' + split).shape}  "
                f"y {getattr(self, 'y_' + split).shape}"
            )
        return "\n".join(rows)


def keras_cache_dir() -> Path:
    """The folder Keras' dataset loaders read: ``$KERAS_HOME/datasets``.

    Keras' own rule: ``$KERAS_HOME`` if set, else ``~/.keras``, or
    ``/tmp/.keras`` when the home folder is not writable.
    """
    if "KERAS_HOME" in os.environ:
        home = os.environ["KERAS_HOME"]
    else:
        base = os.path.expanduser("~")
        if not os.access(base, os.W_OK):
            base = "/tmp"
        home = os.path.join(base, ".keras")
    return Path(home).expanduser() / "datasets"


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB blocks, as hex."""
    checks.instance("path", path, (str, os.PathLike))
    if not os.path.isfile(path):
        raise FileNotFoundError(f"path: no file at {path}")
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_cache(
    dataset: str, cache_dir: Path | None = None
) -> list[Path]:
    """Check the size and SHA-256 of every cached file of ``dataset``.

    Returns the files that are missing (Keras will try to download them).
    A file that is present but wrong raises :class:`DataFileError` naming
    it, the problem and the fix.
    """
    checks.instance("dataset", dataset, str)
    if dataset not in CACHE_FILES:
        raise ValueError(
            f"dataset: expected one of {sorted(CACHE_FILES)}, "
            f"got {dataset!r}"
        )
    if cache_dir is not None:
        checks.instance("cache_dir", cache_dir, (str, os.PathLike))
    cache = Path(cache_dir) if cache_dir is not None else keras_cache_dir()
    missing = []
    for rel, size, sha in CACHE_FILES[dataset]:
        path = cache / rel
        if not path.exists():
            missing.append(path)
            continue
        got_size = path.stat().st_size
        if got_size != size:
            kind = "truncated" if got_size < size else "too long"
            raise DataFileError(
                f"{path}: {kind}: {got_size} bytes, expected {size}. "
                + _HOW_TO_FIX.format(cache=cache)
            )
        got_sha = sha256_file(path)
        if got_sha != sha:
            raise DataFileError(
                f"{path}: corrupted: SHA-256 {got_sha}, expected {sha} "
                "(the size is right). " + _HOW_TO_FIX.format(cache=cache)
            )
    return missing


def _load_raw(dataset: str):
    """Run Keras' own loader after checking the cache; wrap download
    failures.
    """
    import keras

    missing = verify_cache(dataset)
    loader = {
        "fashion_mnist": keras.datasets.fashion_mnist,
        "mnist": keras.datasets.mnist,
    }[dataset]
    try:
        raw = loader.load_data()
    except Exception as err:
        # Keras raises a bare Exception when a download fails
        if not missing:
            raise
        cache = keras_cache_dir()
        names = ", ".join(str(p) for p in missing)
        raise DataFileError(
            f"{names}: missing, and Keras could not download it "
            f"({type(err).__name__}: {err}). "
            f"Offline, copy the verified files into {cache} "
            f"(`mkdir -p {cache} && cp -r ../shared/data/* {cache}/`; "
            "see data/README.md), "
            "or set KERAS_HOME to a folder whose datasets/ holds them."
        ) from None
    if missing:  # just downloaded: check what arrived
        verify_cache(dataset)
    return raw


def _split(
    name: str, raw, class_names: tuple[str, ...], valid_size: int
) -> ImageData:
    (x_full, y_full), (x_test, y_test) = raw
    valid_size = positive_int("valid_size", valid_size)
    if valid_size >= len(x_full):
        raise ValueError(
            f"valid_size: must be below {len(x_full)}, got {valid_size}"
        )
    scale = np.float32(1.0 / 255.0)
    x_full = x_full.astype(np.float32) * scale
    x_test = x_test.astype(np.float32) * scale
    return ImageData(
        name=name,
        x_train=x_full[:-valid_size],
        y_train=y_full[:-valid_size].astype(np.int64),
        x_valid=x_full[-valid_size:],
        y_valid=y_full[-valid_size:].astype(np.int64),
        x_test=x_test,
        y_test=y_test.astype(np.int64),
        class_names=class_names,
    )


def load_fashion_mnist(valid_size: int = VALID_SIZE) -> ImageData:
    """Fashion-MNIST (Xiao et al. 2017): 55 000 train, 5 000 validation,
    10 000 test images.
    """
    positive_int("valid_size", valid_size)
    return _split(
        "Fashion-MNIST",
        _load_raw("fashion_mnist"),
        FASHION_MNIST_CLASSES,
        valid_size,
    )


def load_mnist(valid_size: int = VALID_SIZE) -> ImageData:
    """MNIST digits (LeCun et al.): 55 000 train, 5 000 validation, 10 000
    test images.
    """
    positive_int("valid_size", valid_size)
    return _split("MNIST", _load_raw("mnist"), MNIST_CLASSES, valid_size)
