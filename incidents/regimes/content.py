"""A stage's report as a draft: what the stage asks (core/regimes.py CONTENT_KEYS), each answered from what the desk
has recorded or marked as a gap, with the regime's clause and the recipient. The same draft is the page (copy per
answer), the PDF and the JSON, and its JSON is what a filing keeps as filed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..breaches.assessment import latest_severity
from ..breaches.models import AffectedContract, Incident
from ..core.instants import format_local, iso_z
from ..core.profiles import cited
from ..core.regimes import Regime, Stage
from ..core.stages import StageDeadline
from ..extensions import db
from ..labels import BAND_LABELS
from ..parties.models import Controller

# The question each content key asks, and the incident's own fact that answers it where no specific answer was given
# (the incident's required fields, core/fields.py): a recorded fact is never printed as unknown.
QUESTIONS = {
    "malicious": _l("Suspected of being caused by unlawful or malicious acts?"),
    "cross_border": _l("Cross-border impact (possible or established)?"),
    "severity_impact": _l("Initial assessment: severity and impact"),
    "indicators": _l("Indicators of compromise"),
    "status_update": _l("Status update"),
    "description": _l("Detailed description of the incident"),
    "root_cause": _l("Type of threat or root cause"),
    "mitigation": _l("Mitigation measures applied and ongoing"),
}
FROM_INCIDENT = {
    "description": "nature",
    "root_cause": "cause",
    "mitigation": "measures",
    "severity_impact": "consequences",
}
MAX_ANSWER = 5000


@dataclass(frozen=True)
class Answer:
    key: str
    question: str
    value: str
    source: str  # "answer" (given for this regime), "incident" (the incident's own fact), "" (a gap)

    @property
    def gap(self) -> bool:
        return not self.value


@dataclass(frozen=True)
class StageDraft:
    regime: Regime
    stage: Stage
    language: str
    incident_reference: str
    incident_title: str
    organisation: str
    contact: str
    recipient: str
    recipient_url: str
    aware_at: datetime
    significant_since: datetime | None
    due_at: datetime | None
    provisional: bool
    earlier: list[tuple[str, str, datetime]]  # (stage title, the recipient's reference, filed at) of earlier stages
    answers: list[Answer] = field(default_factory=list)
    generated_at: datetime | None = None

    @property
    def gaps(self) -> list[Answer]:
        return [a for a in self.answers if a.gap]

    @property
    def wording(self) -> str:
        return cited(self.stage.wording, self.regime.paraphrase, self.language)

    def as_dict(self) -> dict:
        return {
            "regime": self.regime.key,
            "stage": self.stage.key,
            "title": self.stage.name(self.language),
            "clause": self.stage.clause,
            "wording": self.stage.wording,
            "wording_is_paraphrase": self.regime.paraphrase,
            "recipient": self.recipient,
            "incident": self.incident_reference,
            "organisation": self.organisation,
            "contact": self.contact,
            "aware_at": iso_z(self.aware_at),
            "significant_since": iso_z(self.significant_since),
            "due_at": iso_z(self.due_at),
            "due_is_provisional": self.provisional,
            "earlier_reports": [{"stage": s, "reference": r, "filed_at": iso_z(at)} for s, r, at in self.earlier],
            "answers": [
                {"key": a.key, "question": str(a.question), "answer": a.value or None, "source": a.source or "gap"}
                for a in self.answers
            ],
        }

    def as_json(self) -> bytes:
        """The draft's content as canonical JSON (sorted keys, UTF-8): what a filing keeps, hashed as it is."""
        return json.dumps(self.as_dict(), ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")

    def sha256(self) -> str:
        return hashlib.sha256(self.as_json()).hexdigest()


def _countries_abroad(incident_id: int, home: str) -> list[str]:
    """The countries other than ours where a controller of the incident is established or has its main
    establishment (one query, whatever the number of controllers)."""
    found = db.session.execute(
        select(Controller.country, Controller.main_establishment)
        .join(AffectedContract, AffectedContract.controller_id == Controller.id)
        .where(AffectedContract.incident_id == incident_id, AffectedContract.withdrawn_at.is_(None))
        .distinct()
    ).all()
    return sorted({c for row in found for c in row if c and c != home})


def _answer(key: str, incident: Incident, given: dict, home: str = "NL") -> Answer:
    question = str(QUESTIONS[key])
    value = str(given.get(key) or "").strip()
    if value:
        return Answer(key, question, value, "answer")
    fallback = FROM_INCIDENT.get(key)
    value = str((incident.fields or {}).get(fallback) or "").strip() if fallback else ""
    if key == "malicious" and not value:
        severity = latest_severity(incident.id)
        if severity is not None and severity.malicious:
            value = str(
                _l(
                    "Yes: the severity assessment of %(at)s records malicious intent.",
                    at=format_local(severity.assessed_at),
                )
            )
    if key == "cross_border" and not value:
        abroad = _countries_abroad(incident.id, home)
        if abroad:
            value = str(
                _l("Possibly: affected controllers are established in %(countries)s.", countries=", ".join(abroad))
            )
    if key == "severity_impact" and value:
        severity = latest_severity(incident.id)
        if severity is not None:
            band = BAND_LABELS.get(severity.band, severity.band)
            value = f"{value}\n\n{_l('Severity (ENISA)')}: {band} (SE {severity.se:g})"
    return Answer(key, question, value, "incident" if value else "")


def compose(  # noqa: PLR0913 (the draft's parts, each from its own feature)
    regime: Regime,
    stage: Stage,
    incident: Incident,
    deadline: StageDeadline | None,
    given: dict,
    earlier: list[tuple[str, str, datetime]],
    significant_since: datetime | None,
    recipient: tuple[str, str],
    language: str,
    now: datetime,
) -> StageDraft:
    config = current_app.config
    contact = ", ".join(
        part
        for part in (
            config.get("PROCESSOR_CONTACT_NAME"),
            config.get("PROCESSOR_CONTACT_FUNCTION"),
            config.get("PROCESSOR_CONTACT"),
            config.get("PROCESSOR_CONTACT_PHONE"),
        )
        if part
    )
    return StageDraft(
        regime=regime,
        stage=stage,
        language=language,
        incident_reference=incident.reference,
        incident_title=incident.title,
        organisation=str(config.get("PROCESSOR_NAME") or ""),
        contact=contact,
        recipient=recipient[0],
        recipient_url=recipient[1],
        aware_at=incident.aware_at,
        significant_since=significant_since,
        due_at=deadline.due_at if deadline else None,
        provisional=bool(deadline and deadline.provisional),
        earlier=earlier,
        answers=[_answer(key, incident, given) for key in stage.content],
        generated_at=now,
    )
