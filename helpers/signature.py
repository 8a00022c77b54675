"""What shapes a trained model's weights: a JSON-able dict, a digest.

A checkpoint is resumed only by the training that wrote it. The signature
holds the architecture (every layer's configuration, names left out since
Keras numbers them by creation order), the source of every non-Keras class
the model uses (a changed ``train_step``), the loss and every optimizer's
settings, the training data (shapes and a hash of the bytes), the sizes of
the run and the seed. Changing any of them gives another digest, and the
run's checkpoint folder is named after it, so a changed recipe trains anew.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import sys
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks

_DROPPED = {"name", "module", "registered_name"}


def _strip(obj: Any, names: dict[str, str] | None = None) -> Any:
    if isinstance(obj, dict):
        policy = _mixed_policy(obj)
        if policy is not None:
            return {
                "class_name": obj["class_name"],
                "config": {"policy": policy},
            }
        return {
            k: _strip(v, names)
            for k, v in obj.items()
            if k not in _DROPPED
        }
    if isinstance(obj, (list, tuple)):
        return [_strip(v, names) for v in obj]
    if names and isinstance(obj, str):
        return names.get(obj, obj)
    return obj


def _mixed_policy(obj: dict[str, Any]) -> str | None:
    """The name of a serialised dtype policy other than float32, or None.

    A policy's name is in its config's "name", which ``_strip`` drops with
    the layer names; float32 stays as it was, so that float32 models keep
    their earlier digests.
    """
    if obj.get("class_name") not in ("DTypePolicy", "FloatDTypePolicy"):
        return None
    config = obj.get("config")
    name = config.get("name") if isinstance(config, dict) else None
    return None if name in (None, "float32") else str(name)


def _layer_names(obj: Any, found: dict[str, str]) -> dict[str, str]:
    """A functional model's layer names, numbered by position.

    Its config refers to layers by name ("dense_3"), which Keras numbers
    by creation order; positions keep the signature of the same
    architecture the same, whatever was built before it.
    """
    if isinstance(obj, dict):
        if "inbound_nodes" in obj and isinstance(obj.get("name"), str):
            found.setdefault(obj["name"], f"layer-{len(found)}")
        for value in obj.values():
            _layer_names(value, found)
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            _layer_names(value, found)
    return found


def _layer_description(layer: keras.layers.Layer) -> Any:
    try:
        config = keras.saving.serialize_keras_object(layer)
        return _strip(config, _layer_names(config, {}))
    except (NotImplementedError, TypeError, ValueError):
        # A layer that cannot be serialised (a tied DenseTranspose): its
        # class, its own weights' shapes, and what it contains.
        return {
            "class": type(layer).__name__,
            "weights": [list(w.shape) for w in layer.weights],
            "layers": [
                _layer_description(sub)
                for sub in getattr(layer, "layers", [])
            ],
        }


def optimizers(model: keras.Model) -> dict[str, Any]:
    """Every optimizer a model holds, by attribute, with its settings."""
    checks.instance("model", model, keras.Model)
    found = {}
    for attr, value in sorted(vars(model).items()):
        if isinstance(value, keras.optimizers.Optimizer):
            config = keras.saving.serialize_keras_object(value)
            found[attr.lstrip("_")] = _strip(config)
    return found


def data_digest(arrays: Sequence[Any]) -> dict[str, Any]:
    """Shapes, dtypes and a BLAKE2 hash of the training arrays' bytes."""
    if not isinstance(arrays, (tuple, list)):
        raise TypeError(
            "arrays: expected a list of arrays, got "
            f"{type(arrays).__name__}"
        )
    for i, arr in enumerate(arrays):
        checks.as_array(f"arrays[{i}]", arr, allow_empty=True)
    digest = hashlib.blake2b(digest_size=16)
    shapes = []
    for arr in arrays:
        a = np.ascontiguousarray(arr)
        shapes.append([list(a.shape), str(a.dtype)])
        digest.update(str(a.shape).encode() + str(a.dtype).encode())
        digest.update(a.data)
    return {"arrays": shapes, "blake2b": digest.hexdigest()}


def _custom_classes(model: keras.Model) -> dict[str, type]:
    """Classes of the model, its layers and its optimizers written
    outside Keras.
    """
    found, todo = {}, [model]
    todo += [
        value
        for value in vars(model).values()
        if isinstance(value, keras.optimizers.Optimizer)
    ]
    while todo:
        obj = todo.pop()
        for cls in type(obj).__mro__:
            module = getattr(cls, "__module__", "")
            if not module.startswith(("keras", "builtins", "tensorflow")):
                found[f"{module}.{cls.__qualname__}"] = cls
        todo.extend(getattr(obj, "layers", []))
    return found


def code_digest(model: keras.Model) -> str | None:
    """A hash of the code of every non-Keras class the model uses.

    A changed ``train_step``, custom layer, optimizer or function they
    call changes the training without changing any config. So a class
    from a module (``helpers.infogan``) counts with its whole module's
    source, a class defined in a notebook with its own; None for
    Keras-only models.
    """
    checks.instance("model", model, keras.Model)
    classes = _custom_classes(model)
    if not classes:
        return None
    sources = {}
    for name, cls in classes.items():
        module = sys.modules.get(cls.__module__)
        try:
            if module is not None and getattr(module, "__file__", None):
                sources[cls.__module__] = inspect.getsource(module)
            else:
                sources[name] = inspect.getsource(cls)
        except (OSError, TypeError):  # no source file (an odd session)
            sources[name] = name
    digest = hashlib.sha256()
    for key, source in sorted(sources.items()):
        digest.update(key.encode() + source.encode())
    return digest.hexdigest()[:16]


def training_signature(
    model: keras.Model,
    arrays: Sequence[Any],
    **settings: Any,
) -> dict[str, Any]:
    """The signature of training ``model`` on ``arrays`` with ``settings``.

    ``settings`` are the run's sizes and seed (epochs, batch size, ...) and
    anything else a recipe wants to pin; they must be JSON-able.
    """
    checks.instance("model", model, keras.Model)
    loss = getattr(model, "loss", None)
    signature = {
        "model": _layer_description(model),
        "optimizers": optimizers(model),
        "loss": None
        if loss is None
        else _strip(keras.saving.serialize_keras_object(loss)),
        "data": data_digest(arrays),
        "settings": settings,
    }
    code = code_digest(model)
    if code is not None:  # Keras-only models keep their earlier digests
        signature["code"] = code
    return json.loads(json.dumps(signature, sort_keys=True, default=str))


def digest(signature: dict[str, Any], length: int = 10) -> str:
    """A short hex digest of a signature, for folder names."""
    checks.instance("signature", signature, dict)
    checks.positive_int("length", length)
    text = json.dumps(signature, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:length]
