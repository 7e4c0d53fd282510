"""Issue notices and reports (document + outbox entry), acknowledge receipt. Services flush; the
caller commits. Delivery itself is in outbox.py."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import func, insert, select

from ..breaches.affected import affected_controller_ids
from ..breaches.locks import lock_incident
from ..breaches.models import ACKNOWLEDGEMENT, Filing, Incident
from ..breaches.service import FilingInput, record_observed_filings
from ..breaches.timeline import record_event
from ..core.instants import utcnow
from ..errors import N_, Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..parties.models import Controller
from ..validation import clean_text, is_id, required_text
from . import content as content_builder
from .ack import ack_url
from .keys import ONCE, dedupe_key, initial_notice_pattern, sequence_pattern
from .models import NOTICE_VERSIONS, Document, OutboxMessage
from .recipients import notice_recipients
from .render import NoticeContent, filename, render_html, render_pdf, render_text, subject
from .repeats import content_digest, repeated


def open_for_notices(incident: Incident, version: object = None) -> None:
    """A dismissed incident sends nothing more, except the final notice that the suspicion proved unfounded."""
    if incident.status == "dismissed" and version != "final":
        raise Conflict(
            N_(
                "incident %(reference)s is dismissed; only a final notice (that the suspicion proved unfounded) goes "
                "to the controllers who were told of it"
            ),
            code="incident_dismissed",
            params={"reference": incident.reference},
        )


def told_controllers(incident: Incident) -> set[int]:
    """Controllers told (or being told) of the incident: a message to them that has not finally failed, or a notice
    recorded by hand. A controller whose only message failed for good has heard nothing."""
    issued = db.session.scalars(
        select(OutboxMessage.controller_id).where(
            OutboxMessage.incident_id == incident.id,
            OutboxMessage.controller_id.is_not(None),
            OutboxMessage.status != "failed",
        )
    )
    recorded = db.session.scalars(
        select(Filing.controller_id).where(Filing.incident_id == incident.id, Filing.kind == "controller_notice")
    )
    return {*issued, *recorded}


def _only_told(incident: Incident, controllers: list[Controller], all_: object) -> list[Controller]:
    """After a dismissal: the final notice goes only to controllers who were told (all: those of them)."""
    told = told_controllers(incident)
    if all_ is True:
        return [c for c in controllers if c.id in told]
    strangers = [c.id for c in controllers if c.id not in told]
    if strangers:
        raise Conflict(
            N_("controller(s) %(ids)s were never told of %(reference)s; no final notice goes to them"),
            code="never_told",
            params={"ids": ", ".join(map(str, strangers)), "reference": incident.reference},
        )
    return controllers


def _existing(key: str) -> OutboxMessage | None:
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == key))


def _next_sequence(incident: Incident, controller_id: int, kind: str, version: str | None) -> int:
    """The number of the next numbered message (updates, reports) to this controller: one more than those queued so
    far, rendered or still waiting for the worker."""
    if version in ONCE:
        return 1
    count = db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.incident_id == incident.id,
            OutboxMessage.dedupe_key.like(sequence_pattern(incident.id, controller_id, kind, version)),
        )
    )
    return (count or 0) + 1


def mail_row(  # noqa: PLR0913 (keyword-only: the columns of one row)
    *,
    incident_id: int,
    dedupe_key: str,
    recipients: list[str],
    subject: str,
    details: dict,
    now: datetime,
    body_text: str = "",
    body_html: str = "",
    controller_id: int | None = None,
    document_id: int | None = None,
    created_by_id: int | None = None,
) -> dict:
    """The columns of one new outbox message, queued to be sent now: the one place that says what such a row
    holds (a notice, a report, a reminder)."""
    return {
        "incident_id": incident_id,
        "controller_id": controller_id,
        "document_id": document_id,
        "dedupe_key": dedupe_key,
        "recipients": recipients,
        "subject": subject,
        "body_text": body_text,
        "body_html": body_html,
        "ack_nonce": secrets.token_hex(16),
        "status": "queued",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "created_by_id": created_by_id,
        "details": details,
    }


def queue_mails(rows: list[dict]) -> None:
    """Queue many messages at once (rows from `mail_row`): one bulk insert, for the reminder worker's batches."""
    if rows:
        db.session.execute(insert(OutboxMessage.__table__), rows)


ISSUED_NOW = "notices_issued_now"  # the session's record of the outbox ids issued in this unit of work


