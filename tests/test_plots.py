"""helpers.plots: the figures draw, and bad input gets a ValueError naming the argument."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import plots
from helpers.training import TrainingLog

rng = np.random.default_rng(0)
IMAGES = rng.random((12, 28, 28)).astype(np.float32)


@pytest.mark.parametrize(
    "shape", [(12, 28, 28), (12, 784), (12, 28, 28, 1), (12, 8, 8, 3)]
)
def test_image_grid_accepts_common_layouts(shape):
    fig = plots.image_grid(rng.random(shape), ncols=5)
    assert len([ax for ax in fig.axes if ax.images]) == 12


def test_image_grid_tanh_range_is_rescaled():
    fig = plots.image_grid(IMAGES * 2 - 1, value_range=(-1, 1))
    shown = fig.axes[0].images[0].get_array()
    assert 0.0 <= shown.min() and shown.max() <= 1.0


@pytest.mark.parametrize(
    "bad, match",
    [
        (rng.random((3, 27)), "square number of pixels"),
        (rng.random((3, 28, 28, 2)), "1 or 3 channels"),
        (rng.random(5), "expected a 2 or 3 or 4-D array"),
        (IMAGES * 255, r"expected values in \[0, 1\].*divide by 255"),
        (np.full((2, 4, 4), np.nan), "NaN"),
    ],
)
def test_image_grid_rejects_bad_images(bad, match):
    with pytest.raises(ValueError, match="images: .*" + match):
        plots.image_grid(bad)


@pytest.mark.parametrize(
    "bad, match",
    [
        (np.array([["a"]]), "expected numbers"),
        (None, "expected an array"),
        ("img", "expected an array"),
    ],
)
def test_image_grid_rejects_what_is_no_array_of_numbers(bad, match):
    with pytest.raises(TypeError, match="images: " + match):
        plots.image_grid(bad)


def test_image_grid_titles_must_match():
    with pytest.raises(ValueError, match="titles: expected 12"):
        plots.image_grid(IMAGES, titles=["a"])
    with pytest.raises(ValueError, match="ncols"):
        plots.image_grid(IMAGES, ncols=0)


def test_reconstruction_rows_several_models():
    fig = plots.reconstruction_rows(
        IMAGES, {"AE": IMAGES, "PCA": IMAGES.reshape(12, -1)}, n=6
    )
    assert len([ax for ax in fig.axes if ax.images]) == 18


def test_reconstruction_rows_checks_lengths_and_shapes():
    with pytest.raises(ValueError, match="same number of rows"):
        plots.reconstruction_rows(IMAGES, IMAGES[:5])
    with pytest.raises(ValueError, match="image shapes differ"):
        plots.reconstruction_rows(IMAGES, rng.random((12, 8, 8)))


def test_learning_curves_from_dict_and_log():
    ax = plots.learning_curves(
        {"loss": [3, 2, 1], "val_loss": [3.5, 2.5, 2]}
    )
    assert [line.get_label() for line in ax.lines] == ["loss", "val_loss"]
    log = TrainingLog(
        history={"loss": [1.0, 0.5], "epoch_seconds": [1, 1]}, epochs=2
    )
    ax = plots.learning_curves(log)
    assert [line.get_label() for line in ax.lines] == ["loss"]


def test_learning_curves_bad_input():
    with pytest.raises(ValueError, match="history: expected"):
        plots.learning_curves({})
    with pytest.raises(
        ValueError, match=r"keys: \['acc'\] not in the history"
    ):
        plots.learning_curves({"loss": [1.0]}, keys=["acc"])


def test_latent_scatter():
    codes = rng.normal(size=(50, 2))
    labels = np.arange(50) % 3
    ax = plots.latent_scatter(codes, labels, class_names=["a", "b", "c"])
    assert len(ax.collections) == 3
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "a",
        "b",
        "c",
    ]


@pytest.mark.parametrize(
    "codes, labels, names, match",
    [
        (
            np.zeros((5, 3)),
            np.zeros(5),
            None,
            r"codes: expected shape \(n, 2\)",
        ),
        (np.zeros((5, 2)), np.zeros(4), None, "same number of rows"),
        (
            np.zeros((5, 2)),
            np.arange(5),
            ["a"],
            "class_names: expected at least 5",
        ),
    ],
)
def test_latent_scatter_bad_input(codes, labels, names, match):
    with pytest.raises(ValueError, match=match):
        plots.latent_scatter(codes, labels, class_names=names)


def teardown_module():
    plt.close("all")


def test_image_rows_labels_and_checks():
    fig = plots.image_rows({"a": IMAGES[:4], "b": IMAGES[:6]}, n=10)
    assert (
        len([ax for ax in fig.axes if ax.images]) == 8
    )  # 2 rows of min(10, 4, 6)
    assert fig.axes[0].get_ylabel() == "a"
    with pytest.raises(
        ValueError, match="rows: expected a non-empty dict"
    ):
        plots.image_rows({})
    with pytest.raises(
        ValueError, match="image shapes differ between rows"
    ):
        plots.image_rows({"a": IMAGES, "b": rng.random((3, 8, 8))})


def test_class_heatmap_shows_shares_per_epoch():
    names = [f"c{i}" for i in range(4)]
    ax = plots.class_heatmap({1: [10, 0, 0, 0], 2: [5, 5, 0, 0]}, names)
    shares = ax.images[0].get_array()
    np.testing.assert_allclose(shares, [[1, 0, 0, 0], [0.5, 0.5, 0, 0]])
    assert [t.get_text() for t in ax.get_xticklabels()] == names
    with pytest.raises(
        ValueError, match="histograms: expected 4 counts per epoch"
    ):
        plots.class_heatmap({1: [1, 2]}, names)
    with pytest.raises(
        ValueError, match="histograms: expected a non-empty dict"
    ):
        plots.class_heatmap({}, names)


def test_progression_gif_has_one_labelled_frame_per_epoch():
    import io

    from PIL import Image

    grids = {
        0: np.zeros((6, 28, 28)),
        5: np.ones((6, 28, 28)),
        10: np.full((6, 28, 28), 0.5),
    }
    data = plots.progression_gif(grids, ncols=3, scale=2)
    gif = Image.open(io.BytesIO(data))
    assert data[:6] == b"GIF89a" and gif.n_frames == 3
    assert gif.size == (3 * 30 * 2, (2 * 30 + 14) * 2)
    with pytest.raises(
        ValueError, match="grids: expected a non-empty dict"
    ):
        plots.progression_gif({})
    with pytest.raises(
        ValueError, match=r"grids\[0\]: expected values in \[0, 1\]"
    ):
        plots.progression_gif({0: np.full((2, 28, 28), 3.0)})
    with pytest.raises(
        ValueError, match="ncols: expected an integer >= 1"
    ):
        plots.progression_gif(grids, ncols=0)
