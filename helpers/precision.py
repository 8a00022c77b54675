"""Numeric precision of training: bfloat16 where the processor has it.

Under Keras' ``mixed_bfloat16`` policy a layer keeps float32 weights and
computes in bfloat16, which oneDNN can run faster than float32 on CPUs
with ``avx512_bf16`` or ``amx_bf16`` instructions (the appendix's runs of
the DCGAN disagree on whether it does on the book's machine). Elsewhere
bfloat16 is emulated and slow, so it is detected from the processor's
flags, never assumed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

import keras

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks
from helpers.runtime import accelerators

PRECISIONS: tuple[str, ...] = ("auto", "float32", "mixed_bfloat16")


def bf16_flags(cpuinfo: str = "/proc/cpuinfo") -> list[str]:
    """The bfloat16 instruction sets the CPU reports (empty: none)."""
    checks.instance("cpuinfo", cpuinfo, str)
    try:
        with open(cpuinfo) as fh:
            flags = next(line for line in fh if line.startswith("flags"))
    except (OSError, StopIteration):
        return []
    return sorted(f for f in flags.split() if "bf16" in f)


def resolve(precision: str, cpuinfo: str = "/proc/cpuinfo") -> str:
    """The policy ``precision`` names; ``"auto"`` picks this machine's.

    ``"auto"`` is ``"mixed_bfloat16"`` on a machine without GPU or TPU
    whose processor reports bfloat16 instructions, else ``"float32"``.
    """
    checks.one_of("precision", precision, PRECISIONS)
    checks.instance("cpuinfo", cpuinfo, str)
    if precision != "auto":
        return precision
    if not accelerators() and bf16_flags(cpuinfo):
        return "mixed_bfloat16"
    return "float32"


def dtype_policy(name: str) -> AbstractContextManager[None]:
    """Build layers under Keras' dtype policy ``name``, then restore it."""
    checks.one_of("name", name, PRECISIONS[1:])
    return _policy(name)


def to_float32(model: keras.Model) -> int:
    """Make the layers of ``model`` that compute in 16 bits use float32.

    In place; the weights stay as they are (a mixed policy keeps them in
    float32 already). A model trained under ``mixed_bfloat16`` then runs
    where bfloat16 is slow or unsupported (a GPU, an older CPU). Meant for
    a freshly loaded model: Keras' compiled functions are dropped so that
    they are traced again, other caches of traced calls are not. Returns
    how many layers changed.
    """
    checks.instance("model", model, keras.Model)
    changed = 0
    for layer in model._flatten_layers(include_self=True):
        if layer.compute_dtype in ("bfloat16", "float16"):
            layer.dtype_policy = "float32"
            changed += 1
        if isinstance(layer, keras.Model):
            for name in ("train", "test", "predict"):
                setattr(layer, f"{name}_function", None)
    return changed


@contextmanager
def _policy(name: str) -> Iterator[None]:
    before = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(before)
