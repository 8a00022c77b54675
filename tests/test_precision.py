"""helpers.precision: bfloat16 detected from the processor's flags, policies restored."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers import gan_networks, precision


def cpuinfo(tmp_path, flags: str) -> str:
    path = tmp_path / "cpuinfo"
    path.write_text(f"processor\t: 0\nflags\t\t: fpu sse2 {flags}\n")
    return str(path)


def test_bf16_flags_reads_the_flags_line(tmp_path):
    found = precision.bf16_flags(cpuinfo(tmp_path, "amx_bf16 avx512_bf16"))
    assert found == ["amx_bf16", "avx512_bf16"]
    assert precision.bf16_flags(cpuinfo(tmp_path, "avx512f")) == []
    assert precision.bf16_flags(str(tmp_path / "missing")) == []


def test_auto_is_bfloat16_only_on_a_cpu_that_has_it(tmp_path, monkeypatch):
    monkeypatch.setattr(precision, "accelerators", lambda: [])
    with_bf16 = cpuinfo(tmp_path, "avx512_bf16")
    assert precision.resolve("auto", with_bf16) == "mixed_bfloat16"
    without = str(tmp_path / "plain")
    (tmp_path / "plain").write_text("flags\t: fpu avx512f\n")
    assert precision.resolve("auto", without) == "float32"
    # a GPU gets float32 whatever the CPU has
    monkeypatch.setattr(precision, "accelerators", lambda: ["/gpu:0"])
    assert precision.resolve("auto", with_bf16) == "float32"
    # an explicit choice is kept
    assert precision.resolve("mixed_bfloat16", without) == "mixed_bfloat16"
    assert precision.resolve("float32", with_bf16) == "float32"


def test_dtype_policy_builds_mixed_layers_and_restores_the_policy():
    before = keras.config.dtype_policy().name
    with precision.dtype_policy("mixed_bfloat16"):
        gen = gan_networks.dcgan_generator(8, 4)
        disc = gan_networks.dcgan_discriminator(4)
    assert keras.config.dtype_policy().name == before
    assert gen.layers[2].compute_dtype == "bfloat16"
    assert gen.layers[2].variable_dtype == "float32"
    # images and probabilities leave the networks in float32
    assert gen.outputs[0].dtype == "float32"
    assert disc.outputs[0].dtype == "float32"


def test_dtype_policy_restores_after_an_error():
    before = keras.config.dtype_policy().name
    with pytest.raises(RuntimeError):
        with precision.dtype_policy("mixed_bfloat16"):
            raise RuntimeError("inside")
    assert keras.config.dtype_policy().name == before


def test_wrong_names_are_refused():
    with pytest.raises(ValueError, match="precision: expected one of"):
        precision.resolve("bf16")
    with pytest.raises(ValueError, match="name: expected one of"):
        precision.dtype_policy("auto")


def test_to_float32_computes_in_float32_with_the_same_weights():
    keras.utils.set_random_seed(0)
    with precision.dtype_policy("mixed_bfloat16"):
        mixed = gan_networks.dcgan_generator(8, 4)
    plain = gan_networks.dcgan_generator(8, 4)
    plain.set_weights(mixed.get_weights())
    codings = (
        np.random.default_rng(0).normal(size=(4, 8)).astype("float32")
    )
    before = mixed(codings, training=False)
    bf16_layers = sum(
        layer.compute_dtype == "bfloat16" for layer in mixed.layers
    )
    before_traced = mixed.predict(codings, verbose=0)
    # the layers, and the model itself and its input, which carry a policy
    assert precision.to_float32(mixed) >= bf16_layers > 0
    assert all(layer.compute_dtype == "float32" for layer in mixed.layers)
    after = mixed(codings, training=False)
    # now the float32 network's numbers, no longer bfloat16's
    np.testing.assert_allclose(
        after, plain(codings, training=False), atol=1e-6
    )
    assert np.abs(np.asarray(after) - np.asarray(before)).max() > 1e-6
    # predict() traces again instead of keeping the bfloat16 graph
    np.testing.assert_allclose(
        mixed.predict(codings, verbose=0), after, atol=1e-6
    )
    assert np.abs(before_traced - np.asarray(after)).max() > 1e-6
    assert precision.to_float32(mixed) == 0  # nothing left to change


def test_to_float32_reaches_nested_models_and_checks_its_argument():
    with precision.dtype_policy("mixed_bfloat16"):
        inner = keras.Sequential(
            [keras.Input((3,)), keras.layers.Dense(2)]
        )
    outer = keras.Sequential([keras.Input((3,)), inner])
    # at least the inner model and its Dense layer; not the outer one
    assert precision.to_float32(outer) >= 2
    assert outer.compute_dtype == "float32"
    assert (
        inner.compute_dtype == inner.layers[0].compute_dtype == "float32"
    )
    with pytest.raises(TypeError, match="model"):
        precision.to_float32("not a model")
