"""helpers.optimizers: FusedRMSprop makes Keras' RMSprop update, saves and reloads."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers import gan, gan_networks
from helpers.optimizers import FusedRMSprop


def train(optimizer_class, steps_per_execution: int = 1):
    keras.utils.set_random_seed(0)
    model = gan.GAN(
        gan_networks.dense_generator(4, (4, 4)),
        gan_networks.dense_discriminator((4, 4)),
        seed=0,
    )
    model.compile(
        d_optimizer=optimizer_class(learning_rate=0.01),
        g_optimizer=optimizer_class(learning_rate=0.01),
        steps_per_execution=steps_per_execution,
    )
    x = np.random.default_rng(0).random((64, 4, 4)).astype("float32")
    model.fit(x, batch_size=16, epochs=3, verbose=0, shuffle=False)
    return model


@pytest.mark.parametrize("steps_per_execution", [1, 4])
def test_same_weights_as_keras_rmsprop(steps_per_execution):
    keras_model = train(keras.optimizers.RMSprop, steps_per_execution)
    fused_model = train(FusedRMSprop, steps_per_execution)
    for a, b in zip(keras_model.weights, fused_model.weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-5)
    moved = train(FusedRMSprop).generator.weights[0].numpy()
    keras.utils.set_random_seed(0)
    start = gan_networks.dense_generator(4, (4, 4)).weights[0].numpy()
    assert not np.allclose(moved, start)  # it did train


def test_one_update_by_hand():
    w = keras.Variable(np.array([1.0, -2.0], "float32"))
    opt = FusedRMSprop(learning_rate=0.1, rho=0.5, epsilon=1e-7)
    g = np.array([0.5, 1.0], "float32")
    opt.apply_gradients([(keras.ops.convert_to_tensor(g), w)])
    v = 0.5 * g**2
    expected = np.array([1.0, -2.0]) - 0.1 * g / np.sqrt(v + 1e-7)
    np.testing.assert_allclose(w.numpy(), expected, rtol=1e-6)


def test_config_round_trip_and_slots():
    opt = FusedRMSprop(learning_rate=0.02, rho=0.8)
    again = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(opt)
    )
    assert isinstance(again, FusedRMSprop)
    assert again.rho == pytest.approx(0.8)
    assert float(again.learning_rate.numpy()) == pytest.approx(0.02)
    # two slots per weight (velocity and step), saved with the optimizer
    model = train(FusedRMSprop)
    n_weights = len(model.discriminator.trainable_weights)
    names = [v.path for v in model.d_optimizer.variables]
    assert sum("velocity" in n for n in names) == n_weights
    assert sum("step" in n for n in names) == n_weights


def test_momentum_and_centering_are_refused():
    with pytest.raises(ValueError, match="momentum: FusedRMSprop"):
        FusedRMSprop(momentum=0.9)
    with pytest.raises(ValueError, match="centered: FusedRMSprop"):
        FusedRMSprop(centered=True)
    with pytest.raises(TypeError, match="centered"):
        FusedRMSprop(centered="yes")
