"""Long register cells cut short for the web page (the exports keep them whole)."""

from __future__ import annotations

MAX_LINES = 20
MAX_CHARS = 2000


def shorten(text: str, max_lines: int = MAX_LINES, max_chars: int = MAX_CHARS) -> tuple[str, bool]:
    """The text, or its first lines and characters (cut after a "; " where one is near) and True when cut: an
    incident of thousands of contracts lists thousands of filings, which no page should carry whole."""
    lines = text.split("\n")
    cut = len(lines) > max_lines
    shown = "\n".join(lines[:max_lines])
    if len(shown) > max_chars:
        at = shown.rfind("; ", max_chars // 2, max_chars)
        shown, cut = shown[: at + 1 if at > 0 else max_chars], True
    return (shown.rstrip() + " …", True) if cut else (shown, False)
