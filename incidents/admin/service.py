"""What an administrator (on the web or on the command line) does to other users' accounts.

Role, controller and active/inactive go through auth.service.update_user, which ends the user's sessions where
that matters. Messages of the errors raised here are English msgids, as in the other services; the web pages show
them translated.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..auth import twofactor
from ..auth.models import ApiToken, User
from ..auth.service import end_every_session, find_user, update_user
from ..errors import N_, NotFound, ValidationFailed
from ..extensions import db
from ..lookup import find


def user_by_email(email: str) -> User:
    user = find_user(email)
    if user is None:
        raise NotFound(N_("there is no user %(email)s"), "email", "unknown_user", {"email": email.strip()})
    return user


def all_users() -> list[User]:
    return list(
        db.session.scalars(select(User).options(selectinload(User.controller)).order_by(func.lower(User.email)))
    )


def change_role(user: User, role: str, controller_id: int | None, actor: User | None = None) -> None:
    """A new role (and controller, for controller users). An administrator cannot demote themselves."""
    if actor is not None and actor.id == user.id and role != user.role:
        raise ValidationFailed(N_("you cannot change your own role"), "role", "own_role")
    update_user(user, role=role, controller_id=controller_id)


def set_active(user: User, active: bool, actor: User | None = None) -> bool:
    """Deactivates or reactivates; False when the account already was in that state (nothing changes)."""
    if actor is not None and actor.id == user.id and not active:
        raise ValidationFailed(N_("you cannot deactivate your own account"), "active", "own_account")
    if user.active == active:
        return False
    # update_user reads an absent controller_id as "none": pass the user's own to keep it.
    update_user(user, role=user.role, controller_id=user.controller_id, active=active)
    return True


def unlock(user: User) -> None:
    """Ends a temporary lockout after too many wrong passwords or codes and resets both counts."""
    user.locked_until = None
    user.failed_logins = 0
    user.failed_codes = 0
    db.session.flush()


def reset_two_factor(user: User, actor: User | None = None) -> None:
    """Switches two-step verification off (e.g. a lost phone): the user logs in with the password and, for an
    administrator, has to enrol again at once. Sessions opened with the old second factor end."""
    if actor is not None and actor.id == user.id:
        raise ValidationFailed(N_("you cannot reset your own two-step verification"), "two_factor", "own_account")
    twofactor.disable(user)
    end_every_session(user)


def token_by_id(token_id: int) -> ApiToken:
    token = find(ApiToken, token_id)
    if token is None:
        raise NotFound(N_("there is no token %(id)s"), "token_id", "unknown_token", {"id": token_id})
    return token
