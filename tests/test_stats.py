"""helpers.stats: mean ± sd with n, Welch's interval of a difference, and the words it supports."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from helpers.stats import (
    Summary,
    bootstrap,
    difference,
    spread,
    summary,
    verdict,
)


def test_summary_is_mean_sample_sd_and_t_interval():
    s = summary([1.0, 2.0, 3.0])
    assert s.mean == 2.0 and s.sd == 1.0 and s.n == 3  # ddof = 1
    half = sps.t.ppf(0.975, 2) * 1.0 / math.sqrt(3)  # 2.48
    assert s.low == pytest.approx(2.0 - half) and s.high == pytest.approx(
        2.0 + half
    )
    assert s.format() == "2.000 ± 1.000 (n=3)" and str(s) == s.format()
    assert s.format(digits=1) == "2.0 ± 1.0 (n=3)"
    # a spread that rounds to 0 gets the digits it needs, never "± 0"
    assert summary([19.2, 19.5, 19.8]).format(0) == "20 ± 0.3 (n=3)"
    assert summary([5.0, 5.0, 5.0]).format(1) == "5.0 (n=3, all equal)"
    # float noise in the sd is no spread (0.98 three ways gave 1e-16)
    noisy = summary([0.98, 0.98, 0.98 + 1e-16])
    assert noisy.format() == "0.980 (n=3, all equal)"
    # a spread under 0.001 never prints as "0.000..."
    small = summary([0.01446, 0.01449, 0.01452])
    assert small.format(5) == "0.01449 ± 3e-05 (n=3)"
    assert small.format(5, with_n=False) == "0.01449 ± 3e-05"
    assert summary([1.0, 2.0, 3.0]).format(1, with_n=False) == "2.0 ± 1.0"


def test_spread_text_and_its_errors():
    assert spread(0.26, 1) == "0.3"
    assert spread(0.004, 2) == "0.004"
    assert spread(0.0004, 4) == "4e-04"
    with pytest.raises(ValueError, match="sd: expected a number in"):
        spread(0.0)
    with pytest.raises(TypeError, match="with_n"):
        summary([1.0, 2.0]).format(with_n="yes")


def test_summary_matches_numpy_and_scipy():
    values = np.random.default_rng(0).normal(5.0, 2.0, size=7)
    s = summary(values)
    assert s.sd == pytest.approx(np.std(values, ddof=1))
    low, high = sps.t.interval(
        0.95, 6, loc=values.mean(), scale=sps.sem(values)
    )
    assert (s.low, s.high) == pytest.approx((low, high))


def test_a_single_run_has_no_spread():
    s = summary([0.5])
    assert s.n == 1 and s.mean == 0.5
    assert math.isnan(s.sd) and math.isnan(s.low) and math.isnan(s.high)
    assert s.format() == "0.500 (n=1)"


def test_difference_is_welchs_interval():
    a = [1.0, 2.0, 3.5, 2.2]
    b = [2.0, 4.0, 5.0, 7.0, 6.1]
    d = difference(a, b)
    assert d.mean == pytest.approx(np.mean(a) - np.mean(b)) and d.n == 9
    ci = sps.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert (d.low, d.high) == pytest.approx((ci.low, ci.high))
    # the standard error by hand
    se = math.sqrt(np.var(a, ddof=1) / 4 + np.var(b, ddof=1) / 5)
    assert d.sd == pytest.approx(se)


def test_difference_of_constant_arms_is_exact():
    d = difference([1.0, 1.0], [0.25, 0.25])
    assert (d.mean, d.sd, d.low, d.high) == (0.75, 0.0, 0.75, 0.75)


def test_difference_needs_two_values_per_arm():
    with pytest.raises(
        ValueError, match="a, b: need at least 2 values in each arm"
    ):
        difference([1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="b: expected a 1-D array"):
        difference([1.0, 2.0], [[1.0, 2.0]])
    with pytest.raises(ValueError, match="a: contains 1 NaN"):
        difference([1.0, float("nan")], [1.0, 2.0])


LOW = [1.0, 1.1, 0.9, 1.05]
HIGH = [2.0, 2.1, 1.9, 2.05]


def test_verdict_words_for_clear_differences():
    assert verdict(LOW, HIGH).startswith(
        "A is lower than B (difference -1"
    )
    assert verdict(HIGH, LOW, names=("dense", "conv")).startswith(
        "dense is higher than conv"
    )
    assert verdict(LOW, HIGH, lower_is_better=True).startswith(
        "A is better than B"
    )
    assert verdict(HIGH, LOW, lower_is_better=True).startswith(
        "A is worse than B"
    )
    assert "95 % CI [" in verdict(LOW, HIGH)


def test_verdict_for_an_unclear_difference():
    text = verdict(
        [1.0, 2.0, 3.0], [1.5, 2.5, 1.8], names=("tied", "untied")
    )
    assert text.startswith("tied and untied: within the seed spread")


def test_verdict_interval_and_wrapping():
    d = difference(LOW, HIGH)
    text = verdict(
        LOW,
        HIGH,
        names=("a long name for A", "a long name for B"),
        prefix="test MSE of the autoencoders: ",
    )
    lines = text.splitlines()
    assert lines[0].startswith(
        "test MSE of the autoencoders: a long name for A is lower"
    )
    assert len(lines) > 1 and all(len(line) <= 74 for line in lines)
    assert all(line.startswith("  ") for line in lines[1:])
    assert f"[{d.low:.3g}, {d.high:.3g}]" in " ".join(
        line.strip() for line in lines
    )
    narrow = verdict(LOW, HIGH, width=40)
    assert all(len(line) <= 40 for line in narrow.splitlines())


def test_bootstrap_interval_contains_the_statistic():
    data = np.random.default_rng(1).normal(3.0, 1.0, size=200)
    s = bootstrap(np.mean, data, n_resamples=300, seed=0)
    assert isinstance(s, Summary) and s.n == 200
    assert s.mean == pytest.approx(data.mean())
    assert s.low < s.mean < s.high
    # the spread of resampled means is about the standard error
    assert s.sd == pytest.approx(
        data.std(ddof=1) / math.sqrt(200), rel=0.25
    )
    assert bootstrap(np.mean, data, n_resamples=300, seed=0) == s
    assert bootstrap(np.mean, data, n_resamples=300, seed=1) != s


def test_bootstrap_resamples_rows():
    pairs = np.c_[np.arange(50.0), 2 * np.arange(50.0)]
    s = bootstrap(
        lambda rows: float(
            np.mean(rows[:, 1] / np.maximum(rows[:, 0], 1))
        ),
        pairs,
    )
    assert s.low <= s.mean <= s.high


def test_bootstrap_arguments():
    with pytest.raises(TypeError, match="statistic: expected a function"):
        bootstrap("mean", [1.0, 2.0])
    with pytest.raises(
        ValueError, match="n_resamples: expected an integer >= 2"
    ):
        bootstrap(np.mean, [1.0, 2.0], n_resamples=1)
    with pytest.raises(ValueError, match="seed: expected an integer >= 0"):
        bootstrap(np.mean, [1.0, 2.0], seed=-1)
    with pytest.raises(ValueError, match="values: expected a 1-D array"):
        summary(np.zeros((2, 2)))
    with pytest.raises(TypeError, match="values: expected an array"):
        summary("1, 2, 3")


def test_verdict_on_arms_without_spread_gives_no_interval():
    line = verdict([10.0, 10.0, 10.0], [10.0, 10.0], ("A", "B"))
    assert line == "A and B: the same in every seed (10 against 10)"
    line = verdict([1.0, 1.0], [2.0, 2.0], ("A", "B"), prefix="classes: ")
    assert line == "classes: A is lower than B in every seed (1 against 2)"
    with pytest.raises(ValueError, match="at least 2 values"):
        verdict([1.0], [1.0, 1.0])
