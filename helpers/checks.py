"""Input checks shared by the public helpers.

Every public helper validates what it is given and raises a ``ValueError`` that names
the argument and says what was expected, instead of failing deep inside NumPy or Keras.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def as_array(
    name: str,
    value: object,
    *,
    ndim: int | Sequence[int] | None = None,
    shape: Sequence[int | None] | None = None,
    value_range: tuple[float, float] | None = None,
    numeric: bool = True,
) -> np.ndarray:
    """Return ``value`` as a NumPy array after checking its rank, shape and range.

    ``shape`` may hold ``None`` for free dimensions (``(None, 28, 28)``). ``value_range``
    is inclusive. The error message always starts with the argument's name.
    """
    try:
        arr = np.asarray(value)
    except Exception as err:  # ragged lists and the like
        raise ValueError(f"{name}: expected an array, could not convert it ({err})") from None
    if numeric and not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise ValueError(f"{name}: expected numbers, got an array of dtype {arr.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(a) for a in allowed)
            raise ValueError(
                f"{name}: expected a {want}-D array, got shape {arr.shape} ({arr.ndim}-D)"
            )
    if shape is not None:
        if arr.ndim != len(shape) or any(
            want is not None and got != want for got, want in zip(arr.shape, shape)
        ):
            pretty = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
            raise ValueError(f"{name}: expected shape {pretty}, got {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name}: expected a non-empty array, got shape {arr.shape}")
    if numeric and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: contains NaN or infinite values")
    if value_range is not None:
        lo, hi = value_range
        amin, amax = float(arr.min()), float(arr.max())
        if amin < lo or amax > hi:
            raise ValueError(
                f"{name}: expected values in [{lo}, {hi}], got values in [{amin:.4g}, {amax:.4g}]"
            )
    return arr


def same_length(**arrays: np.ndarray) -> int:
    """Check that every array has the same first dimension and return it."""
    lengths = {name: len(arr) for name, arr in arrays.items()}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{n} has {k}" for n, k in lengths.items())
        raise ValueError(f"expected the same number of rows: {detail}")
    return next(iter(lengths.values()))


def positive_int(name: str, value: object, *, minimum: int = 1) -> int:
    """Check that ``value`` is an integer >= ``minimum`` (bools rejected)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name}: expected an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name}: expected an integer >= {minimum}, got {value}")
    return int(value)
