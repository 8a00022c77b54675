"""helpers.metrics.psnr against an independent implementation (tf.image.psnr) and by hand."""
from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from helpers.metrics import psnr

rng = np.random.default_rng(0)
CLEAN = rng.random((6, 28, 28)).astype("float32")
NOISY = np.clip(CLEAN + rng.normal(0, 0.1, CLEAN.shape), 0, 1).astype("float32")


def test_matches_tensorflow():
    ours = psnr(CLEAN, NOISY)
    theirs = tf.image.psnr(CLEAN[..., None], NOISY[..., None], max_val=1.0).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-4)
    assert ours.shape == (6,)


def test_known_value():
    a = np.zeros((1, 4, 4))
    b = np.full((1, 4, 4), 0.1)          # MSE = 0.01 -> 10 log10(1 / 0.01) = 20 dB
    np.testing.assert_allclose(psnr(a, b), [20.0])
    assert psnr(a, a)[0] == np.inf


def test_wrong_max_val_inflates_by_48_db():
    gap = psnr(CLEAN * 1.0, NOISY, max_val=255.0) - psnr(CLEAN, NOISY, max_val=1.0)
    np.testing.assert_allclose(gap, 20 * np.log10(255.0), rtol=1e-9)


def test_8bit_images_use_255():
    a8, b8 = np.round(CLEAN * 255), np.round(NOISY * 255)
    np.testing.assert_allclose(psnr(a8, b8, max_val=255.0), psnr(a8 / 255, b8 / 255), rtol=1e-5)


@pytest.mark.parametrize("a, b, kwargs, match", [
    (CLEAN, NOISY[:3], {}, r"b: expected the shape of a"),
    (CLEAN * 255, NOISY, {}, r"a: expected values in \[0.0, 1.0\]"),
    (CLEAN, NOISY, {"max_val": 0}, "max_val: expected a positive number"),
    (CLEAN[0, 0], NOISY[0, 0], {}, "a: expected a 2 or 3 or 4-D array"),
])
def test_bad_input(a, b, kwargs, match):
    with pytest.raises(ValueError, match=match):
        psnr(a, b, **kwargs)
