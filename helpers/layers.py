"""Layers that one chapter teaches and later chapters reuse.

``DenseTranspose`` is taught in chapter 2 and ``MinibatchStdDev`` in
chapter 7; each chapter shows this source.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks


class TiedReference:
    """Holds a layer without making it a sub-layer of its holder.

    Keras then neither tracks nor saves the tied layer's weights twice.
    """

    def __init__(self, layer: keras.layers.Layer):
        self.layer = checks.instance("layer", layer, keras.layers.Layer)


class DenseTranspose(keras.layers.Layer):
    """A decoder layer tied to an encoder ``Dense``: ``act(x @ W.T + b)``.

    It reuses the ``Dense`` layer's kernel ``W``, transposed, so the pair
    trains one weight matrix instead of two; only the bias ``b`` is its
    own. The kernel is read from the tied layer at every call, so a
    gradient step on either side moves both. Save and load such a model
    by its *weights*: a Keras config cannot hold the tie (``get_config``
    raises instead of silently untying on reload).
    """

    def __init__(
        self,
        dense: keras.layers.Dense,
        activation: Any = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        checks.instance("dense", dense, keras.layers.Dense)
        checks.activation("activation", activation)
        self.tied = TiedReference(dense)
        self.activation = keras.activations.get(activation)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        dense = self.tied.layer
        if not dense.built:
            raise ValueError(
                f"dense: build the tied layer {dense.name!r} (call it on "
                "an input) before the DenseTranspose layer that reuses it"
            )
        n_in, n_out = dense.kernel.shape
        if input_shape[-1] not in (None, n_out):
            raise ValueError(
                f"inputs: expected {n_out} features (the tied layer's "
                f"units), got {input_shape[-1]}"
            )
        self.bias = self.add_weight(
            name="bias", shape=(n_in,), initializer="zeros"
        )

    def call(self, inputs):
        kernel = ops.transpose(self.tied.layer.kernel)
        return self.activation(ops.matmul(inputs, kernel) + self.bias)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.tied.layer.kernel.shape[0])

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError(
            f"{self.name}: a DenseTranspose layer is tied to another "
            "layer by reference, which a Keras config cannot store. Save "
            "the weights (model.save_weights('x.weights.h5')) and load "
            "them into a model built by the same code."
        )


@keras.saving.register_keras_serializable(package="helpers")
class MinibatchStdDev(keras.layers.Layer):
    """Append one feature to each example: the batch's mean std.

    A discriminator that sees single examples cannot tell a generator that
    makes one good image from one that makes all kinds; with this feature
    it sees how *varied* a batch is, and a collapsed generator's batches
    stand out (minibatch discrimination, Salimans et al. 2016, in the
    simple form of Karras et al. 2018). Real and fake batches must go
    through it separately, as :class:`helpers.gan.GAN` sends them.
    """

    def call(self, inputs):
        if len(inputs.shape) != 2:
            raise ValueError(
                f"inputs: expected (batch, features), got shape "
                f"{tuple(inputs.shape)}"
            )
        variance = ops.var(inputs, axis=0)  # per feature, over the batch
        spread = ops.mean(ops.sqrt(variance + 1e-8))  # one number
        feature = ops.ones_like(inputs[..., :1]) * spread
        return ops.concatenate([inputs, feature], axis=-1)

    def compute_output_shape(self, input_shape):
        last = input_shape[-1]
        return (*input_shape[:-1], None if last is None else last + 1)
