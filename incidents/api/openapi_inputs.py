"""The request side of the OpenAPI document (openapi.py): schemas that say exactly what the API accepts.

What the services accept is more than a type: they trim white space around a text before they count its length
or see that it is empty, read an instant without an offset as Amsterdam time, take a few words in any letter case.
Each building block here states that as a JSON Schema ``pattern`` (ECMA-262 syntax that Python's ``re`` reads the
same way), so that a client, a validator and a fuzzer (tests/api/test_schemathesis.py) see the same rules as the
code. What no schema can state (a time in the future, an id that does not exist, a value compared with another
stored one) is listed per operation as the operation's ``x-rules`` (see openapi.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..core.scope import COUNTRIES
from ..validation import MAX_ID

# What Python's str.strip() removes (every character for which str.isspace() is true): the services trim it.
# tests/api/test_openapi.py checks the list against str.isspace over all of Unicode.
WHITE_SPACE_CODES = (
    *range(0x09, 0x0E),
    *range(0x1C, 0x21),
    0x85,
    0xA0,
    0x1680,
    *range(0x2000, 0x200B),
    0x2028,
    0x2029,
    0x202F,
    0x205F,
    0x3000,
)


def _class_ranges(codes: Iterable[int]) -> str:
    """Code points as the inside of a regular-expression class, with \\uXXXX escapes and ranges."""
    ordered = sorted(set(codes))
    runs: list[tuple[int, int]] = []
    for code in ordered:
        if runs and code == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], code)
        else:
            runs.append((code, code))
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in runs)


# docs/API.md ("Safe retries and bad input"): a text holding a NUL byte is refused (input_guard.py for path and query
# values, api.json_body for every string of a body), as is one with an unpaired surrogate, which a pattern cannot
# portably name (JSON carries one only as a \\uD800-style escape). The patterns say the first; the switch is kept
# so that the document can follow the code should that ever change.
NUL_REFUSED = True
_NUL = "\\u0000" if NUL_REFUSED else ""

SPACE = f"[{_class_ranges(WHITE_SPACE_CODES)}]"
CHARACTER = f"[^{_NUL}]" if NUL_REFUSED else "[\\s\\S]"
NOT_SPACE = f"[^{_NUL}{_class_ranges(WHITE_SPACE_CODES)}]"

TRIMMED = "White space around the text is removed, and not counted."


def _trimmed(core: str, *, optional: bool) -> str:
    return f"^{SPACE}*(?:{core}){'?' if optional else ''}{SPACE}*$"


def text(max_length: int, *, required: bool = False, nullable: bool | None = None, description: str = "") -> dict:
    """A text of at most ``max_length`` characters once trimmed. ``required``: not empty once trimmed. Null is
    accepted (as no text) unless the text is required; ``nullable`` says otherwise where an operation reads null
    as "leave it as it is"."""
    nullable = not required if nullable is None else nullable
    core = NOT_SPACE if max_length == 1 else f"{NOT_SPACE}(?:{CHARACTER}{{0,{max_length - 2}}}{NOT_SPACE})?"
    said = f"At most {max_length} characters{', not empty' if required else ''}. {TRIMMED}"
    return {
        "type": ["string", "null"] if nullable else "string",
        "pattern": _trimmed(core, optional=not required),
        "description": f"{description} ({said})" if description else said,
    }


def _alternatives(words: Iterable[str]) -> str:
    for word in words:
        assert all(c.isalnum() or c in "-_ " for c in word), word  # nothing a pattern would read as syntax
    return "|".join(words)


def trimmed_choice(words: Iterable[str], *, empty: str | None = None, nullable: bool = False) -> dict:
    """One of ``words``, with white space around it removed; ``empty``: what an empty (or all white space) value
    means, None when it is refused."""
    words = tuple(words)
    return {
        "type": ["string", "null"] if nullable else "string",
        "pattern": _trimmed(_alternatives(words), optional=empty is not None),
        "description": f"One of: {', '.join(words)}. {TRIMMED}"
        + (f" Empty{' or null' if nullable else ''}: {empty}." if empty else ""),
    }


def country_choice(codes: Iterable[str], *, empty: str) -> dict:
    """A two-letter country code out of ``codes``, in either case, with white space around it removed; empty or
    null: ``empty``."""
    codes = sorted(codes)
    for code in codes:
        assert len(code) == 2 and code.isalpha(), code
    either = "|".join(f"[{c[0]}{c[0].lower()}][{c[1]}{c[1].lower()}]" for c in codes)
    return {
        "type": ["string", "null"],
        "pattern": _trimmed(either, optional=True),
        "description": f"An ISO 3166-1 alpha-2 code, one of: {', '.join(codes)} (either case). {TRIMMED} "
        f"Empty or null: {empty}.",
    }


# --- instants and dates --------------------------------------------------------------------------------------------

YEAR = "(?:19[0-9]{2}|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])"  # 1900 to 9998
MONTH_DAY = (
    "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
# 29 February of the leap years from 1900 to 9998: divisible by 4, the centuries only when divisible by 400.
LEAP_DAY = "(?:(?:19|[2-8][0-9]|9[0-9])(?:0[48]|[2468][048]|[13579][26])|(?:[2468][048]|[3579][26])00)-02-29"
DATE_PATTERN = f"(?:{YEAR}-{MONTH_DAY}|{LEAP_DAY})"
TIME_PATTERN = "(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,6})?)?"
OFFSET_PATTERN = "(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"

INSTANT_WORDS = (
    "An ISO 8601 date and time from the year 1900 to 9998: YYYY-MM-DD, then T (or a space), then hh:mm, optionally "
    ":ss and a fraction of up to 6 digits (dropped: instants are kept to the second), then optionally Z or an offset "
    "±hh:mm. Without an offset it is Europe/Amsterdam local time, and a local time that does not exist or exists "
    "twice because of a DST change is refused (422 nonexistent_local_time, ambiguous_local_time). "
    + TRIMMED
    + " Not in the future (422 in_future; two minutes of clock difference are allowed)."
)
INSTANT = {
    "type": "string",
    "pattern": f"^{SPACE}*{DATE_PATTERN}[Tt ]{TIME_PATTERN}{OFFSET_PATTERN}?{SPACE}*$",
    "description": INSTANT_WORDS,
    "examples": ["2026-03-27T14:00:00+01:00", "2026-03-27T14:00", "2026-03-27T13:00:00Z"],
}
NULLABLE_INSTANT = {**INSTANT, "type": ["string", "null"], "description": INSTANT_WORDS + " Null: not given."}
DATE = {
    "type": "string",
    "pattern": f"^{DATE_PATTERN}$",
    "description": "A day as YYYY-MM-DD, from 1900-01-01 to 9998-12-31 (a Europe/Amsterdam day).",
}

# --- ids, counts and the rest -------------------------------------------------------------------------------------

ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
NULLABLE_ID = {**ID, "type": ["integer", "null"]}
ID_LIST = {"type": "array", "items": ID, "minItems": 1, "description": "Ids; one given twice counts once."}


def removable(schema: dict) -> dict:
    """A value that null, "" or [] removes (incident details and scopes: "null removes it")."""
    return {"anyOf": [schema, {"enum": [None, "", []]}]}


def countries() -> dict:
    """ISO 3166-1 alpha-2 codes that the desk knows, in any letter case, trimmed."""
    codes = "|".join("".join(f"[{c}{c.lower()}]" for c in code) for code in sorted(COUNTRIES))
    return {
        "type": "string",
        "pattern": _trimmed(codes, optional=False),
        "description": f"An ISO 3166-1 alpha-2 country code, in any letter case. {TRIMMED}",
    }
