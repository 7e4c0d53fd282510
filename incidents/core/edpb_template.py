"""The EDPB common breach-notification template as data (config/edpb-template.toml): its sections, its fields and,
per field, where the desk holds the answer. Pure: no Flask, no database.

A malformed file is refused with its path and key, so a change of the template is a change of the file, checked at
start-up, never of the code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .ap_form import DETAIL_KEYS
from .fields import FIELD_KEYS
from .profiles import ProfileError
from .scope import INCIDENT_WIDE_DETAILS, SCOPE_KEYS

STATUSES = ("unverified", "published")
# What of a controller the template may ask (parties/models.py Controller).
CONTROLLER_ATTRIBUTES = (
    "name",
    "kvk",
    "country",
    "main_establishment",
    "address",
    "sector",
    "dpo_registration",
    "joint_controllers",
    "contact_name",
    "contact_function",
    "contact_email",
    "contact_phone",
    "legal_basis",
)
# What the desk works out from the record for one controller (drafts/edpb.py says how).
COMPUTED = (
    "notification_type",
    "previous_reference",
    "competent_authority",
    "cross_border",
    "other_authorities",
    "reporting_person",
    "contact_person",
    "processor",
    "breach_end",
    "processor_aware_at",
    "controller_aware_at",
    "late_reason",
    "nature",
    "records",
    "subjects",
    "severity",
    "consequences_organisation",
    "subjects_informed",
    "subjects_channel",
    "subjects_number_informed",
)
SOURCES: dict[str, tuple[str, ...]] = {
    "field": FIELD_KEYS,
    # the incident-wide counts sum over every controller: a controller's draft takes them from its scope
    "detail": tuple(k for k in DETAIL_KEYS if k not in INCIDENT_WIDE_DETAILS),
    "controller": CONTROLLER_ATTRIBUTES,
    "scope": SCOPE_KEYS,
    "computed": COMPUTED,
}
KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


class TemplateError(ProfileError):
    """A malformed EDPB template file: its path and the offending key (as a malformed clause profile)."""


@dataclass(frozen=True)
class TemplateField:
    key: str
    source: str  # "field:nature", "computed:severity", …, or "none"
    nl: str
    en: str

    @property
    def kind(self) -> str:
        return self.source.split(":", 1)[0]

    @property
    def name(self) -> str:
        return self.source.split(":", 1)[1] if ":" in self.source else ""

    def label(self, language: str) -> str:
        return self.en if language == "en" else self.nl


@dataclass(frozen=True)
class TemplateSection:
    key: str
    nl: str
    en: str
    fields: tuple[TemplateField, ...]

    def title(self, language: str) -> str:
        return self.en if language == "en" else self.nl


@dataclass(frozen=True)
class EDPBTemplate:
    status: str  # unverified: the keys are not (yet) the published ones
    title: str
    version: str
    source: str
    sections: tuple[TemplateSection, ...]

    @property
    def fields(self) -> tuple[TemplateField, ...]:
        return tuple(f for s in self.sections for f in s.fields)


def _text(data: dict[str, Any], path: Path, key: str, name: str) -> str:
    if key not in data:
        raise TemplateError(path, name, "is missing")
    value = data[key]
    if not isinstance(value, str):
        raise TemplateError(path, name, f"must be a string, got {type(value).__name__}")
    if not value.strip():
        raise TemplateError(path, name, "must not be empty")
    return value.strip()


def _source(value: str, path: Path, name: str) -> str:
    if value == "none":
        return value
    kind, _, key = value.partition(":")
    if kind not in SOURCES:
        raise TemplateError(path, name, f"must be none or start with one of {', '.join(f'{k}:' for k in SOURCES)}")
    if key not in SOURCES[kind]:
        raise TemplateError(path, name, f"'{key}' is not one of the {kind} keys: {', '.join(SOURCES[kind])}")
    return value


def _field(raw: Any, path: Path, name: str, seen: set[str]) -> TemplateField:
    if not isinstance(raw, dict):
        raise TemplateError(path, name, "must be a table")
    extra = set(raw) - {"key", "source", "nl", "en"}
    if extra:
        raise TemplateError(path, f"{name}.{sorted(extra)[0]}", "is not a known key")
    key = _text(raw, path, "key", f"{name}.key")
    if not KEY.match(key):
        raise TemplateError(path, f"{name}.key", "must be lower-case words joined by dots, such as timeline.start")
    if key in seen:
        raise TemplateError(path, f"{name}.key", f"'{key}' is used twice")
    seen.add(key)
    return TemplateField(
        key,
        _source(_text(raw, path, "source", f"{name}.source"), path, f"{name}.source"),
        _text(raw, path, "nl", f"{name}.nl"),
        _text(raw, path, "en", f"{name}.en"),
    )


def parse_template(data: dict[str, Any], path: Path) -> EDPBTemplate:
    unknown = set(data) - {"status", "title", "version", "source", "sections"}
    if unknown:
        raise TemplateError(path, sorted(unknown)[0], "is not a known key")
    status = _text(data, path, "status", "status")
    if status not in STATUSES:
        raise TemplateError(path, "status", f"must be one of {', '.join(STATUSES)}")
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        raise TemplateError(path, "sections", "must list the template's sections")
    seen: set[str] = set()
    sections = []
    for i, raw in enumerate(raw_sections):
        name = f"sections[{i}]"
        if not isinstance(raw, dict):
            raise TemplateError(path, name, "must be a table")
        extra = set(raw) - {"key", "nl", "en", "fields"}
        if extra:
            raise TemplateError(path, f"{name}.{sorted(extra)[0]}", "is not a known key")
        fields = raw.get("fields")
        if not isinstance(fields, list) or not fields:
            raise TemplateError(path, f"{name}.fields", "must list at least one field")
        sections.append(
            TemplateSection(
                _text(raw, path, "key", f"{name}.key"),
                _text(raw, path, "nl", f"{name}.nl"),
                _text(raw, path, "en", f"{name}.en"),
                tuple(_field(f, path, f"{name}.fields[{j}]", seen) for j, f in enumerate(fields)),
            )
        )
    return EDPBTemplate(
        status,
        _text(data, path, "title", "title"),
        _text(data, path, "version", "version"),
        _text(data, path, "source", "source"),
        tuple(sections),
    )


def load_template(path: Path | str) -> EDPBTemplate:
    file = Path(path)
    try:
        data = tomllib.loads(file.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise TemplateError(file, "-", "the template file does not exist") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(file, "-", f"is not valid TOML: {exc}") from None
    return parse_template(data, file)
