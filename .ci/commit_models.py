"""Copy the scoreboard's generators from the working store into the package.

    python .ci/commit_models.py --profile cpu [--seed 42] [--limit-mb 21]

The model store of a run (artifacts/store/<profile>/) holds every model the chapters
saved; the package keeps the first seed of each (helpers/models/store/<profile>/), so
that a fresh clone, on Colab too, can score the book's models without training them.
Each copied entry keeps its record (info.json with the SHA-256 of its sampler), which
helpers.store checks when it loads it. Stale committed entries are removed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--profile", default="cpu")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--store", type=Path, default=ROOT / "artifacts" / "store"
    )
    parser.add_argument("--limit-mb", type=float, default=21.0)
    args = parser.parse_args(argv)
    source = args.store / args.profile
    target = ROOT / "helpers" / "models" / "store" / args.profile
    entries = sorted(
        p
        for p in source.glob(f"*-s{args.seed}")
        if (p / "CURRENT").exists()
    )
    if not entries:
        sys.exit(f"no entries *-s{args.seed} in {source}")
    if target.exists():
        shutil.rmtree(target)
    total = 0
    for folder in entries:
        current = (folder / "CURRENT").read_text().strip()
        dest = target / folder.name
        shutil.copytree(folder / current, dest / current)
        shutil.copy2(folder / "CURRENT", dest / "CURRENT")
        size = sum(f.stat().st_size for f in (dest / current).iterdir())
        total += size
        print(f"{folder.name:<32} {size / 1e6:6.2f} MB")
    print(
        f"{len(entries)} models, {total / 1e6:.1f} MB in {target.relative_to(ROOT)}"
    )
    if total > args.limit_mb * 1e6:
        sys.exit(f"over the limit of {args.limit_mb} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
