"""helpers.autoencoders: the stacked and convolutional autoencoders' shapes, sizes, ranges and checks."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.autoencoders import conv_autoencoder, stacked_autoencoder

X = np.random.default_rng(0).random((4, 28, 28)).astype("float32")


def units(model):
    return [
        layer.units for layer in model.layers if hasattr(layer, "units")
    ]


def test_lecture_architecture():
    encoder, decoder, ae = stacked_autoencoder(30, hidden=(100,))
    assert units(encoder) == [100, 30] and units(decoder) == [100, 784]
    assert ae.count_params() == (784 * 100 + 100) + (100 * 30 + 30) + (
        30 * 100 + 100
    ) + (100 * 784 + 784)
    out = ae(X).numpy()
    assert out.shape == (4, 28, 28) and out.min() >= 0 and out.max() <= 1
    assert encoder(X).shape == (4, 30)
    assert encoder.layers[-1].activation.__name__ == "linear"
    assert encoder.layers[1].activation.__name__ == "selu"
    assert ae.loss == "binary_crossentropy"
    assert ae.optimizer.learning_rate.numpy() == pytest.approx(1e-3)


def test_deeper_and_other_activations():
    encoder, decoder, ae = stacked_autoencoder(
        2,
        hidden=(300, 100),
        activation="relu",
        code_activation="sigmoid",
        name="x",
    )
    assert (
        ae.name == "x"
        and encoder.name == "x_encoder"
        and decoder.name == "x_decoder"
    )
    assert units(encoder) == [300, 100, 2] and units(decoder) == [
        100,
        300,
        784,
    ]
    codes = encoder(X).numpy()
    assert codes.shape == (4, 2) and codes.min() >= 0 and codes.max() <= 1
    assert encoder.layers[1].activation.__name__ == "relu"
    assert decoder(np.zeros((1, 2), "float32")).shape == (1, 28, 28)


def test_no_hidden_layer_is_a_linear_autoencoder_shape():
    encoder, decoder, _ = stacked_autoencoder(5, hidden=())
    assert units(encoder) == [5] and units(decoder) == [784]


def test_conv_autoencoder():
    encoder, decoder, ae = conv_autoencoder(code_size=12, name="c")
    assert ae.name == "c" and ae.loss == "binary_crossentropy"
    assert encoder(X).shape == (4, 12)
    # 28 -> 14 -> 7 -> 3 by max-pooling, depth 16 -> 32 -> 64
    pools = [
        layer
        for layer in encoder.layers
        if type(layer).__name__ == "MaxPooling2D"
    ]
    assert [tuple(p.output.shape[1:]) for p in pools] == [
        (14, 14, 16),
        (7, 7, 32),
        (3, 3, 64),
    ]
    out = ae(X).numpy()
    assert out.shape == (4, 28, 28) and out.min() >= 0 and out.max() <= 1
    assert decoder(np.zeros((2, 12), "float32")).shape == (2, 28, 28)


@pytest.mark.parametrize(
    "build, kwargs, error, match",
    [
        (
            stacked_autoencoder,
            dict(code_size=0),
            ValueError,
            "code_size: expected an integer >= 1",
        ),
        (
            stacked_autoencoder,
            dict(hidden=(100, -1)),
            ValueError,
            r"hidden\[1\]: expected an integer >= 1",
        ),
        (
            stacked_autoencoder,
            dict(hidden=(100, 1.5)),
            TypeError,
            r"hidden\[1\]: expected an integer",
        ),
        (
            stacked_autoencoder,
            dict(code_size="30"),
            TypeError,
            "code_size: expected an integer",
        ),
        (
            conv_autoencoder,
            dict(code_size=0),
            ValueError,
            "code_size: expected an integer >= 1",
        ),
    ],
)
def test_bad_arguments(build, kwargs, error, match):
    with pytest.raises(error, match=match):
        build(**kwargs)


def test_image_shape_is_gone():
    with pytest.raises(TypeError, match="image_shape"):
        stacked_autoencoder(2, image_shape=(8, 8))
