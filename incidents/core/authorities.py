"""The supervisory authorities of the EU/EEA states (config/authorities.toml) and which one is competent for a
controller. Pure: no Flask, no database.

AVG art. 55 and 56: a controller notifies the authority of the state where it is established; for cross-border
processing, the lead authority of its main establishment. A controller established outside the EEA has no lead
authority: the breach is notified to every authority of a state where affected data subjects live (EDPB Guidelines
9/2022, §73). The desk then names no authority and says so; it never picks one silently.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from babel import Locale

from .profiles import ProfileError

# ISO 3166-1 alpha-2 codes Babel knows (as the scope's countries), without its groupings and pseudo-regions: a
# controller's country may lie outside the EEA.
NOT_COUNTRIES = frozenset({"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"})
COUNTRY_CODES = frozenset(
    code
    for code in Locale("en").territories
    if isinstance(code, str) and len(code) == 2 and code.isalpha() and code.isupper() and code not in NOT_COUNTRIES
)
# The 27 EU member states and Iceland, Liechtenstein and Norway: the data file must hold exactly these.
EEA = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "IS",
        "LI",
        "NO",
    ]
)
AUTHORITY_KEYS = {"name", "name_en", "short_name", "url", "checked", "note", "note_en"}
FILE_KEYS = {"source", "checked", "authorities"}


class AuthorityError(ProfileError):
    """A malformed authorities file: its path and the offending key (as a malformed clause profile)."""


@dataclass(frozen=True)
class Authority:
    country: str
    name: str
    name_en: str
    short_name: str
    url: str
    checked: str  # ISO date the entry was checked against a source; "" = not checked
    note: str = ""
    note_en: str = ""

    def label(self, language: str = "nl") -> str:
        """'Autoriteit Persoonsgegevens (AP)': the official name with the short name, as staff and controllers read
        it. English pages use the English name."""
        name = self.name_en if language == "en" else self.name
        return name if self.short_name == name else f"{name} ({self.short_name})"

    def as_dict(self) -> dict[str, str]:
        return {"country": self.country, "name": self.name, "short_name": self.short_name, "url": self.url}


@dataclass(frozen=True)
class Authorities:
    source: str
    checked: str
    by_country: dict[str, Authority]

    def get(self, code: str | None) -> Authority | None:
        return self.by_country.get((code or "").upper())


def _text(data: dict[str, Any], path: Path, key: str, name: str, *, required: bool = True) -> str:
    if key not in data:
        if required:
            raise AuthorityError(path, name, "is missing")
        return ""
    value = data[key]
    if not isinstance(value, str):
        raise AuthorityError(path, name, f"must be a string, got {type(value).__name__}")
    if required and not value.strip():
        raise AuthorityError(path, name, "must not be empty")
    return value.strip()


def _date(value: str, path: Path, name: str) -> str:
    if value:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise AuthorityError(path, name, "must be an ISO date (YYYY-MM-DD) or empty (not checked)") from None
    return value


def parse_authorities(data: dict[str, Any], path: Path) -> Authorities:
    unknown = set(data) - FILE_KEYS
    if unknown:
        raise AuthorityError(path, sorted(unknown)[0], "is not a known key")
    source = _text(data, path, "source", "source")
    checked = _date(_text(data, path, "checked", "checked"), path, "checked")
    table = data.get("authorities")
    if not isinstance(table, dict):
        raise AuthorityError(path, "authorities", "must be a table of authorities keyed by country code")
    found: dict[str, Authority] = {}
    for code, raw in table.items():
        prefix = f"authorities.{code}"
        if code not in EEA:
            raise AuthorityError(path, prefix, "is not the ISO 3166-1 alpha-2 code of an EU/EEA state")
        if not isinstance(raw, dict):
            raise AuthorityError(path, prefix, "must be a table")
        extra = set(raw) - AUTHORITY_KEYS
        if extra:
            raise AuthorityError(path, f"{prefix}.{sorted(extra)[0]}", "is not a known key")
        url = _text(raw, path, "url", f"{prefix}.url")
        if not url.startswith("https://"):
            raise AuthorityError(path, f"{prefix}.url", "must be an https:// address")
        found[code] = Authority(
            country=code,
            name=_text(raw, path, "name", f"{prefix}.name"),
            name_en=_text(raw, path, "name_en", f"{prefix}.name_en"),
            short_name=_text(raw, path, "short_name", f"{prefix}.short_name"),
            url=url,
            checked=_date(_text(raw, path, "checked", f"{prefix}.checked", required=False), path, f"{prefix}.checked"),
            note=_text(raw, path, "note", f"{prefix}.note", required=False),
            note_en=_text(raw, path, "note_en", f"{prefix}.note_en", required=False),
        )
    missing = sorted(EEA - set(found))
    if missing:
        raise AuthorityError(path, f"authorities.{missing[0]}", "is missing: every EU/EEA state needs its authority")
    return Authorities(source, checked, dict(sorted(found.items())))


def load_authorities(path: Path | str) -> Authorities:
    file = Path(path)
    try:
        data = tomllib.loads(file.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise AuthorityError(file, "-", "the authorities file does not exist") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise AuthorityError(file, "-", f"is not valid TOML: {exc}") from None
    return parse_authorities(data, file)


@dataclass(frozen=True)
class Competence:
    """Which authority a controller notifies, and why."""

    authority: Authority | None  # None: no single authority (established outside the EEA)
    lead: bool = False  # the main establishment's authority as lead authority (cross-border, AVG art. 56)
    outside_eea: bool = False  # no main establishment in the EEA: every authority where data subjects live

    @property
    def note(self) -> str:
        return self.authority.note if self.authority else ""


def competent_authority(country: str | None, main_establishment: str | None, authorities: Authorities) -> Competence:
    """The authority competent for a controller established in `country` whose main establishment in the EU/EEA is
    in `main_establishment` (empty: the same as its country, or no cross-border processing)."""
    main = (main_establishment or "").strip().upper()
    if main:
        found = authorities.get(main)
        if found is not None:
            return Competence(found, lead=main != (country or "").strip().upper())
    found = authorities.get(country)
    if found is not None:
        return Competence(found)
    return Competence(None, outside_eea=True)
