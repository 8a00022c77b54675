"""The book's files: table of contents, notebook structure, setup cells, figures,
stored outputs that fit the page and hold no machine paths."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / ".ci"))

import bookfiles  # noqa: E402

CHAPTERS = [
    str(p.relative_to(ROOT).with_suffix(""))
    for p in bookfiles.chapter_notebooks(ROOT)
]
NOTEBOOKS = [
    f for f in bookfiles.toc_files(ROOT) if (ROOT / f"{f}.ipynb").exists()
]
WIDTH = 75  # characters of the rendered page's code column


def read(name: str):
    return nbformat.read(ROOT / f"{name}.ipynb", as_version=4)


def test_every_toc_entry_exists_and_chapters_are_numbered_in_order():
    for f in bookfiles.toc_files(ROOT):
        assert (ROOT / f"{f}.ipynb").exists() or (
            ROOT / f"{f}.md"
        ).exists(), f
    numbers = [int(Path(c).name[:2]) for c in CHAPTERS]
    assert numbers == list(range(1, len(CHAPTERS) + 1))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_structure(chapter):
    nb = read(chapter)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert (
        sum("parameters" in c.metadata.get("tags", []) for c in code) == 1
    )
    # no papermill-injected PROFILE: it would overrule CI's $AEGAN_PROFILE=smoke
    assert not any(
        "injected-parameters" in c.metadata.get("tags", []) for c in code
    )
    assert any(
        c.source.lstrip().startswith("# NBVAL_CHECK_OUTPUT") for c in code
    ), "no cell has profile-independent output for nbval to check"
    assert all(o.output_type != "error" for c in code for o in c.outputs)
    assert "run.report()" in code[-1].source, (
        "a chapter ends with its run record"
    )
    markdown = "\n".join(
        c.source for c in nb.cells if c.cell_type == "markdown"
    )
    assert (
        "## Exercises" in markdown and "admonition} Solution" in markdown
    )
    assert "inspect.getsource" not in "\n".join(c.source for c in code), (
        "show taught code with helpers.display.show_source, not as plain text"
    )
    params = next(
        c for c in code if "parameters" in c.metadata.get("tags", [])
    )
    assert re.search(r"^SEED = \d+", params.source, re.M), (
        "a chapter has a seed"
    )


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_committed_outputs_come_from_a_real_profile(chapter):
    runs = json.loads((ROOT / "data" / "runs.json").read_text())
    profile = runs[f"{chapter}.ipynb"]["profile"]
    nb = read(chapter)
    report = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert report.split()[:2] == ["profile", profile]
    readme = (ROOT / "README.md").read_text()
    pending = readme.split("## Pending runs", 1)[-1].split("\n## ", 1)[0]
    if profile in ("cpu", "gpu"):
        assert f"`{Path(chapter).name}`" not in pending, (
            "README's 'Pending runs' lists only smoke-run chapters"
        )
        return
    # A chapter whose cpu run is still to come may hold smoke outputs
    # only while the page warns that its numbers are no results and the
    # README lists it as pending.
    assert profile == "smoke", profile
    pages = [
        o.get("data", {}).get("text/html", "")
        for c in nb.cells
        for o in c.get("outputs", [])
    ]
    assert any("Smoke profile" in html for html in pages), (
        "a smoke-run chapter shows the smoke warning"
    )
    assert f"`{Path(chapter).name}`" in pending, (
        "README's 'Pending runs' lists every smoke-run chapter"
    )


def _texts(cell) -> list[str]:
    """The text a code cell's outputs show (streams and plain text)."""
    texts = []
    for o in cell.get("outputs", []):
        if o.output_type == "stream":
            texts.append(o.text)
        elif o.output_type in ("execute_result", "display_data"):
            data = o.get("data", {})
            if "text/plain" in data and not (
                set(data) & {"image/png", "text/html"}
                or o.get("metadata", {}).get("scrapbook")
            ):
                texts.append(data["text/plain"])
    return texts


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_stored_outputs_fit_the_page_and_hold_no_machine_paths(chapter):
    nb = read(chapter)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            assert len(line) <= WIDTH, (
                f"cell {i}: code line too wide: {line!r}"
            )
        for text in _texts(cell):
            for line in text.splitlines():
                assert len(line) <= WIDTH, (
                    f"cell {i}: output too wide: {line!r}"
                )
            for root in (
                "/work/",
                "/home/",
                "/root/",
                "/tmp/",
                "/content/",
            ):
                assert root not in text, (
                    f"cell {i}: a machine path in the output"
                )
            assert not re.search(r"± 0(\.0*)?(?![.\d])|± ?0\.000", text), (
                f"cell {i}: a spread of 0 (say n = 1)"
            )


