"""Write the whole book's running times as a table for the appendix.

    python .ci/book_times.py      # -> benchmarks/times.md

From data/runs.json (each chapter's stored run: profile, wall time, machine, whether it
loaded earlier checkpoints) and data/ci_times.json (the test command's stages, as timed
on a fresh clone). The appendix includes the table.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / ".ci"))

from bookfiles import chapter_notebooks  # noqa: E402


def main() -> int:
    runs = json.loads((ROOT / "data" / "runs.json").read_text())
    lines = [
        "| chapter | profile | wall time (min) | machine |",
        "|---|---|---:|---|",
    ]
    total = 0.0
    resumed = []
    pending: list[str] = []
    for nb in chapter_notebooks(ROOT):
        key = str(nb.relative_to(ROOT))
        run = runs.get(key)
        if run is None:
            lines.append(f"| {nb.stem} | (not run) | | |")
            continue
        minutes = run["wall_time_s"] / 60
        if run["profile"] == "smoke":  # README's "Pending runs"
            lines.append(f"| {nb.stem} | cpu run pending | | |")
            pending.append(nb.stem)
            continue
        total += minutes
        mark = " *" if run.get("used_checkpoints") else ""
        if mark:
            resumed.append(nb.stem)
        machine = f"{run['processor']}, {run['cpu_cores']} cores"
        lines.append(
            f"| {nb.stem} | {run['profile']} | {minutes:.1f}{mark} | {machine} |"
        )
    label = "all chapters" if not pending else "chapters run"
    lines.append(f"| **{label}** | | **{total:.0f}** | |")
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
            "the chapter prints are those of the runs that trained them.",
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
        "The gpu profile has not been run for this edition (no GPU was "
        "available); `book/run_whole_book.ipynb` runs it on Colab.",
    ]
    out = ROOT / "benchmarks" / "times.md"
    out.write_text("\n".join(lines) + "\n")
    print(out.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
