"""Run-time set-up shared by every chapter: profiles, seeds, devices and a run record.

A chapter's ``parameters`` cell holds the full-size values (the *gpu* profile). The
cell after it calls :func:`start`, which picks the profile and overwrites the sizes
that the profile shrinks:

1. the ``PROFILE`` parameter, if papermill (or the reader) set it to a profile name;
2. otherwise the ``AEGAN_PROFILE`` environment variable (how CI asks for *smoke*,
   since nbval cannot pass parameters);
3. otherwise ``auto``: *gpu* when TensorFlow sees an accelerator, *cpu* if not.
"""
from __future__ import annotations

import os
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import helpers  # noqa: F401  (pins the TensorFlow backend before keras is imported)

PROFILES: tuple[str, ...] = ("smoke", "cpu", "gpu")
PROFILE_ENV = "AEGAN_PROFILE"
ARTIFACTS_ENV = "AEGAN_ARTIFACTS"


def accelerators() -> list[str]:
    """Names of the GPUs and TPUs TensorFlow can see (empty on a CPU-only machine)."""
    import tensorflow as tf

    return [d.name for kind in ("GPU", "TPU") for d in tf.config.list_logical_devices(kind)]


def select_profile(requested: str | None = "auto") -> tuple[str, str]:
    """Return ``(profile, where it came from)``; see the module docstring for the order."""
    if requested not in (None, "auto"):
        if requested not in PROFILES:
            raise ValueError(f"PROFILE: expected one of {PROFILES} or 'auto', got {requested!r}")
        return requested, "parameter"
    env = os.environ.get(PROFILE_ENV, "").strip()
    if env and env != "auto":
        if env not in PROFILES:
            raise ValueError(f"${PROFILE_ENV}: expected one of {PROFILES} or 'auto', got {env!r}")
        return env, f"${PROFILE_ENV}"
    return ("gpu" if accelerators() else "cpu"), "auto-detected"


def apply_profile(
    namespace: dict[str, Any], profile: str, overrides: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Overwrite the parameters that ``profile`` shrinks, in ``namespace``; return the changes.

    ``overrides`` maps a profile name to ``{PARAMETER: value}``. A name that the
    parameters cell does not define is a typo and raises ``ValueError``.
    """
    unknown_profiles = set(overrides) - set(PROFILES)
    if unknown_profiles:
        raise ValueError(f"overrides: unknown profiles {sorted(unknown_profiles)}; use {PROFILES}")
    for prof, values in overrides.items():
        missing = [k for k in values if k not in namespace]
        if missing:
            raise ValueError(
                f"overrides[{prof!r}]: {missing} are not parameters of this notebook"
            )
    changes = dict(overrides.get(profile, {}))
    namespace.update(changes)
    return changes


def seed_everything(seed: int, deterministic: bool = True) -> None:
    """Seed Python, NumPy and TensorFlow (``keras.utils.set_random_seed``); make ops deterministic."""
    import keras
    import tensorflow as tf

    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed: expected a non-negative integer, got {seed!r}")
    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()


def pick_strategy():
    """A ``tf.distribute`` strategy for what is here: TPU (Colab), several GPUs, one GPU, or CPU."""
    import tensorflow as tf

    if os.environ.get("COLAB_TPU_ADDR") or os.environ.get("TPU_NAME"):
        try:
            resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
            tf.config.experimental_connect_to_cluster(resolver)
            tf.tpu.experimental.initialize_tpu_system(resolver)
            return tf.distribute.TPUStrategy(resolver)
        except (ValueError, RuntimeError, tf.errors.OpError):  # no TPU after all
            pass
    gpus = tf.config.list_logical_devices("GPU")
    if len(gpus) > 1:
        return tf.distribute.MirroredStrategy()
    if len(gpus) == 1:
        return tf.distribute.OneDeviceStrategy("/gpu:0")
    return tf.distribute.OneDeviceStrategy("/cpu:0")


def describe_machine() -> dict[str, Any]:
    """What ran the code: processor, core count, accelerators and library versions."""
    import keras
    import numpy
    import sklearn
    import tensorflow as tf

    return {
        "machine": platform.machine(),
        "processor": _cpu_name(),
        "cpu_cores": os.cpu_count(),
        "accelerators": accelerators() or ["none"],
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": numpy.__version__,
        "scikit-learn": sklearn.__version__,
    }


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


@dataclass
class Run:
    """One execution of a chapter: its profile, seed and start time, for the closing record."""

    profile: str
    source: str
    seed: int
    changes: dict[str, Any]
    started: float = field(default_factory=time.time)

    def __str__(self) -> str:
        sizes = ", ".join(f"{k}={v}" for k, v in self.changes.items()) or "as in the parameters cell"
        return f"profile {self.profile} ({self.source}), seed {self.seed}; sizes: {sizes}"

    def artifact_dir(self, name: str) -> Path:
        """Where this run keeps checkpoints and saved models: ``$AEGAN_ARTIFACTS/<profile>/<name>``.

        ``AEGAN_ARTIFACTS`` defaults to ``./artifacts``; a folder per profile keeps a smoke
        run's tiny models apart from the real ones.
        """
        if not name or "/" in name or name.startswith("."):
            raise ValueError(f"name: expected a plain folder name, got {name!r}")
        root = Path(os.environ.get(ARTIFACTS_ENV, "artifacts")).expanduser()
        return root / self.profile / name

    def record(self) -> dict[str, Any]:
        """Profile, wall time so far and machine, as printed at the end of every chapter."""
        return {
            "profile": self.profile,
            "seed": self.seed,
            "wall_time_s": round(time.time() - self.started, 1),
            **describe_machine(),
        }

    def report(self) -> None:
        """Print :meth:`record` as aligned lines."""
        for key, value in self.record().items():
            if isinstance(value, list):
                value = ", ".join(value)
            print(f"{key:<13} {value}")


def start(
    namespace: dict[str, Any],
    profile: str | None = "auto",
    seed: int = 42,
    **overrides: dict[str, Any],
) -> Run:
    """Pick the profile, apply its overrides to ``namespace``, seed everything, start the clock.

    Call it right after the parameters cell: ``run = runtime.start(globals(), PROFILE, SEED,
    smoke=dict(EPOCHS=1), cpu=dict(EPOCHS=10))``. The *gpu* profile keeps the cell's values.
    """
    chosen, source = select_profile(profile)
    changes = apply_profile(namespace, chosen, overrides)
    namespace["PROFILE"] = chosen
    seed_everything(seed)
    run = Run(profile=chosen, source=source, seed=seed, changes=changes)
    print(run)
    return run


def in_colab() -> bool:
    """True inside Google Colab."""
    return "google.colab" in sys.modules
