"""A controller's own share of an incident (its scope): how many of its data subjects and records, which groups,
which kinds of data, which special categories and countries, and a note only that controller is told.
Pure: no Flask, no database. The API shape is in docs/API.md ("Per-controller scope").

Each controller's documents are made from its own scope, never from another's; the incident-level figures are the
sums (`totals`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import cast

from babel import Locale

from .ap_form import SUBJECT_GROUPS
from .spreadsheet import unguarded
from .text import unstorable, unstorable_message

SCOPE_KEYS = (
    "subjects_min",
    "subjects_max",
    "subject_groups",
    "records_min",
    "records_max",
    "data_categories",
    "special_categories",
    "countries",
    "note",
)
# Incident details that sum over every affected controller (core/ap_form.py): a controller's outputs use them only
# when the incident affects no other controller, since they are then its own.
INCIDENT_WIDE_DETAILS = ("subjects_min", "subjects_max", "subject_groups")
LIST_KEYS = ("subject_groups", "data_categories", "special_categories", "countries")
COUNT_KEYS = ("subjects_min", "subjects_max", "records_min", "records_max")

# The AP form's chapter 6 checklist of general kinds of personal data.
GENERAL_CATEGORIES = (
    "name",
    "gender",
    "birth_date",
    "bsn",
    "contact",
    "address",
    "email",
    "phone",
    "login",
    "financial",
    "iban",
    "credit_card",
    "debts",
    "benefits",
    "id_copy",
    "location",
    "criminal",
    "unknown",
    "other",
)
# AVG art. 9 lid 1: the special categories of personal data.
SPECIAL_CATEGORIES = (
    "racial_ethnic",
    "political",
    "religion",
    "trade_union",
    "genetic",
    "biometric",
    "health",
    "sex_life",
)
# A kind of data may name a special category too ("health"): the AP asks both lists.
DATA_CATEGORIES = GENERAL_CATEGORIES + SPECIAL_CATEGORIES

MAX_COUNT = 10**10
MAX_NOTE = 5000
MAX_CSV_LINES = 100_000

# Territory codes Babel knows (ISO 3166-1 alpha-2), with their names in Dutch and English for documents.
_NL, _EN = Locale("nl"), Locale("en")
COUNTRIES = frozenset(
    code for code in _EN.territories if isinstance(code, str) and len(code) == 2 and code.isalpha() and code != "ZZ"
)


def country_name(code: str, language: str = "nl") -> str:
    name: str = (_EN if language == "en" else _NL).territories.get(code, code)
    return name


class ScopeError(ValueError):
    """A refused scope value: `code` and `params` let a page say it in its own language; `message` is English."""

    def __init__(self, field: str, code: str, message: str, **params: object):
        super().__init__(message)
        self.field, self.code, self.message, self.params = field, code, message, {"field": field, **params}


def _count(key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise ScopeError(key, "invalid_number", f"{key} must be a whole number from 0 to {MAX_COUNT}", value=value)
    return value


def _choices(key: str, value: object, options: Iterable[str]) -> list[str]:
    if not isinstance(value, list | tuple):
        raise ScopeError(key, "invalid_type", f"{key} must be a list")
    allowed = set(options)
    result = []
    for item in value:
        code = item.strip().upper() if key == "countries" and isinstance(item, str) else item
        if not isinstance(code, str) or code not in allowed:
            shown = "ISO 3166-1 two-letter country codes" if key == "countries" else ", ".join(options)
            raise ScopeError(key, "invalid_choice", f"{key}: {item!r} is not one of {shown}", value=item)
        result.append(code)
    return list(dict.fromkeys(result))


def _unstorable(key: str, text: str) -> ScopeError | None:
    message = unstorable_message(text, key)
    return None if message is None else ScopeError(key, "invalid_text", message)


def _note(value: object) -> str:
    if not isinstance(value, str):
        raise ScopeError("note", "invalid_type", "note must be text")
    refused = _unstorable("note", value)
    if refused is not None:
        raise refused
    text = value.strip()
    if len(text) > MAX_NOTE:
        raise ScopeError("note", "too_long", f"note is longer than {MAX_NOTE} characters")
    return text


OPTIONS = {
    "subject_groups": SUBJECT_GROUPS,
    "data_categories": DATA_CATEGORIES,
    "special_categories": SPECIAL_CATEGORIES,
    "countries": tuple(sorted(COUNTRIES)),
}


def clean_scope(values: object, current: Mapping[str, object]) -> dict[str, object]:
    """The scope after applying `values` on top of `current`: a given key replaces, null (or "" or []) removes,
    an absent key stays. Refuses unknown keys, wrong types, unknown codes and a minimum above its maximum."""
    if not isinstance(values, Mapping):
        raise ScopeError("", "invalid_type", "the scope must be an object")
    result = dict(current)
    for key, value in values.items():
        if key not in SCOPE_KEYS:
            raise ScopeError(
                str(key),
                "unknown_field",
                f"'{key}' is not a scope key; known: {', '.join(SCOPE_KEYS)}",
                allowed=", ".join(SCOPE_KEYS),
            )
        if value is None or value == "" or value == []:
            result.pop(key, None)
        elif key in COUNT_KEYS:
            result[key] = _count(key, value)
        elif key in LIST_KEYS:
            result[key] = _choices(key, value, OPTIONS[key])
        else:
            text = _note(value)
            if text:
                result[key] = text
            else:
                result.pop(key, None)
    for low, high in (("subjects_min", "subjects_max"), ("records_min", "records_max")):
        if low in result and high in result and result[low] > result[high]:  # type: ignore[operator]
            raise ScopeError(high, "below_minimum", f"{high} is below {low}", minimum=low)
    return {key: result[key] for key in SCOPE_KEYS if key in result}


@dataclass(frozen=True)
class Range:
    """An approximate number: exact when both ends are equal; either end may be unknown."""

    low: int | None
    high: int | None


def subjects(scope: Mapping[str, object]) -> Range:
    return Range(scope.get("subjects_min"), scope.get("subjects_max"))  # type: ignore[arg-type]


def records(scope: Mapping[str, object]) -> Range:
    return Range(scope.get("records_min"), scope.get("records_max"))  # type: ignore[arg-type]


def totals(scopes: Iterable[Mapping[str, object]]) -> dict[str, object]:
    """The incident-level figures from one scope per affected controller ({} for a controller with none):
    the minimum is the sum of the known minimums (an unknown number is at least 0), the maximum is a sum only when
    every controller gives one (otherwise the total has no upper bound), and lists are unions. Notes are never
    summed."""
    scopes = list(scopes)
    result: dict[str, object] = {}
    for low, high in (("subjects_min", "subjects_max"), ("records_min", "records_max")):
        if any(low in s for s in scopes):
            result[low] = sum(s.get(low, 0) for s in scopes)  # type: ignore[misc]
        if scopes and all(high in s for s in scopes):
            result[high] = sum(s[high] for s in scopes)  # type: ignore[misc]
    for key in LIST_KEYS:
        union = list(dict.fromkeys(v for s in scopes for v in cast("Iterable[object]", s.get(key) or ())))
        if union:
            result[key] = union
    return result


# --- CSV: one line per controller -------------------------------------------------------------------------------

WHOLE_NUMBER = re.compile(r"[0-9]+|[0-9]{1,3}(\.[0-9]{3})+|[0-9]{1,3}( [0-9]{3})+")
CSV_ID_COLUMNS = ("controller_id", "kvk")
# For the person filling the file in; never read (the downloaded template has it).
CSV_INFO_COLUMNS = ("name",)


@dataclass(frozen=True)
class CsvLine:
    number: int  # the line number in the file (the header is line 1)
    controller_id: int | None
    kvk: str | None
    values: dict[str, object]  # scope keys as the API takes them; None removes


@dataclass(frozen=True)
class CsvProblem:
    line: int
    field: str
    message: str  # English, for the API
    code: str = ""  # with params: for a page to say it in its own language
    params: dict[str, object] = dataclass_field(default_factory=dict)


def _csv_value(key: str, text: str) -> object:
    text = unguarded(text.strip())  # the downloaded file guards formula-like text with an apostrophe
    if not text:
        return None
    if key in COUNT_KEYS:
        # 1200, or with Dutch thousands separators 1.200 / 1 200; never a decimal (1.5 is not 15)
        if not WHOLE_NUMBER.fullmatch(text):
            raise ScopeError(key, "invalid_number", f"{key}: '{text}' is not a whole number", value=text)
        return int(re.sub(r"[. ]", "", text))
    if key in LIST_KEYS:
        return [part.strip() for part in text.split(";") if part.strip()]
    return text


def parse_scope_csv(text: str) -> tuple[list[CsvLine], list[CsvProblem]]:
    """Lines of a scope CSV (`,` or `;` between cells, lists inside a cell separated by `;`, an optional BOM) and every
    problem found, each with its line number. Nothing is applied here: the caller applies all or nothing."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    # Spreadsheets set to Dutch write `;` between cells; lists inside a cell are then quoted.
    delimiter = ";" if ";" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return [], [CsvProblem(1, "", "the file is empty: expected a header line", "empty_file")]
    except csv.Error as exc:
        return [], [_unreadable(1, exc)]
    problems = _header_problems(header)
    if problems:
        return [], problems
    lines: list[CsvLine] = []
    try:
        for row in reader:
            number = reader.line_num
            if number > MAX_CSV_LINES:
                problems.append(
                    CsvProblem(number, "", f"more than {MAX_CSV_LINES} lines", "too_many_lines", {"max": MAX_CSV_LINES})
                )
                break
            parsed = _csv_line(number, header, row)
            if isinstance(parsed, CsvLine):
                lines.append(parsed)
            elif parsed is not None:
                problems.append(parsed)
    except csv.Error as exc:
        problems.append(_unreadable(reader.line_num, exc))
    if not lines and not problems:
        problems.append(CsvProblem(2, "", "the file has a header but no lines", "no_lines"))
    return lines, problems


