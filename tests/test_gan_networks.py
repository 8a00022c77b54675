"""helpers.gan_networks: the lecture's dense pair and the DCGAN pair, as the chapters describe them."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers import gan_networks as N
from helpers.layers import MinibatchStdDev


def units(model):
    return [
        layer.units for layer in model.layers if hasattr(layer, "units")
    ]


def kinds(*models):
    return [type(layer).__name__ for m in models for layer in m.layers]


def test_lecture_models_have_the_lecture_sizes():
    gen, disc = N.dense_generator(30), N.dense_discriminator()
    assert units(gen) == [100, 150, 784] and units(disc) == [150, 100, 1]
    assert gen.output_shape == (None, 28, 28)
    assert disc.output_shape == (None, 1)
    assert (
        gen.layers[-2].activation.__name__ == "sigmoid"
    )  # pixels in [0, 1]
    assert disc.layers[-1].activation.__name__ == "sigmoid"  # P(real)


def test_dense_pair_takes_other_image_shapes():
    gen = N.dense_generator(4, image_shape=(8, 6), name="g")
    disc = N.dense_discriminator(image_shape=(8, 6), name="d")
    assert gen.name == "g" and disc.name == "d"
    images = keras.ops.convert_to_numpy(gen(np.zeros((2, 4), "float32")))
    assert images.shape == (2, 8, 6)
    assert images.min() >= 0 and images.max() <= 1
    assert keras.ops.convert_to_numpy(disc(images)).shape == (2, 1)


def test_dense_discriminator_with_minibatch_std():
    disc = N.dense_discriminator(minibatch_std=True)
    assert any(isinstance(layer, MinibatchStdDev) for layer in disc.layers)
    assert disc.output_shape == (None, 1)
    # 150 units + the spread feature feed the second hidden layer
    assert disc.layers[3].kernel.shape == (151, 100)
    assert not any(
        isinstance(layer, MinibatchStdDev)
        for layer in N.dense_discriminator().layers
    )


@pytest.mark.parametrize("num_classes", [None, 10])
def test_dcgan_networks_follow_the_guidelines(num_classes):
    gen = N.dcgan_generator(
        codings_size=16, width=8, num_classes=num_classes
    )
    disc = N.dcgan_discriminator(width=8, num_classes=num_classes)
    found = kinds(gen, disc)
    # strided convolutions only, no pooling
    assert "MaxPooling2D" not in found and "AveragePooling2D" not in found
    assert (
        found.count("Conv2DTranspose") == 2 and found.count("Conv2D") == 2
    )
    # batch norm in both networks, not on G's output or D's input
    assert found.count("BatchNormalization") == 3
    assert gen.layers[-2].activation.__name__ == "tanh"
    assert any(
        type(layer).__name__ == "LeakyReLU"
        and np.isclose(layer.negative_slope, 0.2)
        for layer in disc.layers
    )
    # no dense hidden layer in D: only the output unit
    dense_in_d = [
        layer for layer in disc.layers if type(layer).__name__ == "Dense"
    ]
    assert len(dense_in_d) == 1 and dense_in_d[0].units == 1
    # every weight initialised from N(0, 0.02)
    stds = [
        float(np.std(w))
        for w in gen.get_weights()
        if w.ndim > 1 and w.size > 500
    ]
    assert stds and all(0.015 < s < 0.025 for s in stds)
    z = np.random.default_rng(0).normal(size=(3, 16)).astype("float32")
    labels = np.array([0, 1, 2])
    inputs = z if num_classes is None else [z, labels]
    images = keras.ops.convert_to_numpy(gen(inputs))
    assert images.shape == (3, 28, 28)
    assert images.min() >= -1 and images.max() <= 1
    d_in = images if num_classes is None else [images, labels]
    assert keras.ops.convert_to_numpy(disc(d_in)).shape == (3, 1)


def test_conditional_networks_take_the_label_as_a_second_input():
    gen = N.dcgan_generator(8, 4, num_classes=3)
    disc = N.dcgan_discriminator(4, num_classes=3)
    assert [tuple(t.shape) for t in gen.inputs] == [(None, 8), (None,)]
    assert [tuple(t.shape) for t in disc.inputs] == [
        (None, 28, 28),
        (None,),
    ]
    z = np.zeros((2, 8), "float32")
    a = keras.ops.convert_to_numpy(gen([z, np.array([0, 0])]))
    b = keras.ops.convert_to_numpy(gen([z, np.array([1, 2])]))
    assert not np.allclose(a, b)  # same codings, other labels


def test_dcgan_discriminator_ablation_options():
    plain = N.dcgan_discriminator(8, batch_norm=False, activation="relu")
    found = kinds(plain)
    assert "BatchNormalization" not in found and "LeakyReLU" not in found
    assert found.count("ReLU") == 2
    convs = [
        layer for layer in plain.layers if type(layer).__name__ == "Conv2D"
    ]
    # without batch norm the second convolution keeps its bias
    assert convs[1].use_bias
    with_bn = [
        layer
        for layer in N.dcgan_discriminator(8).layers
        if type(layer).__name__ == "Conv2D"
    ]
    assert not with_bn[1].use_bias


def test_dcgan_init_is_n_0_002():
    init = N.dcgan_init()
    assert isinstance(init, keras.initializers.RandomNormal)
    assert init.mean == 0.0 and np.isclose(init.stddev, 0.02)


@pytest.mark.parametrize(
    "build, kwargs, error, match",
    [
        (
            N.dense_generator,
            dict(codings_size=0),
            ValueError,
            "codings_size",
        ),
        (
            N.dense_generator,
            dict(image_shape=(28, 28, 1)),
            TypeError,
            "image_shape",
        ),
        (
            N.dense_generator,
            dict(image_shape=(28, 0)),
            ValueError,
            r"image_shape\[1\]",
        ),
        (
            N.dense_discriminator,
            dict(minibatch_std=1),
            TypeError,
            "minibatch_std",
        ),
        (N.dcgan_generator, dict(width=0), ValueError, "width"),
        (
            N.dcgan_generator,
            dict(num_classes=1),
            ValueError,
            "num_classes",
        ),
        (
            N.dcgan_discriminator,
            dict(activation="tanh"),
            ValueError,
            "activation: expected one of",
        ),
        (
            N.dcgan_discriminator,
            dict(batch_norm="yes"),
            TypeError,
            "batch_norm",
        ),
        (
            N.dcgan_discriminator,
            dict(num_classes=1),
            ValueError,
            "num_classes",
        ),
    ],
)
def test_bad_arguments(build, kwargs, error, match):
    with pytest.raises(error, match=match):
        build(**kwargs)
