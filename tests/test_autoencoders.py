"""helpers.autoencoders.stacked_autoencoder: shapes, sizes, ranges and input checks."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.autoencoders import stacked_autoencoder


def test_lecture_architecture():
    encoder, decoder, ae = stacked_autoencoder(30, hidden=(100,))
    assert [l.units for l in encoder.layers if hasattr(l, "units")] == [
        100,
        30,
    ]
    assert [l.units for l in decoder.layers if hasattr(l, "units")] == [
        100,
        784,
    ]
    assert ae.count_params() == (784 * 100 + 100) + (100 * 30 + 30) + (
        30 * 100 + 100
    ) + (100 * 784 + 784)
    x = np.random.default_rng(0).random((4, 28, 28)).astype("float32")
    out = ae(x).numpy()
    assert out.shape == (4, 28, 28) and out.min() >= 0 and out.max() <= 1
    assert encoder(x).shape == (4, 30)
    assert encoder.layers[-1].activation.__name__ == "linear"


def test_deeper_and_other_shapes():
    encoder, decoder, ae = stacked_autoencoder(
        2, hidden=(300, 100), image_shape=(8, 8), name="x"
    )
    assert ae.name == "x" and encoder(
        np.zeros((1, 8, 8), "float32")
    ).shape == (1, 2)
    assert decoder(np.zeros((1, 2), "float32")).shape == (1, 8, 8)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(code_size=0), "code_size"),
        (dict(hidden=(100, -1)), "hidden"),
        (dict(image_shape=(28, 28, 1)), "image_shape"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        stacked_autoencoder(**kwargs)
