"""Shared plumbing for the course book on autoencoders and GANs.

Importing :mod:`helpers` first pins Keras to the TensorFlow backend and
keeps TensorFlow's C++ log lines out of the notebooks:
``TF_CPP_MIN_LOG_LEVEL`` silences most of them, but the oneDNN notice is
written while TensorFlow's libraries load, before that setting is read,
so the import itself runs with C-level stderr muted. Chapters therefore
start with ``import helpers``.
"""

from __future__ import annotations

import os
import sys

__version__ = "0.1.0"

if (
    "keras" in sys.modules
    and os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow"
):
    raise ImportError(
        "helpers needs Keras' TensorFlow backend, but keras was already "
        "imported with "
        f"KERAS_BACKEND={os.environ['KERAS_BACKEND']!r}. Restart the "
        "kernel and import helpers before keras."
    )
os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _import_tensorflow_quietly() -> None:
    """Import TensorFlow with file descriptor 2 pointed at /dev/null, then
    restore it.
    """
    if "tensorflow" in sys.modules:
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        # no real stderr (some embedded interpreters)
        import tensorflow

        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


_import_tensorflow_quietly()

import tensorflow as _tf  # noqa: E402  (already imported above, quietly)

# no retracing notices and the like in stored outputs
_tf.get_logger().setLevel("ERROR")