def _issue(
    incident: Incident,
    controller: Controller,
    *,
    kind: str,
    version: str | None,
    actor,
    now: datetime,
    next_update: str = "",
    report_sections=None,
) -> OutboxMessage:
    sequence = _next_sequence(incident, controller.id, kind, version)
    key = dedupe_key(incident.id, controller.id, kind, version, sequence)
    existing = _existing(key)
    if existing is not None:
        return existing
    document_content = content_builder.build(
        incident,
        controller,
        kind=kind,
        version=version,
        sequence=sequence,
        issued_at=now,
        next_update=next_update,
        report_sections=report_sections,
    )
    if version not in ONCE:
        repeat = repeated(incident.id, controller.id, kind, version, content_digest(document_content), now)
        if repeat is not None:
            return repeat
    message = OutboxMessage(
        **mail_row(
            incident_id=incident.id,
            controller_id=controller.id,
            dedupe_key=key,
            recipients=notice_recipients(incident.id, [controller.id])[controller.id],
            subject="",
            now=now,
            created_by_id=getattr(actor, "id", None),
            details={"kind": kind, "version": version, "sequence": sequence},
        )
    )
    db.session.add(message)
    db.session.flush()  # a concurrent twin fails here on the unique dedupe key: see issue_idempotently
    db.session.info.setdefault(ISSUED_NOW, set()).add(message.id)
    render_message(message, incident, controller, actor=actor, now=now, content=document_content)
    return message


def render_message(
    message: OutboxMessage,
    incident: Incident,
    controller: Controller,
    *,
    actor,
    now: datetime,
    next_update: str = "",
    report_sections=None,
    content: NoticeContent | None = None,
) -> Document:
    """Make the document of a queued message (a notice or report) and its e-mail bodies: once, either when it is
    issued or, for a batch, by the worker just before the first attempt. The document is stored with its SHA-256
    and the timeline says who it went to."""
    kind, version, sequence = message.details["kind"], message.details.get("version"), message.details["sequence"]
    recipients = list(message.recipients)
    document_content = content or content_builder.build(
        incident,
        controller,
        kind=kind,
        version=version,
        sequence=sequence,
        issued_at=now,
        next_update=next_update,
        report_sections=report_sections,
    )
    pdf = render_pdf(document_content)
    document = Document(
        incident_id=incident.id,
        controller_id=controller.id,
        kind=kind,
        version=version,
        sequence=sequence,
        language=controller.language,
        provisional=document_content.provisional,
        filename=filename(document_content),
        content_type="application/pdf",
        content=pdf,
        sha256=Document.digest(pdf),
        size=len(pdf),
        recipients=recipients,
        created_at=now,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(document)
    db.session.flush()
    # The e-mail carries the acknowledgement link, which needs the outbox id.
    document_content.ack_url = ack_url(message.id, message.ack_nonce)
    message.document_id = document.id
    message.subject = subject(document_content)
    # what the document says, so that a repeat of it within minutes is recognised (repeats.py)
    # and which contracts it covered: its delivery fulfils their duties only (outbox.py)
    message.details = {
        **message.details,
        "digest": content_digest(document_content),
        "contracts": [c.reference for c in document_content.contracts],
    }
    message.body_text, message.body_html = render_text(document_content), render_html(document_content)
    record_event(
        incident,
        "document_issued",
        actor,
        document_id=document.id,
        controller_id=controller.id,
        kind=kind,
        version=version,
        sequence=sequence,
        sha256=document.sha256,
        size=document.size,
        outbox_id=message.id,
        recipients=recipients,
    )
    db.session.flush()
    return document


def _controllers(incident: Incident, controller_ids: object, all_: object) -> list[Controller]:
    affected = affected_controller_ids(incident)
    if all_ is True:
        ids = sorted(affected)
    elif all_ not in (None, False):
        raise ValidationFailed(N_("all must be true or false"), "all", "invalid_type")
    else:
        if not isinstance(controller_ids, list) or not controller_ids or not all(is_id(i) for i in controller_ids):
            raise ValidationFailed(
                N_("give controller_ids (a non-empty list of ids) or all: true"),
                "controller_ids",
                "required" if controller_ids is None else "invalid_type",
            )
        ids = list(dict.fromkeys(controller_ids))
        strangers = [i for i in ids if i not in affected]
        if strangers:
            raise ValidationFailed(
                N_("controller(s) %(ids)s not affected by %(reference)s"),
                "controller_ids",
                "not_affected",
                {"ids": ", ".join(map(str, strangers)), "reference": incident.reference},
            )
    if not ids:
        raise ValidationFailed(
            N_("%(reference)s affects no controllers yet"),
            "controller_ids",
            "required",
            {"reference": incident.reference},
        )
    rows = {c.id: c for c in db.session.scalars(select(Controller).where(Controller.id.in_(ids)))}
    return [rows[i] for i in ids]


def issue_notices(
    incident: Incident,
    *,
    controller_ids: object = None,
    all_: object = None,
    version: object = "initial",
    next_update: object = "",
    actor=None,
    now: datetime | None = None,
) -> list[OutboxMessage]:
    """One notice per controller. Issuing an initial (or final) notice twice returns the first; an update that
    repeats the controller's last one within minutes returns that one (repeats.py)."""
    if version not in NOTICE_VERSIONS:
        raise ValidationFailed(
            N_("version must be one of %(choices)s"),
            "version",
            "invalid_choice",
            {"choices": ", ".join(NOTICE_VERSIONS)},
        )
    next_update = clean_text(next_update, "next_update", 500)
    lock_incident(incident)
    open_for_notices(incident, version)
    now = now or utcnow()
    controllers = _controllers(incident, controller_ids, all_)
    if incident.status == "dismissed":
        controllers = _only_told(incident, controllers, all_)
    return [
        _issue(incident, controller, kind="notice", version=version, actor=actor, now=now, next_update=next_update)
        for controller in controllers
    ]


def not_yet_notified(incident: Incident) -> list[int]:
    """Affected controllers with neither an initial notice issued nor a notice recorded by hand
    (phone, their portal, …)."""
    issued = set(
        db.session.scalars(
            select(OutboxMessage.controller_id).where(
                OutboxMessage.incident_id == incident.id,
                OutboxMessage.dedupe_key.like(initial_notice_pattern(incident.id)),
            )
        )
    )
    told = set(
        db.session.scalars(
            select(Filing.controller_id).where(Filing.incident_id == incident.id, Filing.kind == "controller_notice")
        )
    )
    return sorted(affected_controller_ids(incident) - issued - told)


def issue_report(
    incident: Incident, controller_id: object, sections: dict[str, object], actor=None, now: datetime | None = None
) -> OutboxMessage:
    """The investigation report (BOZ art. 5.4): what happened, cause, response, follow-up steps."""
    lock_incident(incident)
    open_for_notices(incident)
    controller = _controllers(incident, [controller_id] if is_id(controller_id) else controller_id, None)[0]
    from .texts import words

    w = words(controller.language)
    parts = [
        (w[key], required_text(sections.get(key), key, 10000, w[key]))
        for key in ("what_happened", "cause", "response", "follow_up")
    ]
    return _issue(
        incident,
        controller,
        kind="investigation_report",
        version=None,
        actor=actor,
        now=now or utcnow(),
        report_sections=parts,
    )


def issue_idempotently(operation, *args, **kwargs):
    """Run an issuing operation (`issue_notices`, `issue_report`) so that concurrent twins issue once.

    The operations hold the incident (`lock_incident`) from their first look-up to the caller's commit, so twins
    take turns: the second finds what the first issued, by its dedupe key (an initial or final notice) or as a
    repeat of the controller's last update or report (repeats.py), and returns it. Before, a savepoint retried
    once on the unique dedupe key: the third of ten parallel requests failed with a 500, and each retry issued
    another update (security review F-11). Kept for its callers; the operations are safe on their own."""
    return operation(*args, **kwargs)


def issued_earlier(messages: list[OutboxMessage], now: datetime) -> list[OutboxMessage]:
    """Of the messages an issuing operation returned, those it did not issue itself (within this unit of work):
    issued before, or by a concurrent twin, and returned again rather than issued twice. (Not by time: instants are
    whole seconds, so a second click within the same second has the same created_at.)"""
    mine = db.session.info.get(ISSUED_NOW, set())
    return [m for m in messages if m.id not in mine]


def outbox_for(incident: Incident) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.incident_id == incident.id).order_by(OutboxMessage.id)
        )
    )


