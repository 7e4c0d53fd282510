from __future__ import annotations

import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.instants import utcnow
from ..db_types import UTCDateTime
from ..extensions import Model
from .passwords import hash_password, verify_password

# admin: users and settings; handler: processor staff working incidents; viewer: read-only (auditors);
# controller: a user of one controller organisation, who sees only that controller's data (the portal).
ROLES = ("admin", "handler", "viewer", "controller")
STAFF_ROLES = ("admin", "handler", "viewer")
WRITER_ROLES = ("admin", "handler")


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(5), default="nl")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set for (and only for) controller users: the one organisation they belong to.
    controller_id: Mapped[int | None] = mapped_column(ForeignKey("controllers.id"), index=True)
    # Two-factor authentication (TOTP); recovery codes are stored as SHA-256 hashes and used once.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(default=False, server_default=false())
    totp_last_step: Mapped[int | None]
    recovery_codes: Mapped[list[str] | None] = mapped_column(JSON)
    # Bumped by "log out everywhere" and by a password change: every older session stops working.
    session_version: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    failed_logins: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # Wrong second-factor codes in a row, counted apart from the passwords: a right password does not reset them.
    failed_codes: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")
    controller = relationship("Controller")

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return verify_password(self.password_hash, password)

    def get_id(self) -> str:  # Flask-Login: the session names the user and the session generation
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def can_write(self) -> bool:
        return self.role in WRITER_ROLES

    @property
    def label(self) -> str:
        return self.name or self.email


class ApiToken(Model):
    """A bearer token. Only its SHA-256 is stored: the token itself is shown once, at creation."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()


class UserSession(Model):
    """A logged-in web session, kept on the server. The browser's signed cookie holds only a random id; this row
    holds its SHA-256, so that neither a copy of the table nor of an old cookie opens a session that has ended.
    A session ends when its user logs out (this one), logs out everywhere or changes the password (all of them), at
    the absolute lifetime counted from the login whatever the activity, and after the idle time without a request."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()
