"""Execute chapters with papermill in a profile, in place, and record each run.

The profile travels to the kernel as $AEGAN_PROFILE, so the stored notebook
keeps its `PROFILE = "auto"` parameters cell and nothing is injected.

    python .ci/execute.py --profile cpu                 # every chapter in _toc.yml
    python .ci/execute.py --profile smoke book/01_pca_linear_autoencoder.ipynb

Each executed notebook replaces the stored one (its outputs are what the book
shows), and data/runs.json gets the chapter's profile, wall time, machine and
library versions. Use `bash .ci/execute ...`, which first installs what is missing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = ROOT / "data" / "runs.json"
sys.path.insert(0, str(ROOT / ".ci"))

from bookfiles import chapter_notebooks  # noqa: E402


def refuse_figureless_backend() -> None:
    """Stop when the kernel would draw no figures (MPLBACKEND=Agg and the like).

    With a non-interactive backend set in the environment, `plt.show()` in a
    kernel stores no image at all, and the book would silently lose every figure.
    """
    backend = os.environ.get("MPLBACKEND", "")
    if backend and "inline" not in backend.lower():
        sys.exit(
            f"MPLBACKEND={backend} is set: the executed notebooks would store no "
            "figures. Unset it (`env -u MPLBACKEND bash .ci/execute ...`)."
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--profile", required=True, choices=["smoke", "cpu", "gpu"]
    )
    parser.add_argument(
        "notebooks",
        nargs="*",
        type=Path,
        help="default: every chapter in _toc.yml",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=None,
        help="write executed notebooks here instead of in place (no record kept)",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="delete the chapter's checkpoints for this profile first",
    )
    args = parser.parse_args(argv)
    refuse_figureless_backend()

    import papermill as pm

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # Executed runs print one compact line per epoch (helpers.progress).
    os.environ["AEGAN_EXECUTED"] = "1"
    sys.path.insert(0, str(ROOT))
    from helpers.runtime import describe_machine

    notebooks = [p.resolve() for p in args.notebooks] or chapter_notebooks(
        ROOT
    )
    missing = [str(p) for p in notebooks if not p.exists()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    # Checkpoints go to artifacts/<notebook>/<profile>/, so an interrupted run
    # resumes where it stopped; --fresh deletes them first.
    artifacts_root = Path(
        os.environ.get("AEGAN_ARTIFACTS_ROOT", str(ROOT / "artifacts"))
    )
    runs = json.loads(RUNS.read_text()) if RUNS.exists() else {}
    machine = describe_machine()
    for nb in notebooks:
        out = (args.output_dir / nb.name) if args.output_dir else nb
        if args.output_dir:
            args.output_dir.mkdir(parents=True, exist_ok=True)
        print(
            f"== {nb.relative_to(ROOT)} ({args.profile} profile)",
            flush=True,
        )
        artifacts = artifacts_root / nb.stem
        if args.fresh and (artifacts / args.profile).exists():
            shutil.rmtree(artifacts / args.profile)
        # A run that finds checkpoints may load models instead of training them:
        # its wall time is then not the chapter's training time.
        folder = artifacts / args.profile
        resumed = folder.is_dir() and any(folder.iterdir())
        os.environ["AEGAN_ARTIFACTS"] = str(artifacts)
        # Models that later chapters reuse (helpers.store): one place for all.
        os.environ.setdefault("AEGAN_STORE", str(artifacts_root / "store"))
        # The profile travels as $AEGAN_PROFILE, not as a papermill parameter:
        # an injected `PROFILE = "cpu"` cell would stay in the stored notebook
        # and overrule the smoke profile that CI asks for the same way.
        os.environ["AEGAN_PROFILE"] = args.profile
        started = time.time()
        pm.execute_notebook(
            str(nb),
            str(out),
            kernel_name="python3",
            cwd=str(nb.parent),
            progress_bar=False,
            log_output=False,
        )
        wall = round(time.time() - started, 1)
        print(f"   done in {wall} s", flush=True)
        if args.output_dir is None:
            runs[str(nb.relative_to(ROOT))] = {
                "profile": args.profile,
                "wall_time_s": wall,
                "used_checkpoints": resumed,
                "finished": dt.datetime.now(dt.UTC).isoformat(
                    timespec="seconds"
                ),
                **machine,
            }
            RUNS.write_text(
                json.dumps(runs, indent=2, sort_keys=True) + "\n"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
