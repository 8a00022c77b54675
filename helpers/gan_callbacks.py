"""Callbacks that watch a generative model train, and keep what they saw.

:class:`SampleHistory` decodes the same fixed codings after every epoch (a
progression of one generator); :class:`ScoreHistory` scores fresh samples
with the judge and adds the numbers to the epoch's logs. Both write into
the checkpoint folder, atomically, so a resumed training keeps them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keras
import numpy as np

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks
from helpers.samplers import DecoderSampler
from helpers.training import write_text_atomic


class SampleHistory(keras.callbacks.Callback):
    """Decode fixed codings after every ``every``-th epoch; keep them.

    Each grid goes to ``directory/samples-epoch-NNNN.npy`` (uint8);
    :meth:`load` reads them back as ``{epoch: images in [0, 1]}``.
    """

    def __init__(
        self,
        directory: str | Path,
        sampler: DecoderSampler,
        codings: Any,
        labels: Any = None,
        every: int = 1,
    ):
        super().__init__()
        checks.instance("directory", directory, (str, os.PathLike))
        checks.instance("sampler", sampler, DecoderSampler)
        self.directory, self.sampler = Path(directory), sampler
        self.codings = checks.as_array(
            "codings", codings, shape=(None, sampler.codings_size)
        )
        if sampler.num_classes is None and labels is not None:
            raise ValueError("labels: the sampler is not conditional")
        if sampler.num_classes is not None:
            if labels is None:
                raise ValueError(
                    "labels: the sampler is conditional; pass one label "
                    "per coding"
                )
            checks.labels(
                "labels", labels, sampler.num_classes, len(self.codings)
            )
        self.labels = labels
        self.every = checks.positive_int("every", every)

    def save(self, epoch: int) -> None:
        """Decode the codings; keep them as the grid of ``epoch``."""
        epoch = checks.positive_int("epoch", epoch, minimum=0)
        images = self.sampler.decode(self.codings, self.labels)
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"samples-epoch-{epoch:04d}.npy"
        tmp = self.directory / f"tmp-{name}"
        np.save(tmp, np.round(images * 255).astype(np.uint8))
        tmp.replace(self.directory / name)

    def on_train_begin(self, logs: dict | None = None) -> None:
        if not (self.directory / "samples-epoch-0000.npy").exists():
            self.save(0)  # the untrained generator starts the progression

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if (epoch + 1) % self.every == 0:
            self.save(epoch + 1)

    @staticmethod
    def load(directory: str | Path) -> dict[int, np.ndarray]:
        """``{epoch: images in [0, 1]}`` for each grid in ``directory``."""
        checks.instance("directory", directory, (str, os.PathLike))
        out = {}
        for f in sorted(Path(directory).glob("samples-epoch-*.npy")):
            try:
                out[int(f.stem.rsplit("-", 1)[1])] = np.load(f) / 255.0
            except (ValueError, OSError) as err:
                raise ValueError(
                    f"directory: {f.name} is damaged ({err}); delete the "
                    "folder to train again"
                ) from None
        return out


class ScoreHistory(keras.callbacks.Callback):
    """Score ``n`` fresh samples after each epoch; log the numbers.

    ``score`` maps images in [0, 1] to a dict (e.g. the judge's
    :meth:`helpers.classifier.Classifier.score`). Scalars go into the logs
    (and so into the history and the checkpoint); arrays (the class
    histogram) go to ``directory/scores.json``, one entry per epoch.
    """

    def __init__(
        self,
        score: Callable[[np.ndarray], dict[str, Any]],
        directory: str | Path,
        sampler: DecoderSampler,
        n: int = 10_000,
        seed: int = 0,
    ):
        super().__init__()
        checks.instance("directory", directory, (str, os.PathLike))
        self.score = checks.is_callable("score", score)
        self.sampler = checks.instance("sampler", sampler, DecoderSampler)
        self.n = checks.positive_int("n", n)
        self.seed = checks.positive_int("seed", seed, minimum=0)
        self.path = Path(directory) / "scores.json"

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        images = self.sampler.sample(self.n, seed=self.seed + epoch)
        arrays = {}
        for key, value in self.score(images).items():
            if np.ndim(value) == 0:
                if logs is not None:
                    logs[key] = float(value)
            else:
                arrays[key] = np.asarray(value).tolist()
        history = self.load(self.path.parent)
        history[epoch + 1] = arrays
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({str(k): v for k, v in sorted(history.items())})
        write_text_atomic(self.path, text)

    @staticmethod
    def load(directory: str | Path) -> dict[int, dict[str, Any]]:
        """``{epoch: {name: list}}`` of the arrays scored so far."""
        checks.instance("directory", directory, (str, os.PathLike))
        path = Path(directory) / "scores.json"
        if not path.exists():
            return {}
        try:
            raw = json.loads(path.read_text())
            return {int(k): v for k, v in raw.items()}
        except (ValueError, AttributeError) as err:
            raise ValueError(
                f"directory: {path.name} in {Path(directory).name!r} is "
                f"damaged ({err}); delete the folder to train again"
            ) from None
