"""The words of a reminder: the e-mail in Dutch with English below (one e-mail may go to several people at once),
the in-app notification in each user's own language.

Only the incident's reference, the kind of deadline, the controller and the times: never the incident's title or
description, which may hold personal data, so a reminder is safe in a mailbox, a chat channel or a log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import escape

from ..authorities import authority_names
from ..core.instants import format_local, iso_z
from ..core.reminders import Point
from ..links import base_url
from ..webhooks.chat import chat_name

KINDS = {
    "controller_notice": ("melding aan de verwerkingsverantwoordelijke", "notice to the controller"),
    "controller_consultation": ("overleg met de verwerkingsverantwoordelijke", "consultation with the controller"),
    "investigation_report": ("rapportage van het onderzoek", "report of the investigation"),
    "authority_contact_notice": (
        "informeren over contact met een andere autoriteit",
        "informing of a contact with another authority",
    ),
    "awareness_notice": (
        "melding bij kennisname (vermoeden of beveiligingsinbreuk)",
        "notice on awareness (suspicion or security breach)",
    ),
    "ap_notification": ("melding aan de Autoriteit Persoonsgegevens", "notification to the Dutch DPA (AP)"),
}


@dataclass(frozen=True)
class ReminderText:
    subject: str
    body: str
    html: str
    short: str  # the in-app notification in Dutch
    short_en: str  # and in English, for a user who chose English
    payload: dict


def _span(seconds: float, hours: str = "u") -> str:
    minutes = int(abs(seconds) // 60)
    return f"{minutes // 60} {hours} {minutes % 60:02d} min"


def _lines(reference: str, kind: tuple[str, str], name: str, due: str, left: float) -> tuple[str, str]:
    """The reminder's sentence in Dutch and in English."""
    dutch, english = kind
    if left >= 0:
        return (
            f"Herinnering {reference}: {dutch} voor {name} uiterlijk {due} (nog {_span(left)}).",
            f"Reminder {reference}: {english} for {name} due {due} ({_span(left, 'h')} left).",
        )
    return (
        f"TE LAAT {reference}: {dutch} voor {name} had uiterlijk {due} gemoeten ({_span(left)} te laat).",
        f"OVERDUE {reference}: {english} for {name} was due {due} ({_span(left, 'h')} overdue).",
    )


def message_for(incident, obligation, controller, point: Point, now: datetime, *, dpo: bool = True) -> ReminderText:
    """`dpo`: whether a DPO address is configured, so an escalation says truthfully who else was told."""
    dutch, english = KINDS.get(obligation.kind, (obligation.kind, obligation.kind))
    named = authority_names(controller) if controller and obligation.kind == "ap_notification" else None
    if named:  # the controller's own authority, not the AP (config/authorities.toml)
        dutch, english = f"melding aan de {named[0]}", f"notification to the {named[1]}"
    due = format_local(obligation.due_at)
    left = (obligation.due_at - now).total_seconds()
    base = base_url()
    url = f"{base}/incidents/{incident.id}"
    # The controller's own AP clock also reminds the controller's users, who cannot open the desk's page: they get
    # the portal's (the same e-mail goes to the processor's staff, who cannot open the portal).
    portal = f"{base}/portal/incidents/{incident.id}" if obligation.owner == "controller" else None
    name = controller.name if controller else ""
    nl, en = _lines(incident.reference, (dutch, english), name, due, left)
    chat = _lines(incident.reference, (dutch, english), chat_name(name), due, left)
    if not point.escalate:
        escalation = ""
    elif dpo:
        escalation = (
            "\n\nDe termijn is verstreken: de FG en de beheerders zijn ook geïnformeerd. / The deadline has "
            "passed: the DPO and the administrators have been told as well."
        )
    else:
        escalation = (
            "\n\nDe termijn is verstreken: de beheerders zijn ook geïnformeerd. / The deadline has "
            "passed: the administrators have been told as well."
        )
    portal_line = f"Portaal / portal: {portal}\n" if portal else ""
    body = f"{nl}\n{en}{escalation}\n\n{obligation.clause}\n{url}\n{portal_line}"
    html = (
        f"<p>{escape(nl)}<br>{escape(en)}</p>"
        + (f"<p><strong>{escape(escalation.strip())}</strong></p>" if escalation else "")
        + f'<p>{escape(obligation.clause)}<br><a href="{escape(url)}">{escape(url)}</a>'
        + (f'<br>Portaal / portal: <a href="{escape(portal)}">{escape(portal)}</a>' if portal else "")
        + "</p>"
    )
    payload = {
        # "text" is what Slack and Microsoft Teams incoming webhooks show, the name in it escaped for both (no
        # mention, no disguised link); the rest is for machines, the name as it is.
        "text": "\n".join([*chat, url, *([portal] if portal else [])]),
        "event": "deadline_reminder",
        "incident": {"id": incident.id, "reference": incident.reference, "url": url, "portal_url": portal},
        "obligation": {
            "id": obligation.id,
            "kind": obligation.kind,
            "controller_id": obligation.controller_id,
            "controller": name,
            "owner": obligation.owner,
            "clause": obligation.clause,
            "due_at": iso_z(obligation.due_at),
        },
        "point": point.key,
        "escalated": point.escalate,
        "sent_at": iso_z(now),
    }
    return ReminderText(
        subject=(nl if len(nl) <= 250 else nl[:247] + "..."),
        body=body,
        html=html,
        short=nl[:500],
        short_en=en[:500],
        payload=payload,
    )