def test_every_notebook_starts_with_the_colab_setup_cell_of_config():
    url, branch = bookfiles.repository_from_config(ROOT / "_config.yml")
    expected = bookfiles.colab_setup_source(url, branch)
    assert len(NOTEBOOKS) > len(
        CHAPTERS
    )  # the chapters and the runner page
    for f in NOTEBOOKS:
        first = next(c for c in read(f).cells if c.cell_type == "code")
        tags = first.metadata.get("tags", [])
        assert bookfiles.SETUP_TAG in tags and "hide-input" in tags, f
        assert first.source == expected, (
            f"{f}: setup cell differs from _config.yml; run .ci/sync_setup_cells.py"
        )


def test_repository_url_is_checked(tmp_path):
    (tmp_path / "_config.yml").write_text(
        "repository:\n  url: git@github.com:x/y.git\n"
    )
    with pytest.raises(
        ValueError, match="repository.url must be the https URL"
    ):
        bookfiles.repository_from_config(tmp_path / "_config.yml")


def test_setup_cell_does_nothing_outside_colab():
    code = bookfiles.colab_setup_source(
        "https://github.com/example/book", "main"
    )
    namespace: dict = {}
    exec(
        compile(code, "setup", "exec"), namespace
    )  # no Colab: no clone, no chdir
    assert "REPO" not in namespace


def test_whole_book_runner_is_skipped_by_nbval_and_not_a_chapter():
    code = [
        c
        for c in read("book/run_whole_book").cells
        if c.cell_type == "code"
    ]
    assert all(
        "nbval-skip" in c.metadata.get("tags", []) for c in code[1:]
    )
    (params,) = [
        c for c in code if "parameters" in c.metadata.get("tags", [])
    ]
    assert params.source.startswith(
        'PROFILE = "gpu"'
    )  # the instructors' default
    assert any(".ci/execute.py" in c.source for c in code)
    assert "book/run_whole_book" not in CHAPTERS


def figure_cells(nb) -> list:
    """Code cells that draw: an image, or an animation (<img> in HTML)."""
    return [
        c
        for c in nb.cells
        if c.cell_type == "code"
        and any(
            "image/png" in o.get("data", {})
            or "<img " in str(o.get("data", {}).get("text/html", ""))
            for o in c.get("outputs", [])
        )
    ]


def test_every_figure_is_captioned_labelled_and_referred_to():
    labels = []
    for chapter in CHAPTERS:
        nb = read(chapter)
        prose = "\n".join(
            c.source for c in nb.cells if c.cell_type == "markdown"
        )
        for cell in figure_cells(nb):
            figure = cell.metadata.get("mystnb", {}).get("figure")
            assert figure, (
                f"{chapter}: a figure without a caption:\n{cell.source[:80]}"
            )
            assert figure["caption"].strip() and figure["name"].startswith(
                "fig-"
            )
            assert "{numref}`" + figure["name"] + "`" in prose, (
                f"{chapter}: the prose never refers to {figure['name']}"
            )
            images = sum(
                "image/png" in o.get("data", {}) for o in cell.outputs
            )
            assert images <= 1, (
                f"{chapter}: one caption for {images} images"
            )
            labels.append(figure["name"])
    assert len(labels) == len(set(labels)), "figure labels must be unique"


def test_every_glue_the_prose_quotes_is_stored():
    for chapter in CHAPTERS:
        nb = read(chapter)
        stored = {
            o["metadata"]["scrapbook"]["name"]
            for c in nb.cells
            for o in c.get("outputs", [])
            if o.get("metadata", {}).get("scrapbook")
        }
        prose = "\n".join(
            c.source for c in nb.cells if c.cell_type == "markdown"
        )
        quoted = set(re.findall(r"\{glue:text\}`([A-Za-z0-9_\-]+)", prose))
        assert quoted <= stored, (
            f"{chapter}: glued but never stored: {quoted - stored}"
        )


def test_references_cited_exist_in_the_bibliography():
    bib = (ROOT / "references.bib").read_text()
    keys = set(re.findall(r"^@\w+\{([^,]+),", bib, re.M))
    for f in NOTEBOOKS:
        prose = "\n".join(
            c.source for c in read(f).cells if c.cell_type == "markdown"
        )
        for group in re.findall(r"\{cite:p\}`([^`]+)`", prose):
            for key in group.split(","):
                assert key.strip() in keys, f"{f}: unknown citation {key}"
