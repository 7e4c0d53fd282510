"""Questions and answers between a controller and the processor reach the other side: in the app (a notification
for each user on that side) and by e-mail (one message through the notices' outbox).

The e-mail names the incident, the controller and where to read it, never the question or the answer itself:
those may hold personal data, and the link leads to them behind a login. The in-app notification shows the start of
the text, since only that side's users can read it.
"""

from __future__ import annotations

from datetime import datetime

from markupsafe import escape
from sqlalchemy import select

from ..auth.models import WRITER_ROLES, User
from ..breaches.models import Incident, TimelineEvent
from ..core.instants import utcnow
from ..extensions import db
from ..links import base_url
from ..notices.service import mail_row, queue_mails
from ..parties.models import Controller
from .service import add_notifications, notification_row

EXCERPT = 200


def _excerpt(text: str) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def _users(*conditions) -> list[User]:
    return list(db.session.scalars(select(User).where(User.active.is_(True), *conditions).order_by(User.id)))


def _tell(
    incident: Incident,
    event: TimelineEvent,
    users: list[User],
    *,
    kind: str,
    mail: tuple[str, str, str],
    now: datetime,
    lead: str = "",
) -> None:
    subject, body, url = mail
    db.session.flush()  # the event's id names the e-mail (one per question or answer)
    add_notifications(
        [
            notification_row(
                user_id=user.id,
                incident_id=incident.id,
                kind=kind,
                text=lead + _excerpt(event.details.get("text", "")),
                now=now,
            )
            for user in users
        ]
    )
    recipients = sorted({user.email for user in users})
    if recipients:
        html = "".join(f"<p>{escape(line)}</p>" for line in body.split("\n\n"))
        html += f'<p><a href="{escape(url)}">{escape(url)}</a></p>'
        queue_mails(
            [
                mail_row(
                    incident_id=incident.id,  # no controller_id: not a notice to a controller (see casefile/page.py)
                    dedupe_key=f"{kind}:{event.id}",
                    recipients=recipients,
                    subject=subject,
                    body_text=f"{body}\n\n{url}\n",
                    body_html=html,
                    now=now,
                    details={"kind": kind, "event_id": event.id},
                )
            ]
        )


def question_asked(incident: Incident, event: TimelineEvent, now: datetime | None = None) -> None:
    """A controller's user asked: the processor's handlers and administrators are told."""
    now = now or utcnow()
    controller = db.session.get(Controller, event.details.get("controller_id"))
    name = controller.name if controller else ""
    url = f"{base_url()}/incidents/{incident.id}#questions"
    subject = f"Vraag over {incident.reference} van {name} / Question about {incident.reference} from {name}"
    body = (
        f"{name} heeft een vraag gesteld over {incident.reference}. Lees en beantwoord haar bij het incident.\n\n"
        f"{name} asked a question about {incident.reference}. Read and answer it on the incident's page."
    )
    users = _users(User.role.in_(WRITER_ROLES))
    _tell(incident, event, users, kind="question", mail=(subject, body, url), now=now, lead=f"{name}: " if name else "")


def answer_given(incident: Incident, event: TimelineEvent, now: datetime | None = None) -> None:
    """The processor answered: the users of the controller that asked are told."""
    controller_id = event.details.get("controller_id")
    if controller_id is None:
        return
    now = now or utcnow()
    url = f"{base_url()}/portal/incidents/{incident.id}#question_form"
    subject = f"Antwoord over {incident.reference} / Answer about {incident.reference}"
    body = (
        f"De verwerker heeft uw vraag over {incident.reference} beantwoord. Lees het antwoord in het portaal.\n\n"
        f"The processor answered your question about {incident.reference}. Read the answer in the portal."
    )
    users = _users(User.role == "controller", User.controller_id == controller_id)
    _tell(incident, event, users, kind="answer", mail=(subject, body, url), now=now)
