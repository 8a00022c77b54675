"""helpers.metrics: PSNR (against tf.image.psnr and by hand), the Fréchet distance, class statistics."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from helpers.metrics import (
    class_coverage,
    class_entropy,
    class_histogram,
    frechet_distance,
    frechet_distance_from_moments,
    psnr,
)

rng = np.random.default_rng(0)
CLEAN = rng.random((6, 28, 28)).astype("float32")
NOISY = np.clip(CLEAN + rng.normal(0, 0.1, CLEAN.shape), 0, 1).astype(
    "float32"
)


def test_matches_tensorflow():
    ours = psnr(CLEAN, NOISY)
    theirs = tf.image.psnr(
        CLEAN[..., None], NOISY[..., None], max_val=1.0
    ).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-4)
    assert ours.shape == (6,)


def test_known_value():
    a = np.zeros((1, 4, 4))
    b = np.full((1, 4, 4), 0.1)  # MSE = 0.01 -> 10 log10(1 / 0.01) = 20 dB
    np.testing.assert_allclose(psnr(a, b), [20.0])
    assert psnr(a, a)[0] == np.inf


def test_max_val_255_on_unit_images_is_refused():
    """The common mistake: it would inflate every PSNR by 20 log10(255), about 48 dB."""
    assert round(20 * np.log10(255.0)) == 48
    with pytest.raises(
        ValueError,
        match=r"max_val: 255 for images whose pixels all lie in \[0, 1\]; use max_val=1.0.*48 dB",
    ):
        psnr(CLEAN, NOISY, max_val=255.0)
    with pytest.raises(ValueError, match="max_val: 2 for images"):
        psnr(CLEAN, NOISY, max_val=2)


def test_psnr_depends_on_max_val_as_the_formula_says():
    """Scaling the images and max_val together leaves the PSNR unchanged."""
    np.testing.assert_allclose(
        psnr(CLEAN * 2, NOISY * 2, max_val=2.0),
        psnr(CLEAN, NOISY),
        rtol=1e-9,
    )


def test_8bit_images_use_255():
    a8, b8 = np.round(CLEAN * 255), np.round(NOISY * 255)
    np.testing.assert_allclose(
        psnr(a8, b8, max_val=255.0), psnr(a8 / 255, b8 / 255), rtol=1e-5
    )


@pytest.mark.parametrize(
    "a, b, kwargs, match",
    [
        (CLEAN, NOISY[:3], {}, r"b: expected the shape of a"),
        (CLEAN * 255, NOISY, {}, r"a: expected values in \[0, 1\]"),
        (
            CLEAN,
            NOISY,
            {"max_val": 0},
            r"max_val: expected a number in \(0, inf\]",
        ),
        (
            CLEAN,
            NOISY * 2,
            {"max_val": 1.5},
            r"b: expected values in \[0, 1.5\]",
        ),
        (
            CLEAN[0, 0],
            NOISY[0, 0],
            {},
            "a: expected a 2 or 3 or 4-D array",
        ),
    ],
)
def test_bad_input(a, b, kwargs, match):
    with pytest.raises(ValueError, match=match):
        psnr(a, b, **kwargs)


def test_max_val_must_be_a_number():
    with pytest.raises(TypeError, match="max_val: expected a number"):
        psnr(CLEAN, NOISY, max_val="1")
    with pytest.raises(TypeError, match="max_val: expected a number"):
        psnr(CLEAN, NOISY, max_val=np.array([1.0]))


# --- Fréchet distance and class statistics (GAN chapters) -----------------------------


def _gaussian(rng, n, mean, cov):
    return rng.multivariate_normal(mean, cov, size=n)


def test_frechet_distance_of_a_set_to_itself_is_zero():
    feats = np.random.default_rng(0).normal(size=(500, 8))
    assert abs(frechet_distance(feats, feats)) < 1e-8


def test_frechet_distance_matches_the_formula_on_known_gaussians():
    # Diagonal covariances commute, so Tr((S1 S2)^1/2) = sum(sqrt(s1 * s2)) exactly.
    mu1, mu2 = np.array([0.0, 1.0, -2.0]), np.array([1.0, 1.0, 0.5])
    s1, s2 = np.array([1.0, 4.0, 0.25]), np.array([9.0, 1.0, 0.25])
    expected = np.sum((mu1 - mu2) ** 2) + np.sum(
        s1 + s2 - 2 * np.sqrt(s1 * s2)
    )
    got = frechet_distance_from_moments(mu1, np.diag(s1), mu2, np.diag(s2))
    assert np.isclose(got, expected, rtol=1e-10)
    # A full (non-diagonal) pair against scipy's sqrtm, written independently.
    from scipy.linalg import sqrtm

    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(4, 4)), rng.normal(size=(4, 4))
    c1, c2 = a @ a.T + 0.1 * np.eye(4), b @ b.T + 0.1 * np.eye(4)
    direct = np.trace(c1 + c2 - 2 * np.real(sqrtm(c1 @ c2)))
    assert np.isclose(
        frechet_distance_from_moments(np.zeros(4), c1, np.zeros(4), c2),
        direct,
        rtol=1e-8,
    )


def test_frechet_distance_estimated_from_samples_is_close_to_the_true_one():
    rng = np.random.default_rng(2)
    a = _gaussian(rng, 20_000, [0, 0], [[1, 0], [0, 1]])
    b = _gaussian(rng, 20_000, [3, 0], [[1, 0], [0, 1]])
    assert abs(frechet_distance(a, b) - 9.0) < 0.2


def test_frechet_distance_grows_with_a_shift():
    rng = np.random.default_rng(3)
    base = rng.normal(size=(2000, 5))
    distances = [
        frechet_distance(base, rng.normal(size=(2000, 5)) + shift)
        for shift in (0.0, 0.5, 1.0, 2.0)
    ]
    assert (
        distances == sorted(distances)
        and distances[0] < 0.05 < distances[1]
    )


def test_frechet_distance_is_safe_on_singular_covariances():
    rng = np.random.default_rng(4)
    flat = np.c_[
        rng.normal(size=(300, 2)), np.zeros((300, 3))
    ]  # rank-2 covariance in 5-D
    d = frechet_distance(flat, flat + 1.0)
    assert np.isfinite(d) and np.isclose(d, 5.0, atol=1e-6)


def test_frechet_distance_rejects_bad_features():
    with pytest.raises(
        ValueError, match="features_b: expected 3 features"
    ):
        frechet_distance(np.zeros((5, 3)), np.zeros((5, 4)))
    with pytest.raises(
        ValueError, match="features_a: need at least 2 rows"
    ):
        frechet_distance(np.zeros((1, 3)), np.zeros((5, 3)))
    with pytest.raises(
        ValueError, match="features_a: expected a 2-D array"
    ):
        frechet_distance(np.zeros(5), np.zeros((5, 1)))


def test_class_statistics():
    uniform = np.repeat(np.arange(10), 100)
    assert class_coverage(uniform) == 10 and np.isclose(
        class_entropy(uniform), np.log2(10)
    )
    collapsed = np.r_[
        np.full(995, 3), np.arange(5)
    ]  # five stray samples stay under 1 %
    assert (
        class_coverage(collapsed) == 1 and class_entropy(collapsed) < 0.1
    )
    assert class_histogram([0, 0, 2], num_classes=3).tolist() == [2, 0, 1]
    two = np.r_[np.zeros(50), np.ones(50)]
    assert class_coverage(two) == 2 and np.isclose(class_entropy(two), 1.0)
    with pytest.raises(
        ValueError, match="labels: expected labels below 10"
    ):
        class_histogram([0, 10])
    with pytest.raises(
        ValueError, match="labels: expected whole-number class labels"
    ):
        class_histogram([0.5])


def test_sharpness_is_zero_for_flat_images_and_drops_with_blur():
    from scipy.ndimage import gaussian_filter

    from helpers.metrics import sharpness

    assert np.allclose(sharpness(np.full((2, 8, 8), 0.3)), 0.0)
    step = np.zeros((1, 4, 4))
    step[:, :, 2:] = (
        1.0  # one vertical edge of height 1: gradient 1 on one column of 3
    )
    assert np.isclose(sharpness(step)[0], 3 / 9)
    blurred = np.stack([gaussian_filter(im, 1.0) for im in CLEAN])
    assert np.all(sharpness(blurred) < sharpness(CLEAN))
    with pytest.raises(ValueError, match="images: expected values in"):
        sharpness(CLEAN * 255)
