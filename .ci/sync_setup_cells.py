"""Write the Colab setup cell (helpers.book.colab_setup_source) as the first code cell of every notebook.

    python .ci/sync_setup_cells.py          # update the notebooks in place
    python .ci/sync_setup_cells.py --check  # exit 1 if any chapter's cell differs

The repository URL and branch come from `_config.yml` (repository.url, repository.branch),
their one home; run this after changing them. Outputs of the other cells are untouched.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / ".ci"))

from bookfiles import (  # noqa: E402
    SETUP_TAG,
    colab_setup_source,
    repository_from_config,
    toc_files,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    source = colab_setup_source(
        *repository_from_config(ROOT / "_config.yml")
    )
    stale = []
    notebooks = [
        ROOT / f"{f}.ipynb"
        for f in toc_files(ROOT)
        if (ROOT / f"{f}.ipynb").exists()
    ]
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        cells = [
            c for c in nb.cells if SETUP_TAG in c.metadata.get("tags", [])
        ]
        if cells and cells[0].source == source:
            continue
        stale.append(path.name)
        if args.check:
            continue
        if cells:
            cells[0].source = source
        else:
            cell = nbformat.v4.new_code_cell(source)
            cell.metadata["tags"] = [SETUP_TAG, "hide-input"]
            cell["id"] = "colab-setup"
            first_code = next(
                i for i, c in enumerate(nb.cells) if c.cell_type == "code"
            )
            nb.cells.insert(first_code, cell)
        nbformat.write(nb, path)
    if args.check and stale:
        print(
            f"setup cells out of date in: {', '.join(stale)}; run python .ci/sync_setup_cells.py"
        )
        return 1
    print(
        f"{'checked' if args.check else 'updated'}: {len(stale)} chapter(s) {'differ' if args.check else 'changed'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
