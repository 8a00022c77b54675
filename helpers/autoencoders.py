"""Autoencoder architectures that one chapter teaches and later chapters
reuse.

``stacked_autoencoder`` is taught in the stacked-autoencoder chapter
(which shows this source) and reused by the pretraining chapter and later
ones.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers.checks import positive_int


def stacked_autoencoder(
    code_size: int = 30,
    hidden: Sequence[int] = (100,),
    image_shape: tuple[int, int] = (28, 28),
    activation: str = "selu",
    name: str = "stacked_ae",
) -> tuple[keras.Model, keras.Model, keras.Model]:
    """A symmetric dense autoencoder for images: returns
    ``(encoder, decoder, autoencoder)``.

    Encoder: flatten, then ``hidden`` layers with ``activation``, then a
    *linear* code layer of ``code_size`` units (linear code units as in
    Hinton & Salakhutdinov 2006: a SELU code would crowd a small code into
    its saturated negative range). Decoder: the mirror image, ending in a
    sigmoid so pixels lie in [0, 1]. Compiled with binary cross-entropy
    and Adam.
    """
    code_size = positive_int("code_size", code_size)
    hidden = [positive_int("hidden", h) for h in hidden]
    if len(image_shape) != 2:
        raise ValueError(
            f"image_shape: expected (height, width), got {image_shape}"
        )
    n_pixels = image_shape[0] * image_shape[1]
    encoder = keras.Sequential(
        [keras.Input(shape=image_shape), keras.layers.Flatten()]
        + [keras.layers.Dense(h, activation=activation) for h in hidden]
        + [keras.layers.Dense(code_size)],
        name=f"{name}_encoder",
    )
    decoder = keras.Sequential(
        [keras.Input(shape=(code_size,))]
        + [
            keras.layers.Dense(h, activation=activation)
            for h in reversed(hidden)
        ]
        + [
            keras.layers.Dense(n_pixels, activation="sigmoid"),
            keras.layers.Reshape(image_shape),
        ],
        name=f"{name}_decoder",
    )
    autoencoder = keras.Sequential([encoder, decoder], name=name)
    autoencoder.compile(
        loss="binary_crossentropy", optimizer=keras.optimizers.Adam(1e-3)
    )
    return encoder, decoder, autoencoder
