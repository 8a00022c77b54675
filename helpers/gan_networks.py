"""The generators and discriminators of the GAN chapters.

The lecture's dense pair (chapter 7) and the DCGAN pair of Radford et al.
(chapter 8), with a conditional form of the DCGAN (Mirza & Osindero 2014).
The scoreboard, the benchmark and the later chapters reuse them from here.
"""

from __future__ import annotations

import keras

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks
from helpers.layers import MinibatchStdDev

L = keras.layers


def _image_shape(image_shape: tuple[int, int]) -> tuple[int, int]:
    if not isinstance(image_shape, (tuple, list)) or len(image_shape) != 2:
        raise TypeError(
            f"image_shape: expected (height, width), got {image_shape!r}"
        )
    h = checks.positive_int("image_shape[0]", image_shape[0])
    w = checks.positive_int("image_shape[1]", image_shape[1])
    return h, w


def dense_generator(
    codings_size: int = 30,
    image_shape: tuple[int, int] = (28, 28),
    name: str = "generator",
) -> keras.Sequential:
    """The lecture's generator: codings -> 100 -> 150 -> pixels, [0, 1]."""
    checks.positive_int("codings_size", codings_size)
    h, w = _image_shape(image_shape)
    return keras.Sequential(
        [
            keras.Input((codings_size,)),
            L.Dense(100, "selu", kernel_initializer="lecun_normal"),
            L.Dense(150, "selu", kernel_initializer="lecun_normal"),
            L.Dense(h * w, activation="sigmoid"),
            L.Reshape((h, w), dtype="float32"),  # also under bfloat16
        ],
        name=name,
    )


def dense_discriminator(
    image_shape: tuple[int, int] = (28, 28),
    minibatch_std: bool = False,
    output_activation: str | None = "sigmoid",
    name: str = "discriminator",
) -> keras.Sequential:
    """The lecture's discriminator: pixels -> 150 -> 100 -> P(real).

    ``minibatch_std=True`` inserts a :class:`MinibatchStdDev` feature after
    the first hidden layer, so it can see a batch's lack of variety;
    ``output_activation=None`` makes it a Wasserstein critic (a score).
    """
    h, w = _image_shape(image_shape)
    checks.boolean("minibatch_std", minibatch_std)
    checks.activation("output_activation", output_activation)
    std = [MinibatchStdDev()] if minibatch_std else []
    return keras.Sequential(
        [
            keras.Input((h, w)),
            L.Flatten(),
            L.Dense(150, "selu", kernel_initializer="lecun_normal"),
            *std,
            L.Dense(100, "selu", kernel_initializer="lecun_normal"),
            L.Dense(1, activation=output_activation, dtype="float32"),
        ],
        name=name,
    )


def dcgan_init() -> keras.initializers.Initializer:
    """Radford et al.: every weight drawn from N(0, 0.02)."""
    return keras.initializers.RandomNormal(0.0, 0.02)


def dcgan_generator(
    codings_size: int = 100,
    width: int = 64,
    num_classes: int | None = None,
    name: str = "dcgan_generator",
) -> keras.Model:
    """DCGAN generator for 28x28 images with pixels in [-1, 1].

    Project the codings to 7x7x(2 width), then two stride-2 transposed
    convolutions (7 -> 14 -> 28) with batch normalisation and ReLU, tanh at
    the output; no pooling, no dense hidden layer. With ``num_classes`` the
    label joins the codings as a one-hot vector and the model takes
    ``[codings, labels]``.
    """
    checks.positive_int("codings_size", codings_size)
    checks.positive_int("width", width)
    codings = keras.Input((codings_size,), name="codings")
    inputs, h = [codings], codings
    if num_classes is not None:
        checks.positive_int("num_classes", num_classes, minimum=2)
        labels = keras.Input((), dtype="int32", name="labels")
        inputs.append(labels)
        one_hot = L.CategoryEncoding(num_classes, output_mode="one_hot")
        h = L.Concatenate()([codings, one_hot(labels)])
    h = L.Dense(
        7 * 7 * 2 * width, use_bias=False, kernel_initializer=dcgan_init()
    )(h)
    h = L.Reshape((7, 7, 2 * width))(L.ReLU()(L.BatchNormalization()(h)))
    h = L.Conv2DTranspose(
        width,
        4,
        strides=2,
        padding="same",
        use_bias=False,
        kernel_initializer=dcgan_init(),
    )(h)
    h = L.ReLU()(L.BatchNormalization()(h))
    h = L.Conv2DTranspose(
        1,
        4,
        strides=2,
        padding="same",
        activation="tanh",
        kernel_initializer=dcgan_init(),
    )(h)
    # float32 images out, also under a mixed-precision policy
    out = L.Reshape((28, 28), dtype="float32")(h)
    return keras.Model(inputs if num_classes else codings, out, name=name)


def dcgan_discriminator(
    width: int = 64,
    num_classes: int | None = None,
    batch_norm: bool = True,
    activation: str = "leaky_relu",
    output_activation: str | None = "sigmoid",
    name: str = "dcgan_discriminator",
) -> keras.Model:
    """DCGAN discriminator for 28x28 images in [-1, 1]: P(real).

    Two stride-2 convolutions with LeakyReLU(0.2), batch normalisation on
    the second (never on the input layer), the last maps flattened into
    one sigmoid unit. ``batch_norm`` and ``activation`` ("leaky_relu" or
    "relu") exist for the chapter's ablation; ``batch_norm=False,
    output_activation=None`` gives the critic of a WGAN-GP. With
    ``num_classes`` the label is a learned 28x28 map stacked on the image
    as a second channel.
    """
    checks.positive_int("width", width)
    checks.boolean("batch_norm", batch_norm)
    checks.one_of("activation", activation, ("leaky_relu", "relu"))
    checks.activation("output_activation", output_activation)

    def act():
        return L.LeakyReLU(0.2) if activation == "leaky_relu" else L.ReLU()

    images = keras.Input((28, 28), name="images")
    inputs, h = [images], L.Reshape((28, 28, 1))(images)
    if num_classes is not None:
        checks.positive_int("num_classes", num_classes, minimum=2)
        labels = keras.Input((), dtype="int32", name="labels")
        inputs.append(labels)
        label_map = L.Embedding(num_classes, 28 * 28)(labels)
        h = L.Concatenate()([h, L.Reshape((28, 28, 1))(label_map)])
    h = L.Conv2D(
        width,
        4,
        strides=2,
        padding="same",
        kernel_initializer=dcgan_init(),
    )(h)
    h = act()(h)
    h = L.Conv2D(
        2 * width,
        4,
        strides=2,
        padding="same",
        use_bias=not batch_norm,
        kernel_initializer=dcgan_init(),
    )(h)
    h = act()(L.BatchNormalization()(h) if batch_norm else h)
    # float32 at the output, also under a mixed-precision policy
    out = L.Dense(
        1,
        activation=output_activation,
        dtype="float32",
        kernel_initializer=dcgan_init(),
    )(L.Flatten()(h))
    return keras.Model(inputs if num_classes else images, out, name=name)