def acknowledgement(message: OutboxMessage) -> Filing | None:
    return db.session.scalar(
        select(Filing).where(
            Filing.kind == ACKNOWLEDGEMENT,
            Filing.incident_id == message.incident_id,
            Filing.document_id == message.document_id,
        )
    )


def acknowledge(
    message: OutboxMessage, nonce: str, name: object, now: datetime | None = None, channel: str = "link", actor=None
) -> Filing:
    """Record that the controller confirmed receipt (once): through the e-mailed link or in the portal. The filing
    log keeps who typed or who was logged in, and when."""
    if not secrets.compare_digest(message.ack_nonce, nonce):
        raise NotFound(N_("this link does not belong to a notice"))
    if message.status != "sent":
        raise Conflict(N_("this notice has not been delivered yet"), code="not_sent")
    if acknowledgement(message) is not None:
        raise Conflict(N_("receipt of this notice was already confirmed"), code="already_acknowledged")
    name = required_text(name, "name", 200, "name")
    now = now or utcnow()
    incident = db.session.get_one(Incident, message.incident_id)
    [filing] = record_observed_filings(
        incident,
        [
            FilingInput(
                kind=ACKNOWLEDGEMENT,
                controller_id=message.controller_id,
                at=now,
                channel=channel,
                note=name,
                document_id=message.document_id,
                details={"outbox_id": message.id, "name": name},
            )
        ],
        actor=actor,
        now=now,
    )
    record_event(
        incident,
        "acknowledged",
        actor,
        filing_id=filing.id,
        controller_id=message.controller_id,
        document_id=message.document_id,
        name=name,
    )
    db.session.flush()
    return filing