def _unreadable(line: int, exc: csv.Error) -> CsvProblem:
    if "field larger than field limit" in str(exc):
        limit = csv.field_size_limit()
        return CsvProblem(line, "", f"a cell is longer than {limit} characters", "cell_too_long", {"max": limit})
    return CsvProblem(line, "", f"unreadable CSV: {exc}", "unreadable")


def _header_problems(header: list[str]) -> list[CsvProblem]:
    problems: list[CsvProblem] = []
    if any(unstorable(name) for name in header):
        message = "a column name contains a NUL byte or an unpaired surrogate, which cannot be stored"
        return [CsvProblem(1, "", message, "unstorable_column")]
    unknown = [h for h in header if h not in SCOPE_KEYS + CSV_ID_COLUMNS + CSV_INFO_COLUMNS]
    if unknown:
        known = ", ".join(CSV_ID_COLUMNS + SCOPE_KEYS)
        problems.append(
            CsvProblem(
                1,
                unknown[0],
                f"unknown column(s): {', '.join(unknown)}; known: {known}",
                "unknown_column",
                {"columns": ", ".join(unknown), "allowed": known},
            )
        )
    if not any(h in CSV_ID_COLUMNS for h in header):
        problems.append(CsvProblem(1, "controller_id", "a column controller_id or kvk is needed", "no_id_column"))
    if len(set(header)) != len(header):
        problems.append(CsvProblem(1, "", "a column appears twice", "duplicate_column"))
    return problems


