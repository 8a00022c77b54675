"""The Fashion-MNIST classifier that scores generated images, trained once
and shared.

The GAN chapters and the scoreboard ask a classifier what generated
images look like: the class histogram (mode collapse shows as missing
classes), its entropy, and a Fréchet distance computed on the
classifier's 128-unit penultimate layer ("features"). Every chapter must
use the *same* classifier for these numbers to be comparable, so its
weights are committed with the package (``helpers/models/``, package
data) with their SHA-256 and training record, and loaded from there.
Remake them with ``python -m helpers.classifier`` (about 2 minutes on 2
CPU cores); the record then changes and the chapters' scores with it.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import keras
import numpy as np

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks, metrics
from helpers.checks import as_array
from helpers.data import sha256_file

NAME = "fashion_mnist_cnn-v1"
MODELS_DIR = Path(str(resources.files("helpers") / "models"))
FEATURES_LAYER = "features"


def build_classifier(num_classes: int = 10) -> keras.Sequential:
    """Two conv blocks, a 128-unit ``features`` layer, softmax output:
    ~91 % on Fashion-MNIST.
    """
    checks.positive_int("num_classes", num_classes, minimum=2)
    return keras.Sequential(
        [
            keras.Input((28, 28)),
            keras.layers.Reshape((28, 28, 1)),
            keras.layers.Conv2D(32, 3, activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(64, 3, activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dropout(0.3),
            keras.layers.Dense(
                128, activation="relu", name=FEATURES_LAYER
            ),
            keras.layers.Dropout(0.3),
            keras.layers.Dense(num_classes, activation="softmax"),
        ],
        name="fashion_mnist_cnn",
    )


@dataclass
class Reference:
    """Real images as the judge sees them: features, labels, moments."""

    features: np.ndarray
    labels: np.ndarray
    mean: np.ndarray
    cov: np.ndarray


@dataclass
class Classifier:
    """A trained classifier with what the scores need: labels, features."""

    model: keras.Model
    record: dict[str, Any]

    def __post_init__(self) -> None:
        checks.instance("model", self.model, keras.Model)
        checks.instance("record", self.record, dict)
        if FEATURES_LAYER not in [la.name for la in self.model.layers]:
            raise ValueError(
                f"model: expected a layer named {FEATURES_LAYER!r} (the "
                "features the scores use), as build_classifier makes"
            )
        features = self.model.get_layer(FEATURES_LAYER).output
        self._both = keras.Model(
            self.model.inputs, [self.model.outputs[0], features]
        )
        self._reference: dict[str, Reference] = {}

    def _check(self, images: object) -> np.ndarray:
        images = as_array("images", images, value_range=(0.0, 1.0))
        if images.ndim == 2 and images.shape[1] == 784:
            images = images.reshape(-1, 28, 28)
        if images.ndim == 4 and images.shape[-1] == 1:
            images = images[..., 0]
        if images.shape[1:] != (28, 28):
            raise ValueError(
                "images: expected 28x28 images (n, 28, 28), got shape "
                f"{images.shape}"
            )
        return images.astype("float32")

    def predict(
        self, images: object, batch_size: int = 1000
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(class probabilities, features)`` of images in [0, 1]."""
        images = self._check(images)
        batch_size = checks.positive_int("batch_size", batch_size)
        probs, feats = self._both.predict(
            images, batch_size=batch_size, verbose=0
        )
        return probs, feats

    def labels(self, images: object) -> np.ndarray:
        """The most likely class of each image."""
        return self.predict(images)[0].argmax(axis=1)

    def set_reference(self, images: object, name: str = "test") -> None:
        """Keep real images' features, labels and moments as a target."""
        checks.instance("name", name, str)
        images = self._at_least_two(images)
        probs, feats = self.predict(images)
        feats = feats.astype(np.float64)
        self._reference[name] = Reference(
            feats,
            probs.argmax(axis=1),
            feats.mean(axis=0),
            np.cov(feats, rowvar=False),
        )

    def _at_least_two(self, images: object) -> np.ndarray:
        images = self._check(images)
        if len(images) < 2:
            raise ValueError(
                "images: need at least 2 images for the moments, "
                f"got {len(images)}"
            )
        return images

    def _known(self, arg: str, name: object) -> None:
        checks.instance(arg, name, str)
        if name not in self._reference:
            raise ValueError(
                f"{arg}: call set_reference(images, {name!r}) first; "
                f"have {sorted(self._reference)}"
            )

    def reference(self, name: str = "test") -> Reference:
        """A reference set by :meth:`set_reference`."""
        self._known("name", name)
        return self._reference[name]

    def score(
        self, images: object, reference: str = "test", kid_seed: int = 0
    ) -> dict[str, Any]:
        """The judge's verdict on generated images in [0, 1].

        Fréchet distance and KID (with its spread over subsets) to the
        reference's features, class coverage, class entropy (bits), the
        class histogram and the diversity within each class.
        """
        self._known("reference", reference)
        images = self._at_least_two(images)
        checks.positive_int("kid_seed", kid_seed, minimum=0)
        ref = self.reference(reference)
        probs, feats = self.predict(images)
        labels = probs.argmax(axis=1)
        feats = feats.astype(np.float64)
        n = probs.shape[1]
        kid, kid_sd = metrics.kernel_inception_distance(
            feats, ref.features, seed=kid_seed
        )
        diversity = metrics.within_class_diversity(
            feats, labels, ref.features, ref.labels, n
        )
        return {
            "fid": metrics.frechet_distance_from_moments(
                feats.mean(axis=0),
                np.cov(feats, rowvar=False),
                ref.mean,
                ref.cov,
            ),
            "kid": kid,
            "kid_sd": kid_sd,
            "coverage": metrics.class_coverage(labels, n),
            "entropy": metrics.class_entropy(labels, n),
            "diversity": diversity["ratio"],
            "histogram": metrics.class_histogram(labels, n),
        }


