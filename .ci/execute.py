"""Execute chapters with papermill in a profile, in place, and record how each run went.

The profile is passed to the kernel as $AEGAN_PROFILE, so the stored notebook keeps its
`PROFILE = "auto"` parameters cell and nothing else is injected.

    python .ci/execute.py --profile cpu                 # every chapter in _toc.yml
    python .ci/execute.py --profile smoke book/01_pca_linear_autoencoder.ipynb

Each executed notebook replaces the stored one (its outputs are what the book shows),
and data/runs.json gets the chapter's profile, wall time, machine and library versions.
Use `bash .ci/execute ...`, which first installs what is missing.
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


def toc_notebooks() -> list[Path]:
    """The chapters of _toc.yml, in book order (helpers.book.chapter_notebooks)."""
    sys.path.insert(0, str(ROOT))
    from helpers.book import chapter_notebooks

    return chapter_notebooks(ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", required=True, choices=["smoke", "cpu", "gpu"])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every chapter in _toc.yml")
    parser.add_argument("--output-dir", type=Path, default=None,
                        help="write executed notebooks here instead of in place (no record kept)")
    parser.add_argument("--fresh", action="store_true",
                        help="delete the chapter's checkpoints for this profile first, so every model is trained anew")
    args = parser.parse_args(argv)

    import papermill as pm

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from helpers.runtime import describe_machine

    notebooks = [p.resolve() for p in args.notebooks] or toc_notebooks()
    missing = [str(p) for p in notebooks if not p.exists()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    # Checkpoints go to artifacts/<notebook>/<profile>/ at the top of the repository, so an
    # interrupted run resumes where it stopped; --fresh deletes them first.
    artifacts_root = Path(os.environ.get("AEGAN_ARTIFACTS_ROOT", str(ROOT / "artifacts")))
    runs = json.loads(RUNS.read_text()) if RUNS.exists() else {}
    machine = describe_machine()
    for nb in notebooks:
        out = (args.output_dir / nb.name) if args.output_dir else nb
        if args.output_dir:
            args.output_dir.mkdir(parents=True, exist_ok=True)
        print(f"== {nb.relative_to(ROOT)} ({args.profile} profile)", flush=True)
        artifacts = artifacts_root / nb.stem
        if args.fresh and (artifacts / args.profile).exists():
            shutil.rmtree(artifacts / args.profile)
        # A run that finds checkpoints loads those models instead of training them: its wall
        # time is then not the time the chapter's training took (each chapter prints that).
        resumed = (artifacts / args.profile).is_dir() and any((artifacts / args.profile).iterdir())
        os.environ["AEGAN_ARTIFACTS"] = str(artifacts)
        # Models that later chapters reuse (helpers.store) go to one place for all chapters.
        os.environ.setdefault("AEGAN_STORE", str(artifacts_root / "store"))
        # The profile travels as $AEGAN_PROFILE, not as a papermill parameter: an injected
        # `PROFILE = "cpu"` cell would stay in the stored notebook and overrule the smoke
        # profile that CI asks for through the same variable.
        os.environ["AEGAN_PROFILE"] = args.profile
        started = time.time()
        pm.execute_notebook(str(nb), str(out), kernel_name="python3", cwd=str(nb.parent),
                            progress_bar=False, log_output=False)
        wall = round(time.time() - started, 1)
        print(f"   done in {wall} s", flush=True)
        if args.output_dir is None:
            runs[str(nb.relative_to(ROOT))] = {
                "profile": args.profile,
                "wall_time_s": wall,
                "used_checkpoints": resumed,
                "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                **machine,
            }
            RUNS.write_text(json.dumps(runs, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
