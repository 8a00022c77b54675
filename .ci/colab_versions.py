"""Check that the installed packages are the pinned ones (.ci/colab_check).

    python .ci/colab_versions.py .ci/colab-requirements.txt

After the helpers were installed as the chapters' Colab set-up cell installs
them (``pip install -e <repo>``, no extras), every package pinned in the
file must still have its pinned version, and the GPU build ``tensorflow``
must not have come in beside ``tensorflow-cpu``: on Colab the set-up cell
must keep Colab's own TensorFlow and Keras. When TensorFlow and Keras are
pinned, they are also imported to check the versions they report.
Exit status 1, with one line for each difference, when anything changed.
"""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def read_pins(path: Path) -> dict[str, str]:
    """``{name: version}`` of a requirements file of ``name==version`` lines."""
    pins = {}
    for number, line in enumerate(Path(path).read_text().splitlines(), 1):
        line = line.split("#")[0].strip()
        if not line:
            continue
        name, sep, pinned = line.partition("==")
        if not sep or not name.strip() or not pinned.strip():
            raise ValueError(
                f"{path}:{number}: not name==version: {line!r}"
            )
        pins[name.strip()] = pinned.strip()
    return pins


def installed(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def differences(pins: dict[str, str]) -> list[str]:
    """One line for each pinned package whose installed version differs."""
    found = [
        f"{name}: pinned {pinned}, installed {installed(name) or 'none'}"
        for name, pinned in pins.items()
        if installed(name) != pinned
    ]
    if "tensorflow-cpu" in pins and installed("tensorflow"):
        found.append(
            f"tensorflow {installed('tensorflow')} was installed beside "
            f"tensorflow-cpu {pins['tensorflow-cpu']}"
        )
    return found


def imported_differences(pins: dict[str, str]) -> list[str]:
    """The versions TensorFlow and Keras report when imported, if pinned."""
    found = []
    tf_pin = pins.get("tensorflow-cpu", pins.get("tensorflow"))
    if tf_pin:
        import tensorflow as tf

        if tf.__version__ != tf_pin:
            found.append(
                f"import tensorflow: {tf.__version__}, not {tf_pin}"
            )
    if "keras" in pins:
        import keras

        if keras.__version__ != pins["keras"]:
            found.append(
                f"import keras: {keras.__version__}, not {pins['keras']}"
            )
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        pins = read_pins(Path(argv[0]))
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    found = differences(pins) or imported_differences(pins)
    if found:
        print(
            "error: the installed packages are not the pinned ones of "
            f"{argv[0]} (did `pip install -e` replace Colab's?):",
            *found,
            sep="\n  ",
            file=sys.stderr,
        )
        return 1
    shown = [
        f"{n} {pins[n]}" for n in ("tensorflow-cpu", "keras") if n in pins
    ]
    print(
        f"== all {len(pins)} pins of {argv[0]} installed: {', '.join(shown)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
