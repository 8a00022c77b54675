"""RMSprop as one fused TensorFlow kernel per weight.

Keras' RMSprop updates each weight with about ten small ops. For the
lecture's dense GAN, whose matrices have 32 rows, dispatching those ops
costs more than their arithmetic, so :class:`FusedRMSprop` runs the same
update through TensorFlow's ``ResourceApplyRMSProp``, one op per weight
(the appendix measures the gain).
"""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks


def _handle(variable: Any) -> tf.Tensor:
    """The resource handle of a Keras or a TensorFlow variable."""
    if isinstance(variable, tf.Variable):
        return variable.handle
    return variable.value.handle


@keras.saving.register_keras_serializable(package="helpers")
class FusedRMSprop(keras.optimizers.RMSprop):
    """Keras' RMSprop (no momentum, not centred), one kernel per weight.

    The update is Keras': ``v = rho v + (1 - rho) g**2`` and
    ``w -= lr g / sqrt(v + epsilon)``. TensorFlow's kernel keeps the step
    in a third slot (its momentum, here always 0).
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
        **kwargs: Any,
    ) -> None:
        if momentum != 0.0:
            raise ValueError(
                f"momentum: FusedRMSprop has none, got {momentum!r} "
                "(use keras.optimizers.RMSprop)"
            )
        if checks.boolean("centered", centered):
            raise ValueError(
                "centered: FusedRMSprop is not centred "
                "(use keras.optimizers.RMSprop)"
            )
        super().__init__(
            learning_rate=learning_rate, rho=rho, epsilon=epsilon, **kwargs
        )

    def build(self, var_list: list[Any]) -> None:
        """Keras' slots (velocity), plus TensorFlow's step slot."""
        if self.built:
            return
        super().build(var_list)
        self._steps = [
            self.add_variable_from_reference(v, "step") for v in var_list
        ]

    def update_step(
        self, gradient: Any, variable: Any, learning_rate: Any
    ) -> None:
        """One fused update; a sparse gradient is made dense first."""
        if isinstance(gradient, tf.IndexedSlices):
            gradient = tf.convert_to_tensor(gradient)
        dtype = variable.dtype
        index = self._get_variable_index(variable)
        tf.raw_ops.ResourceApplyRMSProp(
            var=_handle(variable),
            ms=_handle(self._velocities[index]),
            mom=_handle(self._steps[index]),
            lr=tf.cast(learning_rate, dtype),
            rho=tf.constant(self.rho, dtype),
            momentum=tf.constant(0.0, dtype),
            epsilon=tf.constant(self.epsilon, dtype),
            grad=tf.cast(gradient, dtype),
        )
