"""Layers that chapters teach and later chapters reuse.

``DenseTranspose`` is taught in the stacked-autoencoder chapter and
``MinibatchStdDev`` in the GAN chapter; each chapter shows this very
source with ``inspect.getsource``.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

import helpers  # noqa: F401  (pins the TensorFlow backend first)


class _TiedRef:
    """Holds the tied layer without making it a sub-layer: Keras neither
    tracks nor saves it twice.
    """

    def __init__(self, layer: keras.layers.Dense):
        self.layer = layer


class DenseTranspose(keras.layers.Layer):
    """A decoder layer tied to an encoder ``Dense``:
    ``y = activation(x @ W.T + b)``.

    It reuses the ``Dense`` layer's kernel ``W`` transposed
    (``W_dec = W_enc^T``), so the pair trains one weight matrix instead of
    two; only the bias ``b`` is its own. The kernel is read from the tied
    layer at every call (Keras 3 has no ``input_shape`` attribute to copy
    shapes from), so a gradient step on either side moves both.

    Saving: the tie is an object reference, which a Keras config cannot
    express, so save and load *weights* (``model.save_weights`` /
    ``load_weights`` on a model built by the same code). ``get_config``
    raises to say so rather than silently untying on reload.
    """

    def __init__(
        self,
        dense: keras.layers.Dense,
        activation: Any = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        if not isinstance(dense, keras.layers.Dense):
            raise ValueError(
                "dense: expected a keras.layers.Dense to tie to, got "
                f"{type(dense).__name__}"
            )
        self._tied = _TiedRef(dense)
        self.activation = keras.activations.get(activation)

    @property
    def tied_layer(self) -> keras.layers.Dense:
        """The encoder layer whose kernel this layer uses, transposed."""
        return self._tied.layer

    @property
    def kernel(self):
        """The decoder's kernel: the tied layer's kernel, transposed (a
        view, not a copy).
        """
        return ops.transpose(self.tied_layer.kernel)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        dense = self.tied_layer
        if not dense.built:
            raise ValueError(
                f"dense: the tied layer {dense.name!r} must be built "
                "(called on an input) before the DenseTranspose layer "
                "that reuses its kernel"
            )
        n_in, n_out = dense.kernel.shape
        if input_shape[-1] is not None and input_shape[-1] != n_out:
            raise ValueError(
                f"inputs: DenseTranspose tied to {dense.name!r} expects "
                f"{n_out} features "
                f"(that layer's units), got {input_shape[-1]}"
            )
        self.bias = self.add_weight(
            name="bias", shape=(n_in,), initializer="zeros"
        )

    def call(self, inputs):
        outputs = (
            ops.matmul(inputs, ops.transpose(self.tied_layer.kernel))
            + self.bias
        )
        return self.activation(outputs)

    def compute_output_shape(
        self, input_shape: tuple[int | None, ...]
    ) -> tuple[int | None, ...]:
        return (*input_shape[:-1], self.tied_layer.kernel.shape[0])

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError(
            f"{self.name}: a DenseTranspose layer is tied to another "
            "layer by reference, which a Keras config cannot store. Save "
            "the weights (model.save_weights('x.weights.h5')) and load "
            "them into a model built by the same code."
        )


@keras.saving.register_keras_serializable(package="helpers")
class MinibatchStdDev(keras.layers.Layer):
    """Append one feature to every example: the batch's mean standard
    deviation of its inputs.

    A discriminator that sees single examples cannot tell a generator that
    makes one good image from one that makes all kinds; with this feature
    it sees how *varied* the batch is, and a collapsed generator's batches
    stand out (minibatch discrimination, Salimans et al. 2016, in the
    simple form of Karras et al. 2018). Real and fake batches must go
    through it separately, as :class:`helpers.gan.GAN` does.
    """

    def call(self, inputs):
        # one number for the whole batch
        spread = ops.mean(ops.std(inputs, axis=0))
        return ops.concatenate(
            [inputs, ops.ones_like(inputs[..., :1]) * spread], axis=-1
        )

    def compute_output_shape(self, input_shape):
        return (
            *input_shape[:-1],
            None if input_shape[-1] is None else input_shape[-1] + 1,
        )
