"""Generative models behind one interface: ``sample(n, seed)``.

A :class:`DecoderSampler` wraps any network that maps codings to images (a
GAN's generator, a VAE's or a plain autoencoder's decoder) with the way to
draw its codings and the range of its output, and always returns pixels in
[0, 1]. The model store keeps these, so the scoreboard draws from every
model the same way, whatever trained it.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from keras import ops

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks
from helpers.priors import PRIORS, sample_codings
from helpers.saving import config_with_parts, split_parts

GAUSSIAN = (
    "gaussian"  # codings from a Gaussian fitted to an encoder's codes
)


def to_unit_range(
    images: Any, value_range: tuple[float, float] = (-1.0, 1.0)
) -> np.ndarray:
    """Map images from ``value_range`` (tanh: (-1, 1)) to [0, 1]."""
    lo, hi = checks.value_range("value_range", value_range)
    x = checks.as_array("images", images).astype(np.float32)
    return np.clip((x - lo) / (hi - lo), 0.0, 1.0)


@keras.saving.register_keras_serializable(package="helpers")
class DecoderSampler(keras.Model):
    """A codings-to-images network plus how to draw its codings.

    ``prior`` is a name from :data:`helpers.priors.PRIORS`, or "gaussian"
    with ``mean`` and ``cov`` (a full covariance matrix, or a vector for a
    diagonal one). With ``num_classes`` the network takes ``[codings,
    labels]``; unlabelled draws then pick labels with ``class_probs``.
    """

    def __init__(
        self,
        network: keras.Model,
        prior: str = "normal",
        output_range: tuple[float, float] = (0.0, 1.0),
        mean: Any = None,
        cov: Any = None,
        num_classes: int | None = None,
        class_probs: Any = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        checks.instance("network", network, keras.Model)
        checks.one_of("prior", prior, (*PRIORS, GAUSSIAN))
        self.network, self.prior = network, prior
        self.output_range = checks.value_range(
            "output_range", output_range
        )
        self.codings_size = int(network.inputs[0].shape[-1])
        self.mean = self.cov = None
        if prior == GAUSSIAN:
            self.mean = checks.as_array(
                "mean", mean, shape=(self.codings_size,)
            )
            self.cov = checks.as_array("cov", cov, ndim=(1, 2))
            k = self.codings_size
            if self.cov.shape not in ((k,), (k, k)):
                raise ValueError(
                    f"cov: expected shape ({k},) or ({k}, {k}), "
                    f"got {self.cov.shape}"
                )
            c = self.cov
            tol = 1e-6 * max(1.0, float(np.abs(c).max()))
            if c.ndim == 2 and not np.allclose(
                c, c.T, rtol=1e-6, atol=1e-9
            ):
                raise ValueError("cov: a covariance must be symmetric")
            low = c.min() if c.ndim == 1 else np.linalg.eigvalsh(c).min()
            if low < -tol:
                raise ValueError(
                    "cov: a covariance must be positive semi-definite "
                    f"(smallest eigenvalue or variance {low:.3g})"
                )
        self.num_classes = num_classes
        self.class_probs = None
        if num_classes is not None:
            checks.positive_int("num_classes", num_classes, minimum=2)
            probs = (
                np.full(num_classes, 1 / num_classes)
                if class_probs is None
                else checks.as_array(
                    "class_probs",
                    class_probs,
                    shape=(num_classes,),
                    value_range=(0, 1),
                )
            )
            if not np.isclose(np.sum(probs), 1.0):
                raise ValueError(
                    "class_probs: expected shares summing to 1"
                )
            self.class_probs = np.asarray(probs, dtype=np.float64)
        self.built = True

    def codings(self, n: int, seed: int) -> np.ndarray:
        """``n`` codings drawn with ``seed``."""
        n = checks.positive_int("n", n)
        seed = checks.positive_int("seed", seed, minimum=0)
        if self.prior != GAUSSIAN:
            z = sample_codings((n, self.codings_size), self.prior, seed)
            return ops.convert_to_numpy(z).astype("float32")
        eps = np.random.default_rng(seed).standard_normal(
            (n, self.codings_size)
        )
        if self.cov.ndim == 1:
            z = self.mean + eps * np.sqrt(self.cov)
        else:
            z = (
                self.mean
                + eps
                @ np.linalg.cholesky(
                    self.cov + 1e-9 * np.eye(len(self.cov))
                ).T
            )
        return z.astype("float32")

    def decode(self, codings: Any, labels: Any = None) -> np.ndarray:
        """Images in [0, 1] for codings (and labels if conditional)."""
        z = checks.as_array(
            "codings", codings, shape=(None, self.codings_size)
        )
        inputs = z.astype("float32")
        if self.num_classes is None and labels is not None:
            raise ValueError("labels: this model is not conditional")
        if self.num_classes is not None:
            if labels is None:
                raise ValueError("labels: this model is conditional")
            y = checks.labels("labels", labels, self.num_classes, len(z))
            inputs = [inputs, y.astype("int32")]
        out = self.network.predict(inputs, batch_size=1000, verbose=0)
        return to_unit_range(out, self.output_range)

    def sample(self, n: int, seed: int, labels: Any = None) -> np.ndarray:
        """``n`` new images in [0, 1] (labels drawn if conditional)."""
        if self.num_classes is None and labels is not None:
            raise ValueError("labels: this model is not conditional")
        z = self.codings(n, seed)
        if self.num_classes is not None and labels is None:
            rng = np.random.default_rng([seed, 1])
            labels = rng.choice(self.num_classes, n, p=self.class_probs)
        return self.decode(z, labels)

    def call(self, codings, training: bool = False):
        return self.network(codings, training=training)

    def get_config(self) -> dict[str, Any]:
        def listed(a):
            return None if a is None else np.asarray(a).tolist()

        config = {
            **super().get_config(),
            "prior": self.prior,
            "output_range": list(self.output_range),
            "mean": listed(self.mean),
            "cov": listed(self.cov),
            "num_classes": self.num_classes,
            "class_probs": listed(self.class_probs),
        }
        return config_with_parts(config, network=self.network)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> DecoderSampler:
        (network,), rest = split_parts(config, "network")
        rest["output_range"] = tuple(rest["output_range"])
        return cls(network, **rest)


def gaussian_sampler(
    encoder: keras.Model,
    decoder: keras.Model,
    images: Any,
    full: bool = True,
) -> DecoderSampler:
    """A plain autoencoder as a generator: codings from a fitted Gaussian.

    The mean and covariance (``full``) or per-dimension variance of the
    encoder's codes of ``images``: the best a plain AE can do without a
    prior of its own.
    """
    checks.instance("encoder", encoder, keras.Model)
    checks.instance("decoder", decoder, keras.Model)
    x = checks.images("images", images)
    checks.boolean("full", full)
    if len(x) < 2:
        raise ValueError(
            f"images: need at least 2 images to fit a Gaussian, "
            f"got {len(x)}"
        )
    checks.fits_model("images", x, encoder)
    codes = encoder.predict(x, batch_size=1000, verbose=0).astype(
        np.float64
    )
    cov = np.cov(codes, rowvar=False) if full else codes.var(axis=0)
    return DecoderSampler(
        decoder,
        GAUSSIAN,
        (0.0, 1.0),
        mean=codes.mean(axis=0),
        cov=np.atleast_1d(cov),
    )
