"""Statutory regimes: duties the law itself sets (NIS2 / Cyberbeveiligingswet, Telecommunicatiewet art. 11.3a, AVG
art. 33), loaded from TOML beside the contract profiles and validated the same way: a malformed file is refused at
start-up with its path and the offending key.

A regime has staged obligations (an early warning, a notification, a final report, reports on request), each with
its own start: the recorded classification ("classified"), the filing of an earlier stage ("filed:<stage>"), a
request of the recipient ("request"), or, for a controller's own duty, its awareness ("controller_aware", kept by
the clock engine). A stage counts elapsed hours or calendar months.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .profiles import ProfileError

SCOPES = ("organisation", "controller")
STARTS = ("classified", "request", "controller_aware")
FILED = "filed:"
# What a stage's report may have to say (NIS2 art. 23 lid 4; Verordening 611/2013): the answers are asked on the
# regime's page and printed in the drafts (regimes/content.py gives the questions).
CONTENT_KEYS = (
    "malicious",
    "cross_border",
    "severity_impact",
    "indicators",
    "status_update",
    "description",
    "root_cause",
    "mitigation",
)
WORKING_DAY_RULES = ("algemene-termijnenwet",)
CLASSIFICATION_ANSWERS = ("yes", "no", "needs_info")


class RegimeError(ProfileError):
    """A malformed regime file: its path and the offending key."""


@dataclass(frozen=True)
class Recipient:
    name: str
    url: str


@dataclass(frozen=True)
class Stage:
    key: str
    title: str
    title_en: str
    clause: str
    wording: str
    start: str  # one of STARTS, or "filed:<stage key>"
    hours: int | None = None
    months: int | None = None
    working_days: str = ""
    content: tuple[str, ...] = ()
    # owed only under a condition (Reg. 611/2013 art. 2 lid 3): it can be recorded as not needed, with the reason
    conditional: str = ""
    conditional_en: str = ""

    @property
    def after(self) -> str | None:
        """The stage whose filing starts this one (None: started otherwise)."""
        return self.start[len(FILED) :] if self.start.startswith(FILED) else None

    def name(self, language: str) -> str:
        return self.title_en if language == "en" else self.title


@dataclass(frozen=True)
class Classification:
    question: str
    question_en: str
    clause: str
    wording: str
    aware: str
    aware_en: str


@dataclass(frozen=True)
class Regime:
    key: str
    title: str
    title_en: str
    source: str
    paraphrase: bool
    scope: str
    stages: tuple[Stage, ...]
    recipient_setting: str
    recipients: dict[str, Recipient]
    default_recipient: Recipient
    classification: Classification | None = None
    binds_setting: str = ""
    binds_values: tuple[str, ...] = ()
    path: str = field(default="", compare=False)

    def name(self, language: str) -> str:
        return self.title_en if language == "en" else self.title

    def stage(self, key: str) -> Stage | None:
        return next((s for s in self.stages if s.key == key), None)

    def binds(self, settings: dict[str, str]) -> bool:
        """Whether our organisation's settings make this regime apply to us (a controller's regime: never ours)."""
        if self.scope != "organisation":
            return False
        return str(settings.get(self.binds_setting, "")) in self.binds_values

    def recipient(self, settings: dict[str, str]) -> Recipient:
        return self.recipients.get(str(settings.get(self.recipient_setting, "")), self.default_recipient)


def _text(data: dict[str, Any], path: Path, key: str, prefix: str = "", required: bool = True) -> str:
    name = f"{prefix}{key}"
    if key not in data:
        if required:
            raise RegimeError(path, name, "is missing")
        return ""
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        raise RegimeError(path, name, "must be a non-empty string")
    return value.strip()


def _table(data: dict[str, Any], path: Path, key: str, prefix: str = "") -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise RegimeError(path, f"{prefix}{key}", "must be a table")
    return value


def _count(raw: dict[str, Any], path: Path, key: str, prefix: str, most: int) -> int | None:
    if key not in raw:
        return None
    value = raw[key]
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise RegimeError(path, f"{prefix}{key}", f"must be a whole number from 1 to {most}")
    return value


def _stage(raw: Any, index: int, path: Path) -> Stage:
    prefix = f"stages[{index}]."
    if not isinstance(raw, dict):
        raise RegimeError(path, f"stages[{index}]", "must be a table")
    start = _text(raw, path, "start", prefix)
    if start not in STARTS and not (start.startswith(FILED) and len(start) > len(FILED)):
        raise RegimeError(path, f"{prefix}start", f"must be one of {', '.join(STARTS)} or filed:<stage>")
    hours = _count(raw, path, "hours", prefix, 24 * 366)
    months = _count(raw, path, "months", prefix, 24)
    if start != "request" and (hours is None) == (months is None):
        raise RegimeError(path, f"{prefix}hours", "give either hours or months (a request sets its own deadline)")
    if start == "request" and (hours is not None or months is not None):
        raise RegimeError(path, f"{prefix}hours", "a stage on request takes its deadline from the request")
    working_days = raw.get("working_days", "")
    if working_days and working_days not in WORKING_DAY_RULES:
        raise RegimeError(path, f"{prefix}working_days", f"must be one of {', '.join(WORKING_DAY_RULES)}")
    content = raw.get("content", [])
    if not isinstance(content, list) or any(c not in CONTENT_KEYS for c in content):
        raise RegimeError(path, f"{prefix}content", f"must be a list of {', '.join(CONTENT_KEYS)}")
    return Stage(
        key=_text(raw, path, "key", prefix),
        title=_text(raw, path, "title", prefix),
        title_en=_text(raw, path, "title_en", prefix),
        clause=_text(raw, path, "clause", prefix),
        wording=_text(raw, path, "wording", prefix),
        start=start,
        hours=hours,
        months=months,
        working_days=working_days,
        content=tuple(content),
        conditional=_text(raw, path, "conditional", prefix, required=False),
        conditional_en=_text(raw, path, "conditional_en", prefix, required=False),
    )


def _recipients(data: dict[str, Any], path: Path) -> tuple[str, dict[str, Recipient], Recipient]:
    table = _table(data, path, "recipient")

    def one(raw: Any, name: str) -> Recipient:
        if not isinstance(raw, dict):
            raise RegimeError(path, name, "must be a table")
        return Recipient(_text(raw, path, "name", f"{name}."), _text(raw, path, "url", f"{name}."))

    by_value = table.get("by_value", {})
    if not isinstance(by_value, dict):
        raise RegimeError(path, "recipient.by_value", "must be a table")
    found = {value: one(raw, f"recipient.by_value.{value}") for value, raw in by_value.items()}
    return _text(table, path, "setting", "recipient."), found, one(table.get("default"), "recipient.default")


def _classification(data: dict[str, Any], path: Path) -> Classification:
    raw = _table(data, path, "classification")
    keys = ("question", "question_en", "clause", "wording", "aware", "aware_en")
    return Classification(*(_text(raw, path, k, "classification.") for k in keys))


def parse_regime(data: dict[str, Any], path: Path) -> Regime:
    scope = _text(data, path, "scope")
    if scope not in SCOPES:
        raise RegimeError(path, "scope", f"must be one of {', '.join(SCOPES)}")
    paraphrase = data.get("paraphrase")
    if not isinstance(paraphrase, bool):
        raise RegimeError(path, "paraphrase", "must be true (the gist) or false (the literal text)")
    raw_stages = data.get("stages")
    if not isinstance(raw_stages, list) or not raw_stages:
        raise RegimeError(path, "stages", "must list at least one stage")
    stages = tuple(_stage(raw, i, path) for i, raw in enumerate(raw_stages))
    keys = [s.key for s in stages]
    for index, stage in enumerate(stages):
        if stage.key in keys[:index]:
            raise RegimeError(path, f"stages[{index}].key", f"'{stage.key}' is used twice")
        if stage.after is not None and stage.after not in keys[:index]:
            raise RegimeError(path, f"stages[{index}].start", f"names no earlier stage '{stage.after}'")
        if (stage.start == "controller_aware") != (scope == "controller"):
            raise RegimeError(path, f"stages[{index}].start", "controller_aware is the start of a controller's duty")
    binds_setting, binds_values = "", ()
    classification = None
    if scope == "organisation":
        binds = _table(data, path, "binds")
        binds_setting = _text(binds, path, "setting", "binds.")
        values = binds.get("values")
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
            raise RegimeError(path, "binds.values", "must list the setting's values that bind us")
        binds_values = tuple(values)
        classification = _classification(data, path)
    setting, recipients, default = _recipients(data, path)
    return Regime(
        key=_text(data, path, "key"),
        title=_text(data, path, "title"),
        title_en=_text(data, path, "title_en"),
        source=_text(data, path, "source"),
        paraphrase=paraphrase,
        scope=scope,
        stages=stages,
        recipient_setting=setting,
        recipients=recipients,
        default_recipient=default,
        classification=classification,
        binds_setting=binds_setting,
        binds_values=binds_values,
        path=str(path),
    )


def regime_from_text(text: str, path: Path) -> Regime:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegimeError(path, "-", f"is not valid TOML: {exc}") from None
    return parse_regime(data, path)


def load_regimes(directory: Path | str) -> dict[str, Regime]:
    """Every ``*.toml`` in ``directory``, keyed by regime key; raises RegimeError on the first bad one."""
    folder = Path(directory)
    if not folder.is_dir():
        raise RegimeError(folder, "-", "the regime folder does not exist")
    regimes: dict[str, Regime] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RegimeError(path, "-", f"is not valid TOML: {exc}") from None
        regime = regime_from_text(text, path)
        if regime.key in regimes:
            raise RegimeError(path, "key", f"'{regime.key}' is also the key of {regimes[regime.key].path}")
        regimes[regime.key] = regime
    return regimes
