"""Shared plumbing for the course book on autoencoders and GANs.

Importing :mod:`helpers` first pins Keras to the TensorFlow backend and silences
TensorFlow's C++ log lines (they would otherwise leak into stored notebook outputs
and break nbval's comparisons). Chapters therefore start with ``import helpers``.
"""
from __future__ import annotations

import os
import sys

__version__ = "0.1.0"

if "keras" in sys.modules and os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow":
    raise ImportError(
        "helpers needs Keras' TensorFlow backend, but keras was already imported with "
        f"KERAS_BACKEND={os.environ['KERAS_BACKEND']!r}. Restart the kernel and import "
        "helpers before keras."
    )
os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
