"""Web sessions kept on the server (see `UserSession`): started at login, checked at every request, ended at logout.

The signed cookie names the session by a random id; whether that session still lives is decided here, from the
database, so a session that ended stays ended whatever cookie is sent, and the absolute lifetime counts from the
login whatever the activity (the cookie's own expiry is renewed by every response, so it cannot bound a session).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select, update

from ..core.instants import utcnow
from ..extensions import db
from .models import User, UserSession

# A session's last request is written at most this often (and at least ten times per idle time), not at every
# request: the idle timeout may then end a session up to this much early.
TOUCH_AT_MOST_EVERY = timedelta(seconds=60)

# Why a cookie's session does not live: unknown, of another user or ended (logout, logout everywhere, a password
# change); past the absolute lifetime; or idle too long.
Ended = Literal["ended", "expired", "idle"]


def start(user: User, now: datetime | None = None) -> str:
    """A new session of the user; returns its id for the cookie (the database keeps only the id's hash)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=UserSession.hash(token), user_id=user.id, created_at=now, last_seen=now))
    db.session.flush()
    return token


def check(
    token: object, user_id: int, *, lifetime: timedelta, idle: timedelta, now: datetime | None = None
) -> tuple[UserSession | None, Ended | None]:
    """The live session that the cookie's ``token`` names for this user, its last request moved to now; or None and
    why not. A session found past its lifetime or idle time is ended on the spot."""
    if not isinstance(token, str) or not token:
        return None, "ended"
    now = now or utcnow()
    record = db.session.scalar(select(UserSession).where(UserSession.token_hash == UserSession.hash(token)))
    if record is None or record.user_id != user_id or record.ended_at is not None:
        return None, "ended"
    reason: Ended | None = None
    if now >= record.created_at + lifetime:
        reason = "expired"
    elif now - record.last_seen > idle:
        reason = "idle"
    if reason is not None:
        record.ended_at = now
        db.session.flush()
        return None, reason
    if now - record.last_seen >= min(TOUCH_AT_MOST_EVERY, idle / 10):
        record.last_seen = now
        db.session.flush()
    return record, None


def end(token: object, now: datetime | None = None) -> None:
    """Ends the session the cookie's ``token`` names (logging out); nothing when there is none."""
    if not isinstance(token, str) or not token:
        return
    db.session.execute(
        update(UserSession)
        .where(UserSession.token_hash == UserSession.hash(token), UserSession.ended_at.is_(None))
        .values(ended_at=now or utcnow())
    )


def end_all(user: User, now: datetime | None = None) -> None:
    """Ends every session of the user."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=now or utcnow())
    )