def load_classifier(
    directory: str | os.PathLike | None = None, name: str = NAME
) -> Classifier:
    """Load the committed classifier (weights checked against the SHA-256
    in its record).
    """
    if directory is not None:
        checks.instance("directory", directory, (str, os.PathLike))
    checks.plain_name("name", name)
    directory = Path(directory) if directory is not None else MODELS_DIR
    weights, record_path = (
        directory / f"{name}.weights.h5",
        directory / f"{name}.json",
    )
    if not weights.exists() or not record_path.exists():
        raise FileNotFoundError(
            f"directory: {weights} is missing (the scoring classifier); "
            "make it with "
            f"`python -m helpers.classifier --out {directory}` "
            "(needs Fashion-MNIST)"
        )
    try:
        record = json.loads(record_path.read_text())
        checks.instance("record", record, dict)
    except (ValueError, TypeError) as err:
        raise ValueError(
            f"directory: {record_path.name} is damaged ({err}); restore "
            "it with git or remake the classifier"
        ) from None
    actual = sha256_file(weights)
    if actual != record.get("sha256"):
        raise ValueError(
            f"directory: {weights.name}: SHA-256 {actual[:12]}... does "
            "not match its "
            f"record {str(record.get('sha256'))[:12]}...; the file is "
            "corrupted or was replaced without its record; restore it "
            "with git or remake both"
        )
    model = build_classifier()
    model.load_weights(weights)
    return Classifier(model, record)


def train_classifier(
    directory: str | os.PathLike | None = None,
    epochs: int = 10,
    seed: int = 0,
    name: str = NAME,
) -> Classifier:
    """Train on the 55 000 training images, report test accuracy, save
    weights + record.
    """
    from helpers import data, runtime

    if directory is not None:
        checks.instance("directory", directory, (str, os.PathLike))
    checks.positive_int("epochs", epochs)
    checks.positive_int("seed", seed, minimum=0)
    checks.plain_name("name", name)

    runtime.seed_everything(seed)
    fashion = data.load_fashion_mnist()
    model = build_classifier()
    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    started = time.time()
    model.fit(
        fashion.x_train,
        fashion.y_train,
        epochs=epochs,
        batch_size=128,
        validation_data=(fashion.x_valid, fashion.y_valid),
        verbose=2,
    )
    seconds = time.time() - started
    _, test_accuracy = model.evaluate(
        fashion.x_test, fashion.y_test, verbose=0
    )
    directory = Path(directory) if directory is not None else MODELS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    weights = directory / f"{name}.weights.h5"
    # an uncompiled copy: the file holds no optimizer state
    lean = build_classifier()
    lean.set_weights(model.get_weights())
    lean.save_weights(weights)
    record = {
        "name": name,
        "test_accuracy": round(float(test_accuracy), 4),
        "epochs": epochs,
        "seed": seed,
        "train_seconds": round(seconds, 1),
        "sha256": sha256_file(weights),
        "trained_on": (
            "Fashion-MNIST, 55 000 training images (helpers.data split)"
        ),
        **runtime.describe_machine(),
    }
    (directory / f"{name}.json").write_text(
        json.dumps(record, indent=2) + "\n"
    )
    return Classifier(model, record)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(
        description="Train and save the scoring classifier."
    )
    parser.add_argument("--out", type=Path, default=MODELS_DIR)
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    clf = train_classifier(args.out, epochs=args.epochs)
    print(json.dumps(clf.record, indent=2))
