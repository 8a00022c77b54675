"""Run-time set-up of every chapter: profile, seed, one training call.

A chapter's ``parameters`` cell holds the full-size values (the *gpu*
profile). The cell after it calls :func:`start`, which picks the profile
and overwrites the sizes that the profile shrinks:

1. the ``PROFILE`` parameter, if papermill (or the reader) set it;
2. otherwise the ``AEGAN_PROFILE`` environment variable (how CI asks for
   *smoke*, since nbval cannot pass parameters);
3. otherwise *gpu* when TensorFlow sees an accelerator, *cpu* if not.

Every training of a chapter goes through :meth:`Run.fit`: one call that
picks the checkpoint folder and signs it with everything that shapes the
weights, so an interrupted run resumes and a changed one starts afresh.
"""

from __future__ import annotations

import os
import platform
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import helpers  # noqa: F401  (pins the TensorFlow backend first)
from helpers import checks

PROFILES: tuple[str, ...] = ("smoke", "cpu", "gpu")
PROFILE_ENV = "AEGAN_PROFILE"
ARTIFACTS_ENV = "AEGAN_ARTIFACTS"


def accelerators() -> list[str]:
    """Names of the GPUs and TPUs TensorFlow sees (empty without one)."""
    import tensorflow as tf

    return [
        d.name
        for kind in ("GPU", "TPU")
        for d in tf.config.list_logical_devices(kind)
    ]


def select_profile(requested: str | None = "auto") -> tuple[str, str]:
    """``(profile, where it came from)``; see the module doc for order."""
    if requested not in (None, "auto"):
        checks.one_of("requested", requested, (*PROFILES, "auto"))
        return str(requested), "parameter"
    env = os.environ.get(PROFILE_ENV, "").strip()
    if env and env != "auto":
        checks.one_of(f"${PROFILE_ENV}", env, (*PROFILES, "auto"))
        return env, f"${PROFILE_ENV}"
    return ("gpu" if accelerators() else "cpu"), "auto-detected"


