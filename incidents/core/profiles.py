"""Clause profiles: the breach clause of one kind of contract, loaded from TOML and validated.

A malformed file is refused with its path and the offending key, so a bad profile stops the
application at start-up instead of producing wrong deadlines later.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .fields import FIELD_KEYS

OBLIGATION_KINDS = (
    "controller_notice",
    "controller_consultation",
    "awareness_notice",
    "investigation_report",
    "authority_contact_notice",
)
# Duties whose outer limit is the controller's own AP deadline: the report of the investigation (BOZ 5.4 "zodat deze
# tijdig de Autoriteit Persoonsgegevens … kan informeren", Addendum 13.1(2)) is owed in time for the controller to
# notify the AP. Until the controller's clock runs, the rule's own hours from the established breach count.
LIMITED_BY_AP = ("investigation_report",)
# How a rule's hours are to be read: a fixed contract term ("binnen 72 uur"), the outer limit of a duty owed at once
# ("onmiddellijk, doch uiterlijk binnen 72 uur": within it, "onmiddellijk" stays an open norm), or the processor's
# own internal target for an open norm ("onverwijld", "zo spoedig mogelijk"), never a legal conclusion.
NORMS = ("term", "outer_limit", "internal")
# A duty fulfilled by filings of another kind: a notice owed from awareness (Citodent 6.2 "ook bij het vermoeden",
# Doctolib 3.2 "elke inbreuk op de beveiliging") is met by a notice to the controller, like the notice of the
# established breach beside it.
FILED_AS = {"awareness_notice": "controller_notice", "authority_contact_notice": "controller_notice"}
# A duty that a recorded fact starts rather than an anchor of the incident: telling the controller of a contact with
# an authority other than the AP (BOZ 5.7, Doctolib 7.2, Addendum 6.2) runs from the first such contact recorded for
# it, and exists only once one is.
STARTED_BY = {"authority_contact_notice": "authority_contact"}
MODES = ("immediate", "within")
TRIGGERS = ("suspected", "confirmed", "authority_contact")
DEFAULT_IMMEDIATE_HOURS = 24
AP_HOURS = 72
AP_CLAUSE = "AVG art. 33 lid 1"
AP_WORDING = "zonder onredelijke vertraging en, indien mogelijk, uiterlijk 72 uur nadat hij er kennis van heeft genomen"


class ProfileError(ValueError):
    def __init__(self, path: Path | str, key: str, message: str):
        super().__init__(f"{path}: key '{key}': {message}")
        self.path = str(path)
        self.key = key


@dataclass(frozen=True)
class ObligationRule:
    kind: str
    mode: str
    hours: int
    trigger: str
    clause: str
    wording: str
    at_the_latest: bool = False  # mode "within": the hours are the outer limit of a duty owed at once

    @property
    def norm(self) -> str:
        if self.mode == "immediate":
            return "internal"
        return "outer_limit" if self.at_the_latest else "term"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "mode": self.mode,
            "hours": self.hours,
            "trigger": self.trigger,
            "clause": self.clause,
            "wording": self.wording,
            "norm": self.norm,
        }


@dataclass(frozen=True)
class ClauseProfile:
    key: str
    title: str
    source: str
    article: str
    obligations: tuple[ObligationRule, ...]
    required_fields: tuple[str, ...]
    processor_files_with_ap: bool
    processor_may_inform_data_subjects: bool
    ap_clause: str = AP_CLAUSE
    ap_wording: str = AP_WORDING
    notes: str = ""
    data_subjects_clause: str = ""
    data_subjects_wording: str = ""
    path: str = field(default="", compare=False)
    # What the profile's content was when loaded: the first 12 hex digits of the SHA-256 of its file (and of any
    # target-hours override), so that a deadline can say which wording and hours it was computed from.
    version: str = ""
    # True when the wordings are not the contract's own words (no text of it is at hand) but its gist: shown
    # without quotation marks and labelled as a paraphrase, never as a quote.
    paraphrase: bool = False
    # The channels by which a notice under this contract fulfils it (empty: any), and the clause that says so.
    notice_channels: tuple[str, ...] = ()
    channel_clause: str = ""
    channel_wording: str = ""
    # The clause that reserves notifying the AP to the controller (BOZ 5.4 "kan alleen gedaan worden door de
    # Verwerkingsverantwoordelijke"): beside a contract of the same controller where the processor files, a conflict.
    ap_reserved_clause: str = ""
    ap_reserved_wording: str = ""
    # The contract counts an investigation into or seizure of the data by authorities (or a suspicion of one) as a
    # breach in itself (BOZ art. 1.2 a, limb i): its confirmed-trigger duties start when the processor learns of it.
    authority_action_clause: str = ""
    authority_action_wording: str = ""
    # The file's text and the target-hours override it was loaded with: what the version names, kept so that a
    # version can be stored and read back after the file has changed (parties/profile_versions.py).
    text: str = field(default="", compare=False, repr=False)
    target_hours: int | None = None

    def allows(self, channel: str | None) -> bool:
        return not self.notice_channels or (channel or "email") in self.notice_channels

    def rule(self, kind: str) -> ObligationRule | None:
        return next((r for r in self.obligations if r.kind == kind), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "source": self.source,
            "article": self.article,
            "obligations": [r.as_dict() for r in self.obligations],
            "required_fields": list(self.required_fields),
            "processor_files_with_ap": self.processor_files_with_ap,
            "processor_may_inform_data_subjects": self.processor_may_inform_data_subjects,
            "ap_clause": self.ap_clause,
            "data_subjects_clause": self.data_subjects_clause,
        }


def _get(data: dict[str, Any], path: Path, key: str, kind: type | tuple[type, ...], *, prefix: str = "") -> Any:
    name = f"{prefix}{key}"
    if key not in data:
        raise ProfileError(path, name, "is missing")
    value = data[key]
    # bool is an int in Python: never accept one for the other
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        expected = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ProfileError(path, name, f"must be a {expected}, got {type(value).__name__}")
    if isinstance(value, str) and not value.strip():
        raise ProfileError(path, name, "must not be empty")
    return value


def _rule(raw: Any, index: int, path: Path, trigger: str, overrides: dict[str, int]) -> ObligationRule:
    prefix = f"obligations[{index}]."
    if not isinstance(raw, dict):
        raise ProfileError(path, f"obligations[{index}]", "must be a table")
    kind = _get(raw, path, "kind", str, prefix=prefix)
    if kind not in OBLIGATION_KINDS:
        raise ProfileError(path, prefix + "kind", f"must be one of {', '.join(OBLIGATION_KINDS)}")
    mode = _get(raw, path, "mode", str, prefix=prefix)
    if mode not in MODES:
        raise ProfileError(path, prefix + "mode", f"must be one of {', '.join(MODES)}")
    if mode == "immediate":
        hours = raw.get("hours", DEFAULT_IMMEDIATE_HOURS)
        if kind in overrides:
            hours = overrides[kind]
    else:
        hours = _get(raw, path, "hours", int, prefix=prefix)
    if isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= 24 * 365:
        raise ProfileError(path, prefix + "hours", "must be a whole number of hours from 1 to 8760")
    if mode == "immediate" and hours > AP_HOURS:
        # "onverwijld" as an internal target longer than the controller's own 72 hours would empty the clause
        source = "PROFILE_TARGET_HOURS" if kind in overrides else prefix + "hours"
        raise ProfileError(path, source, f"an immediate target may not exceed the controller's own {AP_HOURS} hours")
    default = {"awareness_notice": "suspected", "authority_contact_notice": "authority_contact"}.get(kind, trigger)
    rule_trigger = raw.get("trigger", default)
    if rule_trigger not in TRIGGERS:
        raise ProfileError(path, prefix + "trigger", f"must be one of {', '.join(TRIGGERS)}")
    if kind == "awareness_notice" and rule_trigger != "suspected":
        raise ProfileError(path, prefix + "trigger", "an awareness_notice runs from awareness: it must be suspected")
    if (kind == "authority_contact_notice") != (rule_trigger == "authority_contact"):
        raise ProfileError(path, prefix + "trigger", "authority_contact starts authority_contact_notice, and only it")
    unknown = set(raw) - {"kind", "mode", "hours", "trigger", "clause", "wording", "at_the_latest"}
    if unknown:
        raise ProfileError(path, prefix + sorted(unknown)[0], "is not a known key")
    at_the_latest = raw.get("at_the_latest", False)
    if not isinstance(at_the_latest, bool):
        raise ProfileError(path, prefix + "at_the_latest", "must be true or false")
    if at_the_latest and mode != "within":
        raise ProfileError(path, prefix + "at_the_latest", "belongs to mode 'within' (its hours are the outer limit)")
    return ObligationRule(
        kind=kind,
        mode=mode,
        hours=hours,
        trigger=rule_trigger,
        clause=_get(raw, path, "clause", str, prefix=prefix),
        wording=_get(raw, path, "wording", str, prefix=prefix),
        at_the_latest=at_the_latest,
    )


PROFILE_KEYS = {
    "key",
    "title",
    "source",
    "article",
    "trigger",
    "required_fields",
    "processor_files_with_ap",
    "processor_may_inform_data_subjects",
    "obligations",
    "ap_clause",
    "ap_wording",
    "notes",
    "data_subjects_clause",
    "data_subjects_wording",
    "paraphrase",
    "notice_channels",
    "channel_clause",
    "channel_wording",
    "ap_reserved_clause",
    "ap_reserved_wording",
    "authority_action_clause",
    "authority_action_wording",
}
CHANNELS = ("email", "phone", "portal", "letter", "in_person", "other")


def parse_profile(data: dict[str, Any], path: Path, target_hours: dict[str, int] | None = None) -> ClauseProfile:
    unknown = set(data) - PROFILE_KEYS
    if unknown:
        raise ProfileError(path, sorted(unknown)[0], "is not a known key")
    key = _get(data, path, "key", str)
    if key != path.stem:
        raise ProfileError(path, "key", f"must equal the file name '{path.stem}'")
    trigger = _get(data, path, "trigger", str)
    if trigger not in TRIGGERS[:2]:
        raise ProfileError(path, "trigger", f"must be one of {', '.join(TRIGGERS[:2])}")
    required = _get(data, path, "required_fields", list)
    for i, name in enumerate(required):
        if name not in FIELD_KEYS:
            raise ProfileError(path, f"required_fields[{i}]", f"'{name}' is not a field key")
    raw_rules = _get(data, path, "obligations", list)
    if not raw_rules:
        raise ProfileError(path, "obligations", "must list at least the controller_notice")
    overrides = {"controller_notice": target_hours[key]} if target_hours and key in target_hours else {}
    rules = tuple(_rule(raw, i, path, trigger, overrides) for i, raw in enumerate(raw_rules))
    kinds = [r.kind for r in rules]
    if "controller_notice" not in kinds:
        raise ProfileError(path, "obligations", "must contain a controller_notice")
    if len(set(kinds)) != len(kinds):
        raise ProfileError(path, "obligations", "lists the same kind twice")
    return ClauseProfile(
        key=key,
        title=_get(data, path, "title", str),
        source=_get(data, path, "source", str),
        article=_get(data, path, "article", str),
        obligations=rules,
        required_fields=tuple(required),
        processor_files_with_ap=_get(data, path, "processor_files_with_ap", bool),
        processor_may_inform_data_subjects=_get(data, path, "processor_may_inform_data_subjects", bool),
        ap_clause=_get(data, path, "ap_clause", str) if "ap_clause" in data else AP_CLAUSE,
        ap_wording=_get(data, path, "ap_wording", str) if "ap_wording" in data else AP_WORDING,
        notes=_get(data, path, "notes", str) if "notes" in data else "",
        data_subjects_clause=_get(data, path, "data_subjects_clause", str) if "data_subjects_clause" in data else "",
        data_subjects_wording=(
            _get(data, path, "data_subjects_wording", str) if "data_subjects_wording" in data else ""
        ),
        path=str(path),
        paraphrase=_get(data, path, "paraphrase", bool) if "paraphrase" in data else False,
        **_channels(data, path),
        **_reserved(data, path),
        **_authority_action(data, path),
    )


def _reserved(data: dict[str, Any], path: Path) -> dict[str, Any]:
    if "ap_reserved_clause" not in data:
        return {}
    if data.get("processor_files_with_ap"):
        raise ProfileError(path, "ap_reserved_clause", "contradicts processor_files_with_ap = true")
    return {
        "ap_reserved_clause": _get(data, path, "ap_reserved_clause", str),
        "ap_reserved_wording": _get(data, path, "ap_reserved_wording", str),
    }


def _authority_action(data: dict[str, Any], path: Path) -> dict[str, Any]:
    if "authority_action_clause" not in data:
        return {}
    return {
        "authority_action_clause": _get(data, path, "authority_action_clause", str),
        "authority_action_wording": _get(data, path, "authority_action_wording", str),
    }


def _channels(data: dict[str, Any], path: Path) -> dict[str, Any]:
    if "notice_channels" not in data:
        return {}
    channels = _get(data, path, "notice_channels", list)
    for i, channel in enumerate(channels):
        if channel not in CHANNELS:
            raise ProfileError(path, f"notice_channels[{i}]", f"must be one of {', '.join(CHANNELS)}")
    if not channels:
        raise ProfileError(path, "notice_channels", "must name at least one channel (leave it out for any)")
    return {
        "notice_channels": tuple(channels),
        "channel_clause": _get(data, path, "channel_clause", str),
        "channel_wording": _get(data, path, "channel_wording", str),
    }


def profile_from_text(text: str, path: Path, target_hours: dict[str, int] | None = None) -> ClauseProfile:
    """One profile from its TOML text (``path`` names it in errors and gives its key); its version is the first 12
    hex digits of the SHA-256 of the text and of any target-hours override, so the same content is the same version
    wherever it is read from."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(path, "-", f"is not valid TOML: {exc}") from None
    profile = parse_profile(data, path, target_hours)
    override = (target_hours or {}).get(profile.key)
    return replace(profile, version=profile_version(text, override), text=text, target_hours=override)


