"""Pieces of download file names. Pure: no Flask, no database."""

from __future__ import annotations

import re
import unicodedata


def name_part(text: str, fallback: str, limit: int = 60) -> str:
    """A name (a controller's) as ASCII letters and digits joined by hyphens, so that a file name says whose it is
    and survives every mail client and file system: "Zorggroep Één B.V." becomes "Zorggroep-Een-B-V"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:limit].strip("-") or fallback