def _csv_line(number: int, header: list[str], row: list[str]) -> CsvLine | CsvProblem | None:
    """One line of the file: its values, or its first problem, or None for an empty line."""
    if not any(cell.strip() for cell in row):
        return None
    if len(row) != len(header):
        return CsvProblem(
            number,
            "",
            f"{len(row)} cells where the header has {len(header)}",
            "cell_count",
            {"cells": len(row), "columns": len(header)},
        )
    cells = dict(zip(header, row, strict=True))
    for key, cell in cells.items():
        refused = _unstorable(key, cell)
        if refused is not None:
            return CsvProblem(number, key, refused.message, refused.code, refused.params)
    controller_id = None
    raw_id = cells.get("controller_id", "").strip()
    if raw_id:
        if not raw_id.isascii() or not raw_id.isdigit() or not 1 <= int(raw_id) <= 2**31 - 1:
            return CsvProblem(
                number, "controller_id", f"'{raw_id}' is not a controller id", "bad_controller_id", {"value": raw_id}
            )
        controller_id = int(raw_id)
    kvk = cells.get("kvk", "").strip().replace(" ", "") or None
    if controller_id is None and kvk is None:
        return CsvProblem(number, "controller_id", "no controller_id or kvk", "no_controller")
    values: dict[str, object] = {}
    try:
        for key in header:
            if key in SCOPE_KEYS:
                values[key] = _csv_value(key, cells[key])
        clean_scope(values, {})
    except ScopeError as exc:
        return CsvProblem(number, exc.field, exc.message, exc.code, exc.params)
    return CsvLine(number, controller_id, kvk, values)