def profile_version(text: str, override: int | None) -> str:
    digest = hashlib.sha256(text.encode("utf-8") + (f"\n#target_hours={override}" if override else "").encode())
    return digest.hexdigest()[:12]


def load_profiles(directory: Path | str, target_hours: dict[str, int] | None = None) -> dict[str, ClauseProfile]:
    """Every ``*.toml`` in ``directory``, keyed by profile key; raises ProfileError on the first bad one."""
    folder = Path(directory)
    if not folder.is_dir():
        raise ProfileError(folder, "-", "the profile folder does not exist")
    profiles: dict[str, ClauseProfile] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            text = path.read_bytes().decode("utf-8")  # the exact bytes: no newline translation
        except UnicodeDecodeError as exc:
            raise ProfileError(path, "-", f"is not valid TOML: {exc}") from None
        profile = profile_from_text(text, path, target_hours)
        profiles[profile.key] = replace(profile, path=str(path))
    if not profiles:
        raise ProfileError(folder, "-", "holds no *.toml profile")
    return profiles


PARAPHRASE_LABEL = {"nl": "strekking, geen letterlijke tekst", "en": "gist, not the literal text"}


def cited(wording: str, paraphrase: bool, language: str = "nl") -> str:
    """A clause's words as a document shows them: in quotation marks when they are the contract's own, otherwise
    labelled as a paraphrase and never in quotation marks."""
    if not paraphrase:
        return f"“{wording}”"
    return f"({PARAPHRASE_LABEL['en' if language == 'en' else 'nl']}) {wording}"
