"""helpers.layers.DenseTranspose: tied weights that really are one matrix."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers import runtime
from helpers.layers import DenseTranspose

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
    assert tuple(decoder.layers[1].kernel.shape) == (8, 20)


def test_decoder_kernel_is_the_encoder_kernel():
    runtime.seed_everything(0)
    model, encoder, decoder, d1, d2 = tied_autoencoder()
    dt2, dt1 = decoder.layers
    assert dt1.tied_layer is d1 and dt2.tied_layer is d2
    before = d1.kernel.numpy().copy()
    model.fit(
        X, X, epochs=1, batch_size=32, verbose=0
    )  # one gradient step on the whole model
    after = d1.kernel.numpy()
    assert not np.allclose(before, after)
    np.testing.assert_array_equal(dt1.kernel.numpy(), after.T)
    # a step on the encoder's kernel alone is seen by the decoder too
    d1.kernel.assign(d1.kernel + 1.0)
    np.testing.assert_array_equal(dt1.kernel.numpy(), after.T + 1.0)


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
        clone_decoder.layers[1].tied_layer is c1
    )  # still tied after loading


def test_full_model_save_says_why_not(tmp_path):
    model, *_ = tied_autoencoder()
    with pytest.raises(NotImplementedError, match="save_weights"):
        model.save(tmp_path / "tied.keras")


def test_bad_input():
    with pytest.raises(
        ValueError, match="dense: expected a keras.layers.Dense"
    ):
        DenseTranspose(keras.layers.Conv2D(3, 3))
    unbuilt = keras.layers.Dense(4)
    with pytest.raises(ValueError, match="must be built"):
        DenseTranspose(unbuilt)(np.zeros((1, 4), "float32"))
    built = keras.layers.Dense(4)
    built.build((None, 6))
    with pytest.raises(ValueError, match="expects 4 features"):
        DenseTranspose(built)(np.zeros((1, 5), "float32"))


def test_minibatch_stddev_appends_the_batch_spread():
    from helpers.layers import MinibatchStdDev

    x = np.array([[0.0, 2.0], [2.0, 2.0], [4.0, 2.0]], "float32")
    out = keras.ops.convert_to_numpy(MinibatchStdDev()(x))
    spread = np.mean(
        np.std(x, axis=0)
    )  # std of columns: [1.633, 0] -> mean 0.8165
    np.testing.assert_allclose(
        out, np.c_[x, np.full(3, spread)], rtol=1e-6
    )
    same = np.repeat(
        x[:1], 4, axis=0
    )  # a "collapsed" batch: all examples alike
    assert (
        keras.ops.convert_to_numpy(MinibatchStdDev()(same))[:, -1].max()
        == 0.0
    )
    assert MinibatchStdDev().compute_output_shape((None, 5)) == (None, 6)


def test_dense_discriminator_with_minibatch_std():
    from helpers.gan import dense_discriminator
    from helpers.layers import MinibatchStdDev

    disc = dense_discriminator(minibatch_std=True)
    assert any(isinstance(layer, MinibatchStdDev) for layer in disc.layers)
    assert disc.output_shape == (None, 1)
    assert disc.layers[3].kernel.shape == (
        151,
        100,
    )  # 150 units + the spread
