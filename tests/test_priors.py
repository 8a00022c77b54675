"""helpers.priors: every named prior has its centre, scale and support, seeded."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import ops

from helpers import priors

SD_U01 = 1 / np.sqrt(12)  # standard deviation of U(0, 1)


def draw(prior, n=100_000, seed=1):
    return ops.convert_to_numpy(
        priors.sample_codings((n, 3), prior, seed=seed)
    )


@pytest.mark.parametrize(
    "prior, mean, sd, lo, hi",
    [
        ("normal", 0.0, 1.0, -np.inf, np.inf),
        ("uniform", 0.5, SD_U01, 0.0, 1.0),
        ("uniform_sym", 0.0, 2 * SD_U01, -1.0, 1.0),
        ("uniform_centred", 0.0, SD_U01, -0.5, 0.5),
        ("uniform_wide", 1.0, 2 * SD_U01, 0.0, 2.0),
        # Weibull(k, 1): mean Gamma(1 + 1/k), variance Gamma(1 + 2/k) - mean^2
        ("weibull", 0.9027, np.sqrt(1.1906 - 0.9027**2), 0.0, np.inf),
    ],
)
def test_priors_have_their_mean_scale_and_support(prior, mean, sd, lo, hi):
    z = draw(prior)
    assert z.shape == (100_000, 3) and z.dtype == np.float32
    assert abs(z.mean() - mean) < 0.01
    assert abs(z.std() - sd) < 0.01
    assert z.min() >= lo and z.max() <= hi


def test_every_prior_is_tested():
    assert set(priors.PRIORS) == {
        "normal",
        "uniform",
        "uniform_sym",
        "uniform_centred",
        "uniform_wide",
        "weibull",
    }


def test_the_controls_separate_centre_from_scale():
    """uniform_centred has U(0, 1)'s scale at 0; uniform_wide has U(-1, 1)'s scale off 0."""
    centred, narrow = draw("uniform_centred"), draw("uniform")
    wide, sym = draw("uniform_wide"), draw("uniform_sym")
    assert abs(centred.std() - narrow.std()) < 0.005
    assert abs(wide.std() - sym.std()) < 0.005
    assert abs(centred.mean()) < 0.01 and abs(wide.mean() - 1.0) < 0.01


@pytest.mark.parametrize("prior", priors.PRIORS)
def test_priors_are_seeded(prior):
    a = ops.convert_to_numpy(priors.sample_codings((4, 2), prior, seed=3))
    b = ops.convert_to_numpy(priors.sample_codings((4, 2), prior, seed=3))
    c = ops.convert_to_numpy(priors.sample_codings((4, 2), prior, seed=4))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_a_seed_generator_gives_a_new_draw_each_call_and_repeats():
    def two_draws():
        gen = keras.random.SeedGenerator(7)
        return [
            ops.convert_to_numpy(
                priors.sample_codings((3, 2), "normal", gen)
            )
            for _ in range(2)
        ]

    first, second = two_draws()
    assert not np.array_equal(first, second)
    again = two_draws()
    np.testing.assert_array_equal(first, again[0])
    np.testing.assert_array_equal(second, again[1])


def test_bad_arguments():
    with pytest.raises(ValueError, match="prior: expected one of"):
        priors.sample_codings((2, 2), "gamma")
    with pytest.raises(TypeError, match="shape: expected a tuple"):
        priors.sample_codings(4, "normal")
    with pytest.raises(TypeError, match="shape: expected a tuple"):
        priors.sample_codings((), "normal")
    with pytest.raises(
        ValueError, match=r"shape\[0\]: expected an integer >= 1"
    ):
        priors.sample_codings((0, 2), "normal")
    with pytest.raises(
        TypeError, match=r"shape\[1\]: expected an integer"
    ):
        priors.sample_codings((2, 2.5), "normal")