def apply_profile(
    namespace: dict[str, Any],
    profile: str,
    overrides: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """Overwrite the parameters that ``profile`` shrinks; return them.

    ``overrides`` maps a profile name to ``{PARAMETER: value}``. A name
    that the parameters cell does not define is a typo and is refused.
    """
    checks.instance("namespace", namespace, dict)
    checks.one_of("profile", profile, PROFILES)
    checks.instance("overrides", overrides, dict)
    unknown = set(overrides) - set(PROFILES)
    if unknown:
        raise ValueError(
            f"overrides: unknown profiles {sorted(unknown)}; "
            f"use {PROFILES}"
        )
    for prof, values in overrides.items():
        checks.instance(f"overrides[{prof!r}]", values, dict)
        missing = [k for k in values if k not in namespace]
        if missing:
            raise ValueError(
                f"overrides[{prof!r}]: {missing} are not parameters "
                "of this notebook"
            )
    changes = dict(overrides.get(profile, {}))
    namespace.update(changes)
    return changes


def seed_everything(seed: int, deterministic: bool = True) -> None:
    """Seed Python, NumPy and TensorFlow; make its ops deterministic."""
    import keras
    import tensorflow as tf

    seed = checks.positive_int("seed", seed, minimum=0)
    deterministic = checks.boolean("deterministic", deterministic)
    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()


def describe_machine() -> dict[str, Any]:
    """What ran the code: processor, cores, accelerators, versions."""
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
    """One execution of a chapter: profile, seed, clock, trainings."""

    profile: str
    source: str
    seed: int
    changes: dict[str, Any]
    started: float = field(default_factory=time.time)

    def __post_init__(self) -> None:
        checks.one_of("profile", self.profile, PROFILES)
        checks.instance("source", self.source, str)
        checks.positive_int("seed", self.seed, minimum=0)
        checks.instance("changes", self.changes, dict)

    def __str__(self) -> str:
        sizes = ", ".join(f"{k}={v}" for k, v in self.changes.items())
        text = (
            f"profile {self.profile} ({self.source}), seed {self.seed}; "
            f"sizes: {sizes or 'as in the parameters cell'}"
        )
        return textwrap.fill(text, 74, subsequent_indent="  ")

    def artifact_dir(self, name: str) -> Path:
        """``$AEGAN_ARTIFACTS/<profile>/<name>``: checkpoints and samples.

        ``AEGAN_ARTIFACTS`` defaults to ``./artifacts``; a folder per
        profile keeps a smoke run's tiny models apart from the real ones.
        """
        checks.plain_name("name", name)
        root = Path(
            os.environ.get(ARTIFACTS_ENV, "artifacts")
        ).expanduser()
        return root / self.profile / name

    def fit(
        self,
        model: Any,
        x: Any,
        y: Any = None,
        *,
        name: str,
        epochs: int,
        batch_size: int,
        seed: int | None = None,
        validation_data: tuple[Any, Any] | None = None,
        callbacks: Sequence[Any] = (),
        drop_remainder: bool = False,
        early_stopping: tuple[str, int] | None = None,
        **settings: Any,
    ):
        """Train ``model``, a checkpoint per epoch; resume if it was cut.

        The checkpoint folder is ``artifact_dir(name + "-" + digest)``, the
        digest of :func:`helpers.signature.training_signature`: the
        architecture, loss, optimizers, data, ``epochs``, ``batch_size``,
        ``seed`` (the run's by default), ``early_stopping`` and any extra
        ``settings``. Returns the :class:`helpers.training.TrainingLog`.
        """
        import keras

        from helpers import signature, training

        checks.instance("model", model, keras.Model)
        checks.plain_name("name", name)
        seed = self.seed if seed is None else seed
        parts = x if isinstance(x, (tuple, list)) else (x,)
        arrays = [*parts, *(() if y is None else (y,))]
        training.training_arrays(x, y, getattr(model, "data_range", None))
        sig = signature.training_signature(
            model,
            arrays,
            epochs=epochs,
            batch_size=batch_size,
            seed=seed,
            drop_remainder=drop_remainder,
            early_stopping=early_stopping,
            **settings,
        )
        folder = self.artifact_dir(f"{name}-{signature.digest(sig)}")
        return training.resumable_fit(
            model,
            x,
            y,
            epochs=epochs,
            checkpoint_dir=folder,
            batch_size=batch_size,
            seed=seed,
            validation_data=validation_data,
            callbacks=callbacks,
            signature=sig,
            drop_remainder=drop_remainder,
            value_range=getattr(model, "data_range", None),
            label=name,
            early_stopping=early_stopping,
        )

    def record(self) -> dict[str, Any]:
        """Profile, wall time so far and machine: the closing record."""
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
    """Pick the profile, apply its sizes, seed everything, start the clock.

    Call it right after the parameters cell: ``run = runtime.start(
    globals(), PROFILE, SEED, smoke=dict(EPOCHS=1), cpu=dict(EPOCHS=10))``.
    The *gpu* profile keeps the cell's values.
    """
    checks.instance("namespace", namespace, dict)
    checks.one_of("profile", profile, (*PROFILES, "auto", None))
    checks.positive_int("seed", seed, minimum=0)
    chosen, source = select_profile(profile)
    changes = apply_profile(namespace, chosen, overrides)
    namespace["PROFILE"] = chosen
    seed_everything(seed)
    run = Run(profile=chosen, source=source, seed=seed, changes=changes)
    print(run)
    if chosen == "smoke":
        _warn_smoke()
    return run


SMOKE_NOTE = (
    "This page ran with the smoke sizes, a test that "
    "every cell runs (minutes on a CPU). Its numbers and figures are not "
    "the chapter's results, and the findings the text states do not "
    "apply to them. Run it with the cpu or gpu profile for those."
)


def _warn_smoke() -> None:
    """Say on the page itself that a smoke run's numbers mean nothing."""
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:  # plain Python: the printed line is enough
        get_ipython = None
    shell = get_ipython() if get_ipython is not None else None
    # A kernel (Jupyter, Colab, papermill) renders HTML; a terminal or
    # an in-process shell (pytest plugins) would print "<... object>".
    if getattr(shell, "kernel", None) is not None:
        display(
            HTML(
                '<div class="admonition warning">'
                '<p class="admonition-title">Smoke profile</p>'
                f"<p>{SMOKE_NOTE}</p></div>"
            )
        )
    else:
        print(textwrap.fill(f"Smoke profile. {SMOKE_NOTE}", 74))
