"""Input checks shared by every public helper.

Each check raises before any work is done, with a message that starts with
the argument's name and says what was expected and what came: ``TypeError``
for the wrong kind of object, ``ValueError`` for a wrong value (shape,
range, NaN, size, length, unknown name). Images are checked against the
range the helper assumes, so a batch in [0, 255] is refused where [0, 1]
is expected.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def as_array(
    name: str,
    value: object,
    *,
    ndim: int | Sequence[int] | None = None,
    shape: Sequence[int | None] | None = None,
    value_range: tuple[float, float] | None = None,
    numeric: bool = True,
    allow_empty: bool = False,
) -> np.ndarray:
    """``value`` as a NumPy array, after checking rank, shape and range.

    ``shape`` may hold ``None`` for free dimensions, ``value_range`` is
    inclusive. Numbers must be finite; strings, ``None`` and ragged lists
    are refused with a ``TypeError``.
    """
    if value is None or isinstance(value, (str, bytes, dict)):
        raise TypeError(
            f"{name}: expected an array of numbers, got "
            f"{type(value).__name__} {_shown(value)}"
        )
    try:
        arr = np.asarray(value)
    except Exception as err:  # ragged lists and the like
        raise TypeError(
            f"{name}: expected an array, could not convert it ({err})"
        ) from None
    if arr.dtype.name in ("bfloat16", "float8_e4m3fn", "float8_e5m2"):
        arr = arr.astype(np.float32)  # mixed precision's (ml_dtypes)
    if numeric and not (
        np.issubdtype(arr.dtype, np.number) or arr.dtype == bool
    ):
        raise TypeError(
            f"{name}: expected numbers, got an array of dtype {arr.dtype}"
        )
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(a) for a in allowed)
            raise ValueError(
                f"{name}: expected a {want}-D array, "
                f"got shape {arr.shape} ({arr.ndim}-D)"
            )
    if shape is not None:
        if arr.ndim != len(shape) or any(
            want is not None and got != want
            for got, want in zip(arr.shape, shape)
        ):
            pretty = ", ".join(
                "any" if s is None else str(s) for s in shape
            )
            raise ValueError(
                f"{name}: expected shape ({pretty}), got {arr.shape}"
            )
    if arr.size == 0 and not allow_empty:
        raise ValueError(
            f"{name}: expected a non-empty array, got shape {arr.shape}"
        )
    if numeric and arr.size and not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name}: contains {bad} NaN or infinite values")
    if value_range is not None and arr.size:
        lo, hi = value_range
        amin, amax = float(arr.min()), float(arr.max())
        if amin < lo or amax > hi:
            hint = ""
            if hi <= 1 and amax > 1.5:
                hint = " (raw 8-bit pixels? divide by 255)"
            raise ValueError(
                f"{name}: expected values in [{lo:g}, {hi:g}], got values "
                f"in [{amin:.4g}, {amax:.4g}]{hint}"
            )
    return arr


def images(
    name: str,
    value: object,
    value_range: tuple[float, float] = (0.0, 1.0),
    ndim: int | Sequence[int] = (3, 4),
) -> np.ndarray:
    """A batch of images as float32, checked for rank, NaN and range."""
    return as_array(
        name, value, ndim=ndim, value_range=value_range
    ).astype(np.float32, copy=False)


def labels(
    name: str,
    value: object,
    num_classes: int | None = None,
    length: int | None = None,
) -> np.ndarray:
    """Class labels as int64: whole numbers in ``[0, num_classes)``."""
    arr = as_array(name, value, ndim=1)
    if arr.dtype == bool or not np.all(arr == np.round(arr)):
        raise ValueError(
            f"{name}: expected whole-number class labels, got "
            f"{arr[arr != np.round(arr)][:3].tolist() or arr.dtype}"
        )
    if arr.min() < 0:
        raise ValueError(
            f"{name}: expected labels >= 0, got {int(arr.min())}"
        )
    if num_classes is not None and arr.max() >= num_classes:
        raise ValueError(
            f"{name}: expected labels below {num_classes} (the number of "
            f"classes), got {int(arr.max())}"
        )
    if length is not None and len(arr) != length:
        raise ValueError(
            f"{name}: expected {length} labels (one per image), "
            f"got {len(arr)}"
        )
    return arr.astype(np.int64)


def positive_int(name: str, value: object, *, minimum: int = 1) -> int:
    """``value`` as an int >= ``minimum`` (bools and floats refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(
            f"{name}: expected an integer, got "
            f"{type(value).__name__} {_shown(value)}"
        )
    if value < minimum:
        raise ValueError(
            f"{name}: expected an integer >= {minimum}, got {value}"
        )
    return int(value)


def number(
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """``value`` as a finite float inside the given bounds."""
    if isinstance(value, bool) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise TypeError(
            f"{name}: expected a number, got "
            f"{type(value).__name__} {_shown(value)}"
        )
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name}: expected a finite number, got {x}")
    too_low = low is not None and (x <= low if low_open else x < low)
    too_high = high is not None and (x >= high if high_open else x > high)
    if too_low or too_high:
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        left, right = "(" if low_open else "[", ")" if high_open else "]"
        raise ValueError(
            f"{name}: expected a number in {left}{lo}, {hi}{right}, "
            f"got {x:g}"
        )
    return x


def one_of(name: str, value: object, options: Sequence[Any]) -> Any:
    """``value`` if it is one of ``options``."""
    try:
        ok = value in options
    except TypeError:  # unhashable value against a set
        ok = False
    if not ok:
        raise ValueError(
            f"{name}: expected one of {tuple(options)}, "
            f"got {_shown(value)}"
        )
    return value


def value_range(name: str, value: object) -> tuple[float, float]:
    """A ``(low, high)`` pair of finite numbers with ``low < high``."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(
            f"{name}: expected a (low, high) pair, got {_shown(value)}"
        )
    lo = number(f"{name}[0]", value[0])
    hi = number(f"{name}[1]", value[1])
    if not lo < hi:
        raise ValueError(
            f"{name}: expected (low, high) with low < high, got {value}"
        )
    return lo, hi


def same_length(**arrays: object) -> int:
    """The arrays' common first dimension; names them if it differs."""
    if not arrays:
        raise TypeError("arrays: name at least one array")
    for n, a in arrays.items():
        if (
            a is None
            or isinstance(a, (str, bytes))
            or not hasattr(a, "__len__")
            or getattr(a, "ndim", 1) == 0
        ):
            raise TypeError(
                f"{n}: expected an array, got {type(a).__name__} "
                f"{_shown(a)}"
            )
    lengths = {n: len(a) for n, a in arrays.items()}  # type: ignore[arg-type]
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{n} has {k}" for n, k in lengths.items())
        raise ValueError(
            f"{', '.join(lengths)}: expected the same number of rows, "
            f"but {detail}"
        )
    return next(iter(lengths.values()))


def plain_name(name: str, value: object) -> str:
    """A name safe as one folder name: no '/', no '..', no dot first."""
    if not isinstance(value, str):
        raise TypeError(
            f"{name}: expected a string, got {type(value).__name__}"
        )
    if (
        not value
        or value.startswith(".")
        or "/" in value
        or "\\" in value
        or os.sep in value
    ):
        raise ValueError(
            f"{name}: expected a plain name (letters, digits, '-', '_'), "
            f"got {value!r}"
        )
    return value


def boolean(name: str, value: object) -> bool:
    """``value`` if it is a bool (NumPy bools included)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"{name}: expected True or False, got {_shown(value)}"
        )
    return bool(value)


def is_callable(name: str, value: object) -> Callable[..., Any]:
    """``value`` if it can be called."""
    if not callable(value):
        raise TypeError(
            f"{name}: expected a function, got {type(value).__name__}"
        )
    return value


def instance(
    name: str, value: object, kind: type | tuple[type, ...]
) -> Any:
    """``value`` if it is an instance of ``kind``."""
    if not isinstance(value, kind):
        want = (
            " or ".join(k.__name__ for k in kind)
            if isinstance(kind, tuple)
            else kind.__name__
        )
        raise TypeError(
            f"{name}: expected a {want}, got {type(value).__name__}"
        )
    return value


def fit_data(
    name: str, x: object, data_range: tuple[float, float]
) -> np.ndarray:
    """Check what ``fit`` will train on (a dataset by its first batch).

    A model that assumes pixels in ``data_range`` refuses a [0, 255] batch
    or a NaN here, before its first step, instead of learning NaN weights.
    Returns the checked images (the first batch of a dataset), whose
    shape the caller may compare with its network's (:func:`fits_model`).
    """
    if x is None:
        raise TypeError(f"{name}: expected training images, got None")
    if hasattr(x, "take") and hasattr(x, "element_spec"):  # a tf.data set
        first = next(iter(x.take(1)), None)
        if first is None:
            raise ValueError(f"{name}: the dataset is empty")
        while isinstance(first, (tuple, list)) and first:
            first = first[0]
        return as_array(
            f"{name} (first batch)",
            np.asarray(first),
            value_range=data_range,
        )
    while isinstance(x, (tuple, list)):
        if not x:
            raise ValueError(
                f"{name}: expected images, got an empty {type(x).__name__}"
            )
        x = x[0]
    return as_array(name, x, value_range=data_range)


def shape_of(value: object, name: str = "value") -> tuple[int | None, ...]:
    """The static shape of an array, a list or a (symbolic) tensor."""
    shape = getattr(value, "shape", None)
    if shape is not None:
        return tuple(shape)
    if value is None or isinstance(value, (str, bytes, dict)):
        raise TypeError(
            f"{name}: expected an array or a tensor, got "
            f"{type(value).__name__}"
        )
    try:
        return tuple(np.shape(value))
    except ValueError as err:  # ragged lists
        raise TypeError(
            f"{name}: expected an array, could not read its shape ({err})"
        ) from None


def same_shape(
    name: str, value: object, other_name: str, other: object
) -> None:
    """Refuse ``value`` unless its shape is ``other``'s (sizes unknown in
    a compiled step match any).
    """
    a, b = shape_of(value, name), shape_of(other, other_name)
    if len(a) != len(b) or any(
        i is not None and j is not None and i != j for i, j in zip(a, b)
    ):
        raise ValueError(
            f"{name}: expected the shape of {other_name}, {b}, got {a}"
        )


def fits_model(
    name: str, value: object, model: object, which: str = "inputs"
) -> None:
    """Refuse ``value`` whose shape differs from a Keras model's first
    input (or first output, ``which="outputs"``) where both are known.

    ``None`` sizes match any size, and a model without a fixed input
    (subclassed) takes anything. Only static shapes are read, so symbolic
    tensors inside a compiled step pass through.
    """
    one_of("which", which, ("inputs", "outputs"))
    try:
        tensors = getattr(model, which)
    except (AttributeError, ValueError):
        return
    if not isinstance(tensors, (list, tuple)) or not tensors:
        return
    want, got = tuple(tensors[0].shape), shape_of(value, name)
    if len(got) != len(want) or any(
        a is not None and b is not None and a != b
        for a, b in zip(got[1:], want[1:])
    ):
        pretty = ", ".join("any" if s is None else str(s) for s in want)
        raise ValueError(
            f"{name}: expected shape ({pretty}), as the model's "
            f"{which[:-1]}, got {tuple(got)}"
        )


def activation(name: str, value: object) -> object:
    """``value`` if Keras knows it as an activation (or it is None or a
    function).
    """
    if value is None or callable(value):
        return value
    if not isinstance(value, (str, dict)):
        raise TypeError(
            f"{name}: expected an activation name, got "
            f"{type(value).__name__} {_shown(value)}"
        )
    import keras

    try:
        keras.activations.get(value)
    except (ValueError, TypeError):
        raise ValueError(
            f"{name}: unknown activation {_shown(value)} (e.g. 'relu', "
            "'selu', 'sigmoid', 'tanh' or None)"
        ) from None
    return value
