"""Text that no column can hold. Pure.

- NUL (U+0000): PostgreSQL refuses it in every text value ("text fields cannot contain NUL"); SQLite stores it, and
  then every tool that reads C strings cuts the value off there.
- A surrogate code point (U+D800 to U+DFFF): half of a UTF-16 pair, which is no character at all and cannot be
  encoded as UTF-8. It reaches a Python string from a JSON escape ("\\ud800"), from UTF-8-encoded surrogate bytes
  read with "surrogatepass" (as `json.loads` reads bytes), or from command-line arguments that are not UTF-8.
  A pair written as two escapes ("\\ud83d\\ude00") is joined into one character by the JSON parser, so any surrogate
  left in a string is an unpaired one.
"""

from __future__ import annotations

import re
from typing import Literal

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

Unstorable = Literal["nul", "surrogate"]


def N_(message: str) -> str:  # noqa: N802 (the conventional marker for babel extraction)
    return message


# Why, with the name of what holds the text (msgids: a page says them in its language).
UNSTORABLE_MESSAGES: dict[Unstorable, str] = {
    "nul": N_("%(field)s contains a NUL byte (U+0000), which text cannot hold"),
    "surrogate": N_("%(field)s contains an unpaired surrogate (U+D800 to U+DFFF), which is not text"),
}


def unstorable(text: str) -> Unstorable | None:
    """What in `text` no database can store, the first found: "nul" or "surrogate"; None when it can be stored."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    return "nul" if found.group() == "\x00" else "surrogate"


def unstorable_message(text: str, field: str) -> str | None:
    """Why `text`, the value of `field`, cannot be stored (English); None when it can."""
    kind = unstorable(text)
    return None if kind is None else UNSTORABLE_MESSAGES[kind] % {"field": field}


def line_of_error(exc: UnicodeDecodeError) -> int:
    """The line (from 1) of a file's bytes on which decoding them failed."""
    return exc.object[: exc.start].count(b"\n") + 1
