"""Compiled translations: each `<language>/LC_MESSAGES/messages.po` under incidents/translations becomes the
`messages.mo` that Flask-Babel reads.

`make setup` compiles them into the checkout and the wheel build (setup.py) into the wheel; the app only checks
(incidents/i18n.py), so it never writes into its own folder. Run `python -m incidents.catalogues` to compile by hand.
This module imports nothing but the standard library and Babel: setup.py loads it without the app's dependencies.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

FOLDER = Path(__file__).resolve().parent / "translations"
CATALOGUE = Path("LC_MESSAGES") / "messages"


def compile_catalogues(source: Path = FOLDER, target: Path | None = None) -> list[Path]:
    """Compile every .po under `source` whose .mo under `target` (default: beside the .po) is missing or older.
    Returns the .mo files written."""
    written = []
    for po_path in sorted(source.glob(f"*/{CATALOGUE}.po")):
        mo_path = (target or source) / po_path.relative_to(source).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalogue = read_po(handle)
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        # Written to a temporary file and renamed, so that an app starting meanwhile never reads half a catalogue.
        fd, tmp_name = tempfile.mkstemp(prefix="messages.", suffix=".mo.tmp", dir=mo_path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                write_mo(handle, catalogue)
            os.chmod(tmp_name, 0o644)
            os.replace(tmp_name, mo_path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        written.append(mo_path)
    return written


def problems(folder: Path, languages: Iterable[str]) -> list[str]:
    """What keeps the catalogues under `folder` from being used as they are: a language without its .mo, or a .mo
    older than the .po beside it (an installed wheel carries only the .mo)."""
    found = []
    for language in languages:
        mo_path = folder / language / CATALOGUE.with_suffix(".mo")
        po_path = mo_path.with_suffix(".po")
        if not mo_path.exists():
            found.append(f"{mo_path} is missing")
        elif po_path.exists() and mo_path.stat().st_mtime < po_path.stat().st_mtime:
            found.append(f"{mo_path} is older than {po_path.name}")
    return found


if __name__ == "__main__":
    for path in compile_catalogues():
        print(f"compiled {path}", file=sys.stderr)
