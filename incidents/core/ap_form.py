"""The AP's notification form (meldformulier datalekken): its answer options and the incident details it asks
for beyond the contract fields (docs/DOMAIN.md section 3). Pure: no Flask, no database.

The details are optional; a missing one is a gap in the AP draft, never an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import cast

from .instants import InstantError, iso_z, not_in_future, parse_instant
from .text import unstorable_message

# Chapter 5, "soort incident".
INCIDENT_KINDS = (
    "email_wrong_recipient",
    "cc_not_bcc",
    "letter_wrong_address",
    "letter_returned_opened",
    "letter_lost",
    "wrong_authorisations",
    "network_folders_open",
    "device_lost_stolen",
    "published_by_accident",
    "hacking_malware_phishing",
    "wrong_file",
    "other",
)
# Chapter 8, "maatregelen vooraf".
PROTECTIONS = ("encrypted", "hashed", "unintelligible", "none")
# Chapter 7, "groepen betrokkenen".
SUBJECT_GROUPS = ("employees", "customers", "students", "patients", "minors", "vulnerable", "other")
# Chapter 2, people in other countries.
CROSS_BORDER = ("yes", "no", "unknown")
# Chapter 10, channels to inform data subjects.
SUBJECT_CHANNELS = ("phone", "letter", "email", "website", "social_media", "newspaper", "other")

# Who reported the breach to the processor (the Addendum's Annex B: "de naam van degene die de schending meldt").
REPORTER_KINDS = ("internal", "external", "sub_processor")

DETAIL_KEYS = (
    "incident_kind",
    "started_at",
    "ended_at",
    "discovery",
    "protection",
    "subjects_min",
    "subjects_max",
    "subject_groups",
    "cross_border",
    "reporter_kind",
    "reported_by",
    "recovery",
    "other_supervisors",
    "attachments",
)
MAX_DETAIL_TEXT = 5000
MAX_SUBJECTS = 10**10


class DetailError(ValueError):
    def __init__(self, field: str, code: str, message: str):
        super().__init__(message)
        self.field, self.code, self.message = f"details.{field}" if field else "details", code, message


def _choice(key: str, value: object, options: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in options:
        raise DetailError(key, "invalid_choice", f"{key} must be one of {', '.join(options)}")
    return value


def _count(key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SUBJECTS:
        raise DetailError(key, "invalid_number", f"{key} must be a whole number from 0 to {MAX_SUBJECTS}")
    return value


def _instant(key: str, value: object, now: datetime) -> str:
    if isinstance(value, datetime):
        instant = value
    else:
        try:
            instant = parse_instant(value)
        except InstantError as exc:
            raise DetailError(key, exc.code, f"{key}: {exc.message}") from None
    if not not_in_future(instant, now):
        raise DetailError(key, "in_future", f"{key} lies in the future")
    return iso_z(instant)  # type: ignore[return-value]


def _text(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise DetailError(key, "invalid_type", f"{key} must be text")
    refused = unstorable_message(value, key)
    if refused is not None:
        raise DetailError(key, "invalid_text", refused)
    text = value.strip()
    if len(text) > MAX_DETAIL_TEXT:
        raise DetailError(key, "too_long", f"{key} is longer than {MAX_DETAIL_TEXT} characters")
    return text


# The details answered with one of a fixed set of options.
CHOICE_DETAILS = {
    "incident_kind": INCIDENT_KINDS,
    "protection": PROTECTIONS,
    "cross_border": CROSS_BORDER,
    "reporter_kind": REPORTER_KINDS,
}


def clean_details(values: object, current: Mapping[str, object], now: datetime) -> dict[str, object]:
    """The incident's details after applying `values` on top of `current`; None or "" removes a key.

    Refuses unknown keys, wrong types, instants in the future or that DST makes impossible or ambiguous,
    an end before the start and a minimum above the maximum.
    """
    if values is None:
        return dict(current)
    if not isinstance(values, Mapping):
        raise DetailError("", "invalid_type", "details must be an object")
    result = dict(current)
    for key, value in values.items():
        if key not in DETAIL_KEYS:
            raise DetailError(
                str(key), "unknown_field", f"'{key}' is not a detail; known details: {', '.join(DETAIL_KEYS)}"
            )
        if value is None or value == "" or value == []:
            result.pop(key, None)
            continue
        if key in CHOICE_DETAILS:
            result[key] = _choice(key, value, CHOICE_DETAILS[key])
        elif key in ("started_at", "ended_at"):
            result[key] = _instant(key, value, now)
        elif key in ("subjects_min", "subjects_max"):
            result[key] = _count(key, value)
        elif key == "subject_groups":
            if not isinstance(value, list | tuple):
                raise DetailError(key, "invalid_type", "subject_groups must be a list")
            # each checked before the duplicates go (a list or an object in the list is refused, not hashed)
            chosen = [_choice(key, v, SUBJECT_GROUPS) for v in value]
            result[key] = list(dict.fromkeys(chosen))
        else:
            text = _text(key, value)
            if text:
                result[key] = text
            else:
                result.pop(key, None)
    # Instants are kept as ISO 8601 Z text (which sorts as time does), counts as whole numbers.
    if (
        "started_at" in result
        and "ended_at" in result
        and cast(str, result["ended_at"]) < cast(str, result["started_at"])
    ):
        raise DetailError("ended_at", "before_start", "ended_at lies before started_at")
    if (
        "subjects_min" in result
        and "subjects_max" in result
        and cast(int, result["subjects_min"]) > cast(int, result["subjects_max"])
    ):
        raise DetailError("subjects_max", "below_minimum", "subjects_max is below subjects_min")
    return result
