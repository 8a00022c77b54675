"""Autoencoder architectures that one chapter teaches and others reuse.

``stacked_autoencoder`` is taught in chapter 2 and reused by chapters 3
and 5; ``conv_autoencoder`` is taught in chapter 4 and reused by chapter
3 as a pretrained encoder. Each chapter shows this source.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks

L = keras.layers


def stacked_autoencoder(
    code_size: int = 30,
    hidden: Sequence[int] = (100,),
    activation: str = "selu",
    code_activation: str | None = None,
    name: str = "stacked_ae",
) -> tuple[keras.Model, keras.Model, keras.Model]:
    """A symmetric dense autoencoder: ``(encoder, decoder, autoencoder)``.

    Encoder: flatten, the ``hidden`` layers, then a code layer of
    ``code_size`` units, linear by default (as in Hinton & Salakhutdinov
    2006). Decoder: the mirror image, ending in a sigmoid so that pixels
    lie in [0, 1]. Compiled with binary cross-entropy and Adam.
    """
    checks.positive_int("code_size", code_size)
    if not isinstance(hidden, (tuple, list)):
        raise TypeError(
            f"hidden: expected a tuple of layer sizes, got {hidden!r}"
        )
    for i, units in enumerate(hidden):
        checks.positive_int(f"hidden[{i}]", units)
    checks.activation("activation", activation)
    checks.activation("code_activation", code_activation)
    encoder = keras.Sequential(
        [keras.Input(shape=(28, 28)), L.Flatten()]
        + [L.Dense(units, activation=activation) for units in hidden]
        + [L.Dense(code_size, activation=code_activation)],
        name=f"{name}_encoder",
    )
    decoder = keras.Sequential(
        [keras.Input(shape=(code_size,))]
        + [L.Dense(units, activation=activation) for units in hidden[::-1]]
        + [L.Dense(28 * 28, activation="sigmoid"), L.Reshape((28, 28))],
        name=f"{name}_decoder",
    )
    autoencoder = keras.Sequential([encoder, decoder], name=name)
    autoencoder.compile(
        loss="binary_crossentropy", optimizer=keras.optimizers.Adam(1e-3)
    )
    return encoder, decoder, autoencoder


def conv_autoencoder(
    code_size: int = 30, name: str = "conv_ae"
) -> tuple[keras.Model, keras.Model, keras.Model]:
    """A convolutional autoencoder: ``(encoder, decoder, autoencoder)``.

    Encoder: three 3x3 convolutions, each followed by 2x2 max-pooling
    (28 -> 14 -> 7 -> 3, depth 16 -> 32 -> 64), then a dense code layer.
    Decoder: a dense layer back to 3x3x64, then transposed convolutions
    (3 -> 7 -> 14 -> 28). Compiled like :func:`stacked_autoencoder`.
    """
    checks.positive_int("code_size", code_size)
    encoder = keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            L.Reshape((28, 28, 1)),
            L.Conv2D(16, 3, padding="same", activation="selu"),
            L.MaxPool2D(2),  # 14 x 14
            L.Conv2D(32, 3, padding="same", activation="selu"),
            L.MaxPool2D(2),  # 7 x 7
            L.Conv2D(64, 3, padding="same", activation="selu"),
            L.MaxPool2D(2),  # 3 x 3
            L.Flatten(),
            L.Dense(code_size),
        ],
        name=f"{name}_encoder",
    )
    decoder = keras.Sequential(
        [
            keras.Input(shape=(code_size,)),
            L.Dense(3 * 3 * 64, activation="selu"),
            L.Reshape((3, 3, 64)),
            L.Conv2DTranspose(
                32, 3, strides=2, padding="valid", activation="selu"
            ),  # 7 x 7
            L.Conv2DTranspose(
                16, 3, strides=2, padding="same", activation="selu"
            ),  # 14 x 14
            L.Conv2DTranspose(
                1, 3, strides=2, padding="same", activation="sigmoid"
            ),  # 28 x 28
            L.Reshape((28, 28)),
        ],
        name=f"{name}_decoder",
    )
    autoencoder = keras.Sequential([encoder, decoder], name=name)
    autoencoder.compile(
        loss="binary_crossentropy", optimizer=keras.optimizers.Adam(1e-3)
    )
    return encoder, decoder, autoencoder
