"""The patterns of the OpenAPI document's request side say what the code accepts: the same strings, no more and no
fewer (incidents/api/openapi_inputs.py). Each is checked against the code it describes, with hypothesis drawing
near misses as well as valid values."""

from __future__ import annotations

import re
import sys
from datetime import date

from hypothesis import example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from incidents.api.openapi_inputs import DATE, INSTANT, WHITE_SPACE_CODES, countries, text, trimmed_choice
from incidents.core.instants import InstantError, parse_instant
from incidents.core.scope import COUNTRIES
from incidents.errors import ValidationFailed
from incidents.filters import parse_date
from incidents.validation import clean_text, required_text

# The refusals of an instant that depend on the zone's DST changes: a rule of the code, not of the pattern.
LOCAL_TIME = {"nonexistent_local_time", "ambiguous_local_time"}


def matches(schema: dict, value: str) -> bool:
    return re.search(schema["pattern"], value) is not None


def test_white_space_is_what_strip_removes():
    assert set(WHITE_SPACE_CODES) == {c for c in range(sys.maxunicode + 1) if chr(c).isspace()}


def test_the_patterns_are_valid_json_schema_and_read_alike_by_rust_and_python():
    import jsonschema_rs  # what schemathesis validates with

    for schema in (INSTANT, DATE, text(200, required=True), text(5), countries(), trimmed_choice(("nl", "en"))):
        Draft202012Validator.check_schema(schema)
        rust = jsonschema_rs.validator_for({"pattern": schema["pattern"]})
        for value in (" 2026-03-27T14:00 ", "2026-02-29", "x", "  ", "nl", " Nl ", "abcdef", "a\u3000", "\x1ca\x1c"):
            assert rust.is_valid(value) == matches(schema, value), (schema["pattern"][:60], value)


SPACES = st.sampled_from(["", " ", "\t", "\n ", "\u3000", "\x1c", "\xa0\u2028", "\x00"])
DIGITS = st.integers(0, 99).map(lambda n: f"{n:02d}")
FRACTION = st.sampled_from(["", ".", ".0", ".123456", ".1234567", ".5"])
OFFSET = st.sampled_from(["", "Z", "z", "+01:00", "-00:00", "+23:59", "+24:00", "+1:00", "+0100", "+01:60", " Z"])


@st.composite
def instant_texts(draw) -> str:
    """Mostly ISO-like texts, each part now and then out of range or malformed."""
    year = draw(st.sampled_from(["1899", "1900", "1904", "2000", "2100", "2024", "9996", "9998", "9999", "0001"]))
    month = draw(st.sampled_from(["01", "02", "04", "06", "09", "11", "12", "13", "00", "2"]))
    day = draw(st.sampled_from(["01", "28", "29", "30", "31", "32", "00", "1"]))
    hour, minute, second = draw(DIGITS), draw(DIGITS), draw(DIGITS)
    separator = draw(st.sampled_from(["T", "t", " ", "_", "TT"]))
    seconds = draw(st.sampled_from(["", f":{second}"]))
    fraction = draw(FRACTION) if seconds else ""
    core = f"{year}-{month}-{day}{separator}{hour}:{minute}{seconds}{fraction}{draw(OFFSET)}"
    return draw(SPACES) + core + draw(SPACES)


def accepted(value: str) -> bool:
    try:
        parse_instant(value)
    except InstantError as exc:
        return exc.code in LOCAL_TIME
    return True


@settings(max_examples=2000, deadline=None)
@given(st.one_of(instant_texts(), st.text(max_size=30)))
@example("2026-03-29T02:30")  # in the DST gap: the pattern admits it, the code refuses it for a reason it names
@example("2026-10-25T02:30")  # twice: likewise
@example("2026-03-27T14:00:00.1234567")
@example("٢٠٢٦-03-27T14:00")  # digits of another script
def test_the_instant_pattern_is_what_parse_instant_accepts(value):
    assert matches(INSTANT, value) == accepted(value), value


@settings(max_examples=1000, deadline=None)
@given(
    st.builds(
        lambda y, m, d: f"{y}-{m}-{d}",
        st.sampled_from(["1899", "1900", "1996", "2000", "2100", "2400", "9998", "9999"]),
        st.sampled_from(["01", "02", "04", "12", "13", "00"]),
        st.sampled_from(["01", "28", "29", "30", "31", "32", "00"]),
    )
    | st.text(max_size=12)
)
def test_the_date_pattern_is_what_the_register_accepts(value):
    errors: list = []
    parsed = parse_date({"from": value}, "from", errors)
    if value.strip() != value:  # the API refuses white space around a value before parse_date sees it
        assert not matches(DATE, value)
        return
    assert matches(DATE, value) == (parsed is not None and not errors), value
    if parsed is not None:
        assert parsed == date.fromisoformat(value)


TEXTS = st.text(alphabet=st.sampled_from(["a", "é", "🙂", " ", "\t", "\n", "\u3000", "\x1c", "\x85", "\ufeff", "\x00"]))


@settings(max_examples=1000, deadline=None)
@given(TEXTS.filter(lambda t: len(t) <= 12), st.integers(1, 5), st.booleans())
def test_the_text_pattern_is_what_clean_text_accepts(value, max_length, required):
    check = required_text if required else clean_text
    try:
        check(value, "field", max_length)
        ok = True
    except ValidationFailed:
        ok = False
    assert matches(text(max_length, required=required), value) == ok, (value, max_length, required)


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(sorted(COUNTRIES)) | st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2))
def test_the_countries_pattern_is_every_known_code_in_any_case(code):
    schema = countries()
    for written in (code, code.lower(), code[0] + code[1].lower(), f" {code}\t"):
        assert matches(schema, written) == (code in COUNTRIES), written
