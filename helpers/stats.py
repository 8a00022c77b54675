"""Seeds and intervals: how the book states a finding.

A finding ("A beats B") rests on several seeds per arm. :func:`summary`
gives the mean, the sample standard deviation (ddof = 1), n and a 95 %
t-interval; :func:`difference` gives Welch's 95 % interval of a
difference of means, and :func:`verdict` says in words only what that
interval supports. :func:`bootstrap` gives a percentile interval where
the randomness is in the samples, not the seeds.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats as sps

from helpers import checks


@dataclass(frozen=True)
class Summary:
    """Mean, sample standard deviation, n, 95 % interval of the mean."""

    mean: float
    sd: float
    n: int
    low: float
    high: float

    def format(self, digits: int = 3, with_n: bool = True) -> str:
        """``0.123 ± 0.004 (n=3)``, or ``0.123 (n=1)`` for a single run.

        ``digits`` is the mean's decimals; the spread gets the decimals
        it needs to show one significant digit, and a spread under
        0.001 prints as ``3e-05`` so it never reads as "± 0.000". A
        spread at float-rounding level means every run gave the same
        value. ``with_n=False`` drops the ``(n=...)`` for tables that
        give n a column of their own.
        """
        digits = checks.positive_int("digits", digits, minimum=0)
        checks.boolean("with_n", with_n)
        mean = f"{self.mean:.{digits}f}"
        if self.n == 1:
            return mean + (" (n=1)" if with_n else "")
        if self.sd <= 1e-12 * max(1.0, abs(self.mean)):
            return mean + (f" (n={self.n}, all equal)" if with_n else "")
        text = f"{mean} ± {spread(self.sd, digits)}"
        return text + (f" (n={self.n})" if with_n else "")

    def __str__(self) -> str:
        return self.format()


def spread(sd: float, digits: int = 3) -> str:
    """A standard deviation as text that never reads "0" or "0.000".

    At least ``digits`` decimals and one significant digit; under 0.001
    it switches to ``3e-05`` (one significant digit).
    """
    sd = checks.number("sd", sd, low=0.0, low_open=True)
    digits = checks.positive_int("digits", digits, minimum=0)
    if sd < 1e-3:
        return f"{sd:.0e}"
    places = digits
    while round(sd, places) == 0:
        places += 1
    return f"{sd:.{places}f}"


def _values(name: str, values: Any) -> np.ndarray:
    return checks.as_array(name, values, ndim=1).astype(np.float64)


def summary(values: Sequence[float]) -> Summary:
    """Mean ± sd (ddof = 1) with n and a 95 % t-interval of the mean."""
    v = _values("values", values)
    n, mean = len(v), float(v.mean())
    if n == 1:
        return Summary(mean, float("nan"), 1, float("nan"), float("nan"))
    sd = float(v.std(ddof=1))
    half = float(sps.t.ppf(0.975, n - 1)) * sd / np.sqrt(n)
    return Summary(mean, sd, n, mean - half, mean + half)


def difference(a: Sequence[float], b: Sequence[float]) -> Summary:
    """``mean(a) - mean(b)`` with Welch's 95 % interval."""
    x, y = _values("a", a), _values("b", b)
    if len(x) < 2 or len(y) < 2:
        raise ValueError(
            "a, b: need at least 2 values in each arm for an interval, "
            f"got {len(x)} and {len(y)}"
        )
    va, vb = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    diff, se = float(x.mean() - y.mean()), float(np.sqrt(va + vb))
    if se == 0.0:
        return Summary(diff, 0.0, len(x) + len(y), diff, diff)
    dof = (va + vb) ** 2 / (va**2 / (len(x) - 1) + vb**2 / (len(y) - 1))
    half = float(sps.t.ppf(0.975, dof)) * se
    return Summary(diff, se, len(x) + len(y), diff - half, diff + half)


def verdict(
    a: Sequence[float],
    b: Sequence[float],
    names: tuple[str, str] = ("A", "B"),
    lower_is_better: bool = False,
    prefix: str = "",
    width: int = 74,
) -> str:
    """What the 95 % interval of ``a - b`` supports, in words.

    "A is higher", "A is lower" or "within the seed spread", with the
    interval; ``lower_is_better`` turns "higher"/"lower" into
    "worse"/"better" for errors and distances. ``prefix`` starts the
    text (e.g. "test MSE: "), which is wrapped at ``width``.
    """
    if (
        not isinstance(names, (tuple, list))
        or len(names) != 2
        or not all(isinstance(n, str) for n in names)
    ):
        raise TypeError(f"names: expected two names, got {names!r}")
    checks.boolean("lower_is_better", lower_is_better)
    checks.instance("prefix", prefix, str)
    width = checks.positive_int("width", width)
    first, second = names
    d = difference(a, b)  # checks both arms
    va, vb = _values("a", a), _values("b", b)
    words = ("better", "worse") if lower_is_better else ("lower", "higher")
    if np.ptp(va) == 0 and np.ptp(vb) == 0:  # no spread: no interval
        if va[0] == vb[0]:
            text = f"{first} and {second}: the same in every seed"
        else:
            word = words[0] if va[0] < vb[0] else words[1]
            text = f"{first} is {word} than {second} in every seed"
        text += f" ({va[0]:.4g} against {vb[0]:.4g})"
        return textwrap.fill(prefix + text, width, subsequent_indent="  ")
    ci = f"[{d.low:.3g}, {d.high:.3g}]"
    interval = f"(difference {d.mean:+.3g}, 95 % CI {ci})"
    if d.high < 0:
        text = f"{first} is {words[0]} than {second} {interval}"
    elif d.low > 0:
        text = f"{first} is {words[1]} than {second} {interval}"
    else:
        text = f"{first} and {second}: within the seed spread {interval}"
    return textwrap.fill(prefix + text, width, subsequent_indent="  ")


def bootstrap(
    statistic: Callable[[np.ndarray], float],
    data: Any,
    n_resamples: int = 200,
    seed: int = 0,
) -> Summary:
    """Percentile 95 % interval of ``statistic`` over resampled ``data``.

    ``data`` is resampled by rows with replacement; the returned mean is
    the statistic on the data itself, ``sd`` the resamples' spread.
    """
    checks.is_callable("statistic", statistic)
    rows = checks.as_array("data", data)
    n_resamples = checks.positive_int(
        "n_resamples", n_resamples, minimum=2
    )
    rng = np.random.default_rng(
        checks.positive_int("seed", seed, minimum=0)
    )
    values = np.array(
        [
            statistic(rows[rng.integers(0, len(rows), len(rows))])
            for _ in range(n_resamples)
        ]
    )
    low, high = np.percentile(values, [2.5, 97.5])
    return Summary(
        float(statistic(rows)),
        float(values.std(ddof=1)),
        len(rows),
        float(low),
        float(high),
    )
