"""helpers.layers.DenseTranspose: tied weights that really are one matrix."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers import runtime
from helpers.layers import DenseTranspose, TiedReference

X = np.random.default_rng(0).random((32, 20)).astype("float32")


def tied_autoencoder():
    d1 = keras.layers.Dense(8, activation="selu")
    d2 = keras.layers.Dense(3, activation="selu")
    encoder = keras.Sequential([keras.Input((20,)), d1, d2])
    decoder = keras.Sequential(
        [
            keras.Input((3,)),
            DenseTranspose(d2, activation="selu"),
            DenseTranspose(d1, activation="sigmoid"),
        ]
    )
    model = keras.Sequential([encoder, decoder])
    model.compile(
        optimizer=keras.optimizers.SGD(0.5), loss="binary_crossentropy"
    )
    return model, encoder, decoder, d1, d2


def test_shapes():
    model, encoder, decoder, d1, d2 = tied_autoencoder()
    assert model(X).shape == (32, 20)
    assert decoder.layers[0].compute_output_shape((None, 3)) == (None, 8)
    assert decoder.layers[1].compute_output_shape((None, 8)) == (None, 20)
    assert [tuple(w.shape) for w in decoder.layers[1].weights] == [
        (20,)
    ]  # only the bias


def by_hand(layer, inputs, kernel, activation):
    """act(inputs @ kernel.T + bias), in NumPy."""
    z = inputs @ kernel.T + layer.bias.numpy()
    return {"sigmoid": lambda v: 1 / (1 + np.exp(-v))}[activation](z)


def test_decoder_kernel_is_the_encoder_kernel():
    runtime.seed_everything(0)
    model, encoder, decoder, d1, d2 = tied_autoencoder()
    dt2, dt1 = decoder.layers
    assert dt1.tied.layer is d1 and dt2.tied.layer is d2
    assert isinstance(dt1.tied, TiedReference)
    assert not hasattr(dt1, "tied_layer") and not hasattr(dt1, "kernel")
    before = d1.kernel.numpy().copy()
    model.fit(
        X, X, epochs=1, batch_size=32, verbose=0
    )  # one gradient step on the whole model
    after = d1.kernel.numpy()
    assert not np.allclose(before, after)
    h = np.random.default_rng(1).random((5, 8)).astype("float32")
    np.testing.assert_allclose(
        dt1(h).numpy(),
        by_hand(dt1, h, after, "sigmoid"),
        rtol=1e-5,
        atol=1e-6,
    )
    # a step on the encoder's kernel alone is seen by the decoder too
    d1.kernel.assign(d1.kernel + 1.0)
    np.testing.assert_allclose(
        dt1(h).numpy(),
        by_hand(dt1, h, after + 1.0, "sigmoid"),
        rtol=1e-5,
        atol=1e-6,
    )


def test_parameter_count_is_about_half():
    model, *_ = tied_autoencoder()
    untied = keras.Sequential(
        [
            keras.Input((20,)),
            keras.layers.Dense(8),
            keras.layers.Dense(3),
            keras.layers.Dense(8),
            keras.layers.Dense(20),
        ]
    )
    # tied: kernels 20*8 + 8*3 once, biases 8 + 3 (encoder) + 8 + 20 (decoder)
    assert model.count_params() == 20 * 8 + 8 * 3 + 8 + 3 + 8 + 20
    assert untied.count_params() == 2 * (20 * 8 + 8 * 3) + 8 + 3 + 8 + 20
    assert len(model.trainable_variables) == 6


def test_gradients_reach_the_shared_kernel_once():
    model, encoder, decoder, d1, d2 = tied_autoencoder()
    paths = [v.path for v in model.trainable_variables]
    assert len(paths) == len(set(paths))
    assert sum("kernel" in p for p in paths) == 2


def test_weights_save_and_load(tmp_path):
    runtime.seed_everything(1)
    model, *_ = tied_autoencoder()
    model.fit(X, X, epochs=2, verbose=0)
    path = tmp_path / "tied.weights.h5"
    model.save_weights(path)
    clone, _, clone_decoder, c1, _ = tied_autoencoder()
    clone.load_weights(path)
    np.testing.assert_allclose(
        clone.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6
    )
    assert (
        clone_decoder.layers[1].tied.layer is c1
    )  # still tied after loading
    np.testing.assert_array_equal(
        c1.kernel.numpy(), model.layers[0].layers[0].kernel.numpy()
    )


def test_full_model_save_says_why_not(tmp_path):
    model, *_ = tied_autoencoder()
    with pytest.raises(NotImplementedError, match="save_weights"):
        model.save(tmp_path / "tied.keras")


def test_bad_input():
    with pytest.raises(
        TypeError, match="dense: expected a Dense, got Conv2D"
    ):
        DenseTranspose(keras.layers.Conv2D(3, 3))
    unbuilt = keras.layers.Dense(4)
    with pytest.raises(ValueError, match="dense: build the tied layer"):
        DenseTranspose(unbuilt)(np.zeros((1, 4), "float32"))
    built = keras.layers.Dense(4)
    built.build((None, 6))
    with pytest.raises(ValueError, match="inputs: expected 4 features"):
        DenseTranspose(built)(np.zeros((1, 5), "float32"))


def test_the_tied_weights_are_not_saved_twice():
    model, *_ = tied_autoencoder()
    model(X[:1])
    # 2 kernels and 4 biases: the decoder holds no copy of a kernel
    assert len(model.weights) == 6


def test_minibatch_stddev_appends_each_groups_spread():
    from helpers.layers import MinibatchStdDev

    x = np.array(
        [
            [0.0, 2.0],
            [2.0, 2.0],
            [4.0, 2.0],
            [1.0, 5.0],
            [1.0, 5.0],
            [1.0, 5.0],
        ],
        "float32",
    )
    out = keras.ops.convert_to_numpy(MinibatchStdDev(group_size=3)(x))
    # group 1: std of columns [1.633, 0] -> mean 0.8165; group 2: all alike
    spread = np.mean(np.std(x[:3], axis=0))
    expected = np.c_[x, [spread] * 3 + [0.0] * 3]
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    assert MinibatchStdDev().compute_output_shape((None, 5)) == (None, 6)


def test_minibatch_stddev_keeps_a_real_and_a_fake_half_apart():
    """The GAN sends both halves in one call: neither may see the other's spread."""
    from helpers.layers import MinibatchStdDev

    rng = np.random.default_rng(0)
    real = rng.normal(size=(16, 4)).astype("float32")
    collapsed = np.repeat(real[:1], 16, axis=0)  # one image, 16 times
    out = keras.ops.convert_to_numpy(
        MinibatchStdDev()(np.r_[real, collapsed])
    )
    assert np.all(out[:16, -1] > 0.5) and np.all(out[16:, -1] < 1e-6)
    assert MinibatchStdDev().group_size == 16


def test_minibatch_stddev_config_and_checks():
    from helpers.layers import MinibatchStdDev

    layer = MinibatchStdDev(group_size=4)
    clone = MinibatchStdDev.from_config(layer.get_config())
    assert clone.group_size == 4
    with pytest.raises(
        ValueError, match="group_size: expected an integer >= 2"
    ):
        MinibatchStdDev(group_size=1)
    with pytest.raises(TypeError, match="group_size: expected an integer"):
        MinibatchStdDev(group_size=2.0)


def test_dense_discriminator_with_minibatch_std():
    from helpers.gan_networks import dense_discriminator
    from helpers.layers import MinibatchStdDev

    disc = dense_discriminator(minibatch_std=True)
    assert any(isinstance(layer, MinibatchStdDev) for layer in disc.layers)
    assert disc.output_shape == (None, 1)
    assert disc.layers[3].kernel.shape == (
        151,
        100,
    )  # 150 units + the spread
