"""Clause profiles as versioned data.

A profile's content (its file's text and any target-hours override) names a version (core/profiles.py). Every version
that deadlines were computed from is stored in ``profile_versions``; each affected contract is pinned to one when it
is added to an incident: the version its incident already uses for that profile, otherwise the one loaded now. Editing
a profile file therefore makes a new version for incidents from then on and never moves a running incident's
deadlines. Removing a file that contracts still name stops start-up, naming them (breaches/profile_pins.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from ..core.instants import utcnow
from ..core.profiles import ClauseProfile, ProfileError, profile_from_text
from ..extensions import db
from ..profiles import all_profiles
from .models import Contract, Controller, ProfileVersion

SHOWN_MISSING = 20


def record(profiles: Iterable[ClauseProfile]) -> None:
    """Store the given versions not stored yet (flushes; the caller commits)."""
    wanted = {(p.key, p.version): p for p in profiles}
    if not wanted:
        return
    stored = set(
        db.session.execute(
            select(ProfileVersion.key, ProfileVersion.version).where(ProfileVersion.key.in_({key for key, _ in wanted}))
        ).all()
    )
    rows = [
        {"key": key, "version": version, "text": p.text, "target_hours": p.target_hours, "first_seen_at": utcnow()}
        for (key, version), p in wanted.items()
        if (key, version) not in stored
    ]
    if rows:
        # Another process starting at the same moment may store the same version: that is no conflict.
        dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(ProfileVersion.__table__).on_conflict_do_nothing(index_elements=["key", "version"])
        db.session.execute(statement, rows)


def profiles_for(pairs: Iterable[tuple[str, str | None]]) -> dict[tuple[str, str | None], ClauseProfile]:
    """The profile of each (key, version): the loaded one when it is that version (or no version is pinned yet),
    otherwise the stored version, read once per process."""
    current = all_profiles()
    cache: dict[tuple[str, str], ClauseProfile] = current_app.extensions.setdefault("profile_versions", {})
    found: dict[tuple[str, str | None], ClauseProfile] = {}
    wanted: set[tuple[str, str]] = set()
    for key, version in set(pairs):
        loaded = current.get(key)
        if loaded is not None and (version is None or loaded.version == version):
            found[(key, version)] = loaded
        elif version is not None and (key, version) in cache:
            found[(key, version)] = cache[(key, version)]
        elif version is not None:
            wanted.add((key, version))
        else:
            raise ProfileError(key, "-", "no profile of this key is configured and no version is pinned")
    for key, version in wanted:
        row = db.session.execute(
            select(ProfileVersion.text, ProfileVersion.target_hours).where(
                ProfileVersion.key == key, ProfileVersion.version == version
            )
        ).one_or_none()
        if row is None:
            raise ProfileError(key, "-", f"version {version} is not in the profile store")
        profile = profile_from_text(
            row.text, Path(f"{key}.toml"), {key: row.target_hours} if row.target_hours else None
        )
        cache[(key, version)] = found[(key, version)] = profile
    return found


def missing_in_use() -> tuple[list[str], int]:
    """Contracts whose profile no file holds any more: up to SHOWN_MISSING of them described, and how many."""
    loaded = list(all_profiles())
    where = Contract.profile_key.not_in(loaded)
    total = db.session.scalar(select(db.func.count()).select_from(Contract).where(where)) or 0
    rows = db.session.execute(
        select(Contract.reference, Contract.profile_key, Controller.name)
        .join(Controller, Controller.id == Contract.controller_id)
        .where(where)
        .order_by(Contract.profile_key, Contract.reference)
        .limit(SHOWN_MISSING)
    )
    return [f"{reference} ({name}): {key}" for reference, key, name in rows], total
