"""helpers.data: real Fashion-MNIST / MNIST through Keras' loaders, and clear errors on bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from helpers import data


@pytest.fixture(scope="module")
def fashion() -> data.ImageData:
    return data.load_fashion_mnist()


@pytest.fixture(scope="module")
def mnist() -> data.ImageData:
    return data.load_mnist()


@pytest.mark.parametrize("name", ["fashion", "mnist"])
def test_shapes_dtype_range_and_split(name, request):
    ds = request.getfixturevalue(name)
    assert ds.x_train.shape == (55_000, 28, 28)
    assert ds.x_valid.shape == (5_000, 28, 28)
    assert ds.x_test.shape == (10_000, 28, 28)
    assert (
        ds.y_train.shape == (55_000,)
        and ds.y_valid.shape == (5_000,)
        and ds.y_test.shape == (10_000,)
    )
    for x in (ds.x_train, ds.x_valid, ds.x_test):
        assert x.dtype == np.float32
        assert x.min() == 0.0 and x.max() == 1.0
    for y in (ds.y_train, ds.y_valid, ds.y_test):
        assert set(np.unique(y)) == set(range(10))
    assert len(ds.class_names) == 10


def test_class_names(fashion, mnist):
    assert (
        fashion.class_names[0] == "T-shirt/top"
        and fashion.class_names[9] == "Ankle boot"
    )
    assert mnist.class_names == tuple("0123456789")


def test_split_is_fixed_and_disjoint(fashion):
    again = data.load_fashion_mnist()
    np.testing.assert_array_equal(again.x_valid, fashion.x_valid)
    # the validation images are the last 5 000 of Keras' training set, not in x_train
    assert not any(
        np.array_equal(fashion.x_valid[0], x)
        for x in fashion.x_train[-50:]
    )


def test_subset(fashion):
    small = fashion.subset(n_train=100, n_test=20)
    assert small.x_train.shape == (100, 28, 28) and small.y_test.shape == (
        20,
    )
    assert small.x_valid.shape == fashion.x_valid.shape
    np.testing.assert_array_equal(small.x_train, fashion.x_train[:100])
    with pytest.raises(ValueError, match="n_train"):
        fashion.subset(n_train=0)
    with pytest.raises(ValueError, match="n_test: asked for 20000"):
        fashion.subset(n_test=20_000)


def test_valid_size_checked():
    with pytest.raises(ValueError, match="valid_size"):
        data.load_mnist(valid_size=60_000)


def test_verified_cache_passes(data_cache):
    assert data.verify_cache("fashion_mnist", data_cache) == []
    assert data.verify_cache("mnist", data_cache) == []


def test_truncated_file_names_the_file(data_cache):
    path = data_cache / "fashion-mnist" / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(data.DataFileError) as err:
        data.verify_cache("fashion_mnist", data_cache)
    msg = str(err.value)
    assert str(path) in msg and "truncated" in msg and "26421880" in msg
    assert "../shared/data" in msg  # says how to fix it


def test_corrupted_file_names_the_file(data_cache):
    path = data_cache / "mnist.npz"
    raw = bytearray(path.read_bytes())
    raw[5000] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(
        data.DataFileError, match=r"mnist\.npz: corrupted: SHA-256"
    ):
        data.verify_cache("mnist", data_cache)


def test_loader_checks_before_keras_reads(data_cache, monkeypatch):
    path = data_cache / "fashion-mnist" / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(b"not a gzip file")
    monkeypatch.setattr(data, "keras_cache_dir", lambda: data_cache)
    with pytest.raises(
        data.DataFileError, match="t10k-labels-idx1-ubyte.gz: truncated"
    ):
        data.load_fashion_mnist()


def test_missing_file_offline_gives_named_error(data_cache, monkeypatch):
    import keras

    (data_cache / "mnist.npz").unlink()
    monkeypatch.setattr(data, "keras_cache_dir", lambda: data_cache)

    def no_network(*args, **kwargs):
        raise Exception(
            "URL fetch failure on https://example.invalid/mnist.npz: None -- no route"
        )

    monkeypatch.setattr(keras.datasets.mnist, "load_data", no_network)
    with pytest.raises(data.DataFileError) as err:
        data.load_mnist()
    msg = str(err.value)
    assert (
        "mnist.npz: missing" in msg
        and "could not download" in msg
        and "cp -r" in msg
    )


def test_unknown_dataset():
    with pytest.raises(ValueError, match="dataset: expected one of"):
        data.verify_cache("cifar10")


def test_summary_mentions_every_split(fashion):
    text = fashion.summary()
    assert (
        "Fashion-MNIST" in text
        and "(55000, 28, 28)" in text
        and "test" in text
    )


def small_split(**changes):
    rng = np.random.default_rng(0)
    parts = dict(
        name="tiny",
        x_train=rng.random((4, 3, 3)).astype(np.float32),
        y_train=np.array([0, 1, 0, 1]),
        x_valid=rng.random((2, 3, 3)).astype(np.float32),
        y_valid=np.array([1, 0]),
        x_test=rng.random((2, 3, 3)).astype(np.float32),
        y_test=np.array([0, 0]),
        class_names=("a", "b"),
    )
    return data.ImageData(**{**parts, **changes})


def test_image_data_validates_its_arrays():
    ok = small_split(
        x_train=np.zeros((4, 3, 3), np.float64),
        y_train=[0.0, 1.0, 1.0, 0.0],
    )
    assert ok.x_train.dtype == np.float32 and ok.y_train.dtype == np.int64
    with pytest.raises(
        ValueError,
        match=r"x_train: expected values in \[0, 1\].*divide by 255",
    ):
        small_split(x_train=np.full((4, 3, 3), 255.0))
    with pytest.raises(ValueError, match="y_valid: expected 2 labels"):
        small_split(y_valid=np.array([0, 1, 1]))
    with pytest.raises(
        ValueError, match="y_test: expected labels below 2"
    ):
        small_split(y_test=np.array([0, 2]))
    with pytest.raises(
        ValueError, match="x_test: expected a 3 or 4-D array"
    ):
        small_split(x_test=np.zeros(2))
    with pytest.raises(ValueError, match="x_valid: contains 1 NaN"):
        small_split(x_valid=np.array([[[np.nan]], [[0.5]]]))
    with pytest.raises(TypeError, match="name: expected a dataset name"):
        small_split(name="")
    with pytest.raises(
        ValueError, match="class_names: expected at least one"
    ):
        small_split(class_names=())


def test_keras_cache_dir_follows_keras_own_rule(monkeypatch, tmp_path):
    from keras.src.backend import (
        config,  # the rule Keras itself applied at import
    )

    assert data.keras_cache_dir() == Path(config.keras_home()) / "datasets"
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    assert data.keras_cache_dir() == tmp_path / "kh" / "datasets"
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert data.keras_cache_dir() == tmp_path / ".keras" / "datasets"
    monkeypatch.setattr(data.os, "access", lambda path, mode: False)
    assert data.keras_cache_dir() == Path("/tmp/.keras/datasets")
