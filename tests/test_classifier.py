"""helpers.classifier: the committed scoring classifier loads, is checked, and scores sensibly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from helpers import classifier, data


@pytest.fixture(scope="module")
def clf():
    return classifier.load_classifier()


@pytest.fixture(scope="module")
def fashion():
    return data.load_fashion_mnist()


def test_committed_classifier_is_accurate(clf, fashion):
    x, y = fashion.x_test[:2000], fashion.y_test[:2000]
    accuracy = float(np.mean(clf.labels(x) == y))
    assert accuracy > 0.88
    assert (
        abs(accuracy - clf.record["test_accuracy"]) < 0.03
    )  # the record says what it does


def test_scores_separate_real_images_from_collapsed_and_noise(
    clf, fashion
):
    clf.set_reference(fashion.x_test[:3000])
    real = clf.score(fashion.x_valid[:3000])
    assert (
        real["coverage"] == 10
        and real["entropy"] > 3.2
        and real["fid"] < 5
    )
    trousers = fashion.x_valid[fashion.y_valid == 1][:300]
    collapsed = clf.score(np.repeat(trousers, 10, axis=0))
    assert collapsed["coverage"] <= 2 and collapsed["entropy"] < 1.0
    noise = clf.score(
        np.random.default_rng(0).random((3000, 28, 28)).astype("float32")
    )
    assert (
        noise["fid"] > 10 * max(real["fid"], 1e-3)
        and collapsed["fid"] > real["fid"]
    )
    assert real["histogram"].sum() == 3000


def test_classifier_checks_inputs_and_files(clf, tmp_path):
    with pytest.raises(ValueError, match="images: expected values in"):
        clf.labels(np.full((2, 28, 28), 255.0))
    with pytest.raises(ValueError, match="images: expected 28x28 images"):
        clf.labels(np.zeros((2, 32, 32)))
    with pytest.raises(ValueError, match="reference: call set_reference"):
        clf.score(np.zeros((2, 28, 28)), reference="train")
    with pytest.raises(
        FileNotFoundError, match="python -m helpers.classifier"
    ):
        classifier.load_classifier(tmp_path)
    for f in classifier.MODELS_DIR.glob(f"{classifier.NAME}.*"):
        shutil.copy(f, tmp_path / f.name)
    weights = tmp_path / f"{classifier.NAME}.weights.h5"
    weights.chmod(0o644)
    with open(weights, "r+b") as fh:  # flip one byte in the middle
        fh.seek(weights.stat().st_size // 2)
        byte = fh.read(1)
        fh.seek(-1, 1)
        fh.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(
        ValueError, match="SHA-256 .* does not match its record"
    ):
        classifier.load_classifier(tmp_path)


def test_record_matches_the_committed_file():
    record = json.loads(
        (classifier.MODELS_DIR / f"{classifier.NAME}.json").read_text()
    )
    assert record["name"] == classifier.NAME and record["epochs"] >= 1
    assert record["sha256"] == classifier.sha256_file(
        classifier.MODELS_DIR / f"{classifier.NAME}.weights.h5"
    )


def test_the_judge_is_package_data():
    import helpers

    assert (
        classifier.MODELS_DIR == Path(helpers.__file__).parent / "models"
    )
    assert (
        classifier.MODELS_DIR / f"{classifier.NAME}.weights.h5"
    ).is_file()
    names = ("models/*.json", "models/*.h5")
    pyproject = (
        Path(helpers.__file__).parent.parent / "pyproject.toml"
    ).read_text()
    assert all(
        f'"{n}"' in pyproject for n in names
    )  # shipped with the package
