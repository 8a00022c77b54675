"""Config round trips for models built from sub-models (the VAE, the GAN).

A ``keras.Model`` subclass that takes its networks as constructor
arguments must store them in its config and rebuild them in
``from_config``; these two functions do that once.
"""

from __future__ import annotations

from typing import Any

import keras

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks


def config_with_parts(
    config: dict[str, Any], **parts: keras.Model
) -> dict[str, Any]:
    """``config`` plus each named sub-model, serialized."""
    checks.instance("config", config, dict)
    for name, m in parts.items():
        checks.instance(name, m, keras.Model)
    return {
        **config,
        **{
            name: keras.saving.serialize_keras_object(m)
            for name, m in parts.items()
        },
    }


def split_parts(
    config: dict[str, Any], *names: str
) -> tuple[list[keras.Model], dict[str, Any]]:
    """The named sub-models, rebuilt in order, and what is left of
    ``config``.
    """
    checks.instance("config", config, dict)
    missing = [n for n in names if n not in config]
    if missing:
        raise ValueError(
            f"config: no {missing} in it (a damaged or foreign config); "
            f"it has {sorted(config)}"
        )
    rest = dict(config)
    return [
        keras.saving.deserialize_keras_object(rest.pop(name))
        for name in names
    ], rest
