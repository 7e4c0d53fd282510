"""Text people typed (a controller's name, a webhook's name) made fit for one line: a mail header, a chat message.
Pure: no Flask, no database.

Names are stored as they were typed, and may hold a line break (a quoted multi-line cell of a CSV import) or other
control characters. Where they end up on one line, a line break of any kind (CR, LF, CRLF, vertical tab, form feed,
NEL, U+2028/U+2029) becomes one space, a tab a space, other control characters are dropped, and a lone surrogate
(which no encoding can write) becomes U+FFFD. Everything else is kept as it is, non-ASCII included."""

from __future__ import annotations

import re

_BREAKS = re.compile(r"\s*[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]\s*")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def one_line(text: str) -> str:
    """`text` on one line, without control characters: "Kliniek\\r\\nNoord" becomes "Kliniek Noord"."""
    text = _BREAKS.sub(" ", text).replace("\t", " ")
    return _SURROGATES.sub("\ufffd", _CONTROLS.sub("", text)).strip()
