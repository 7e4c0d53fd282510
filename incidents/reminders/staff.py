"""One message to the processor's staff, in both languages: by e-mail (Dutch, then English, with the link) to all of
them and, where it is escalated, to the DPO's address; in the application in each user's own language. Used by the
reminders that go to the staff as a whole (a suspicion left lying, a statutory report's stage)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..auth.models import STAFF_ROLES, User
from ..extensions import db
from ..notices.service import mail_row, queue_mails
from ..notifications.service import add_notifications, notification_row


@dataclass(frozen=True)
class StaffMessage:
    incident_id: int
    dedupe_key: str  # the outbox sends each key once
    subject: str
    dutch: str
    english: str
    link: str
    about: str  # the outbox row's details["about"] and the notification's kind


def staff_members() -> list:
    """The processor's active staff: (user id, e-mail address, language) rows, for tell_staff."""
    return list(
        db.session.execute(
            select(User.id, User.email, User.language).where(User.role.in_(STAFF_ROLES), User.active.is_(True))
        ).all()
    )


def tell_staff(message: StaffMessage, staff, now: datetime, dpo: str | None = None) -> None:
    """``staff``: (user id, e-mail address, language) rows; ``dpo``: also mailed, when given."""
    recipients = sorted({email for _id, email, _lang in staff} | ({dpo} if dpo else set()))
    if recipients:
        queue_mails(
            [
                mail_row(
                    incident_id=message.incident_id,
                    dedupe_key=message.dedupe_key,
                    recipients=recipients,
                    subject=message.subject,
                    body_text=f"{message.dutch}\n{message.link}\n\n—\n\n{message.english}\n{message.link}\n",
                    now=now,
                    details={"kind": "reminder", "about": message.about},  # a reminder: no filing
                )
            ]
        )
    add_notifications(
        [
            notification_row(
                user_id=user_id,
                incident_id=message.incident_id,
                text=message.english if language == "en" else message.dutch,
                now=now,
                kind=message.about,
            )
            for user_id, _email, language in staff
        ]
    )
