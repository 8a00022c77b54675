"""Write the whole book's running times as a table for the appendix.

    python .ci/book_times.py      # -> benchmarks/times.md

From data/runs.json (each chapter's stored run: profile, wall time, machine, whether it
loaded earlier checkpoints) and data/ci_times.json (the test command's stages, as timed
on a fresh clone). The appendix includes the table.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / ".ci"))

from bookfiles import chapter_notebooks  # noqa: E402


def fresh_runs() -> dict[str, dict]:
    """chapter -> its latest cpu run that trained everything (git history).

    A stored run that loaded checkpoints understates what a fresh run costs;
    data/runs.json's history keeps the last run that loaded none.
    """
    try:
        commits = subprocess.run(
            ["git", "log", "--format=%H", "--", "data/runs.json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return {}  # no git: the column stays empty
    found: dict[str, dict] = {}
    for commit in commits:  # newest first
        shown = subprocess.run(
            ["git", "show", f"{commit}:data/runs.json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if shown.returncode:
            continue
        try:
            runs = json.loads(shown.stdout)
        except json.JSONDecodeError:
            continue
        for key, run in runs.items():
            if (
                key not in found
                and run.get("profile") == "cpu"
                and run.get("used_checkpoints") is False
            ):
                found[key] = run
    return found


def main() -> int:
    runs = json.loads((ROOT / "data" / "runs.json").read_text())
    fresh = fresh_runs()
    lines = [
        "| chapter | profile | stored run (min) | last full run (min) | machine |",
        "|---|---|---:|---:|---|",
    ]
    total = 0.0
    total_fresh = 0.0
    no_full: list[str] = []
    resumed = []
    pending: list[str] = []
    for nb in chapter_notebooks(ROOT):
        key = str(nb.relative_to(ROOT))
        run = runs.get(key)
        if run is None:
            lines.append(f"| {nb.stem} | (not run) | | | |")
            continue
        minutes = run["wall_time_s"] / 60
        if run["profile"] == "smoke":  # README's "Pending runs"
            lines.append(f"| {nb.stem} | cpu run pending | | | |")
            pending.append(nb.stem)
            continue
        total += minutes
        mark = " *" if run.get("used_checkpoints") else ""
        if mark:
            resumed.append(nb.stem)
        machine = f"{run['processor']}, {run['cpu_cores']} cores"
        full = fresh.get(key)
        if full is not None:
            total_fresh += full["wall_time_s"] / 60
            full_text = (
                f"{full['wall_time_s'] / 60:.1f} ({full['finished'][:10]})"
            )
        else:
            full_text = "not in the history"
            no_full.append(nb.stem)
        lines.append(
            f"| {nb.stem} | {run['profile']} | {minutes:.1f}{mark} "
            f"| {full_text} | {machine} |"
        )
    label = "all chapters" if not pending else "chapters run"
    lines.append(
        f"| **{label}** | | **{total:.0f}** | **{total_fresh:.0f}**"
        + (f" (without {len(no_full)})" if no_full else "")
        + " | |"
    )
    if pending:
        lines += [
            "",
            f"{len(pending)} chapters hold smoke-profile outputs while "
            "their cpu run is pending (README, 'Pending runs'); the total "
            "leaves them out.",
        ]
    if resumed:
        lines += [
            "",
            "\\* The stored run found checkpoints of earlier runs of the same "
            "code and settings and loaded part of its models; the training times "
            "the chapter prints are those of the runs that trained them. The "
            "last full run is the latest cpu run in data/runs.json's history "
            "that loaded no checkpoint (its code may be older).",
        ]
    ci = ROOT / "data" / "ci_times.json"
    if ci.exists():
        record = json.loads(ci.read_text())
        lines += [
            "",
            f"The test command (`bash .ci/run`, every chapter in the smoke profile "
            f"and under Colab's versions), on a fresh clone, {record['date']}, "
            f"{record['machine']}:",
            "",
            "| stage | minutes |",
            "|---|---:|",
        ]
        for stage, seconds in record["stages"].items():
            lines.append(f"| {stage} | {seconds / 60:.1f} |")
    lines += [
        "",
        "The gpu profile has not been run for this edition (no GPU with "
        "TensorFlow was available); `book/run_whole_book.ipynb` runs it "
        "on Colab.",
    ]
    out = ROOT / "benchmarks" / "times.md"
    out.write_text("\n".join(lines) + "\n")
    print(out.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
