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


def test_minibatch_stddev_appends_the_batchs_mean_spread():
    from helpers.layers import MinibatchStdDev

    x = np.array(
        [
            [0.0, 1.0, 2.0],
            [2.0, 1.0, 0.0],
            [4.0, 1.0, 2.0],
            [2.0, 1.0, 4.0],
        ],
        dtype="float32",
    )
    out = keras.ops.convert_to_numpy(MinibatchStdDev()(x))
    # per-feature std over the batch (ddof 0), then the mean over features
    spread = np.mean(np.sqrt(np.var(x, axis=0) + 1e-8))
    np.testing.assert_allclose(out, np.c_[x, [spread] * 4], rtol=1e-5)
    assert spread == pytest.approx(
        (np.sqrt(2) + 0 + np.sqrt(2)) / 3, rel=1e-4
    )
    assert MinibatchStdDev().compute_output_shape((None, 5)) == (None, 6)


def test_minibatch_stddev_tells_a_collapsed_batch_from_a_varied_one():
    """The GAN sends real and fake batches in separate calls."""
    from helpers.layers import MinibatchStdDev

    rng = np.random.default_rng(0)
    varied = rng.normal(size=(16, 4)).astype("float32")
    collapsed = np.repeat(varied[:1], 16, axis=0)
    a = keras.ops.convert_to_numpy(MinibatchStdDev()(varied))[:, -1]
    b = keras.ops.convert_to_numpy(MinibatchStdDev()(collapsed))[:, -1]
    assert np.all(a > 0.5) and np.all(b < 1e-3)


def test_minibatch_stddev_refuses_images_and_round_trips_its_config():
    from helpers.layers import MinibatchStdDev

    clone = MinibatchStdDev.from_config(MinibatchStdDev().get_config())
    assert isinstance(clone, MinibatchStdDev)
    with pytest.raises(ValueError, match="inputs: expected"):
        MinibatchStdDev()(np.zeros((2, 3, 3), "float32"))


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
