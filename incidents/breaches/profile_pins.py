"""Which clause profile version each affected contract's deadlines are computed from (parties/profile_versions.py),
and the start-up check of the profiles against the database."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from sqlalchemy import inspect, select, update
from sqlalchemy.exc import DBAPIError

from ..core.profiles import ClauseProfile, ProfileError
from ..extensions import db
from ..parties.models import ProfileVersion
from ..parties.profile_versions import missing_in_use, profiles_for, record
from ..profiles import all_profiles
from .models import AffectedContract


def pins(incident_id: int, keys: Iterable[str]) -> dict[str, str]:
    """The version each profile key is to be computed from in this incident: the one the incident already uses for
    it, otherwise the one loaded now (stored on the way)."""
    keys = set(keys)
    used: dict[str, str] = dict(
        db.session.execute(  # type: ignore[arg-type]  # both columns are not null in this selection
            select(AffectedContract.profile_key, AffectedContract.profile_version)
            .where(
                AffectedContract.incident_id == incident_id,
                AffectedContract.profile_key.in_(keys),
                AffectedContract.profile_version.is_not(None),
            )
            .distinct()
        ).all()
    )
    current = all_profiles()
    fresh = [current[key] for key in keys - used.keys()]
    record(fresh)
    return {**used, **{p.key: p.version for p in fresh}}


def pin_unpinned() -> None:
    """Pin the affected contracts recorded before versions were kept to the version loaded now."""
    for key, profile in all_profiles().items():
        db.session.execute(
            update(AffectedContract)
            .where(AffectedContract.profile_version.is_(None), AffectedContract.profile_key == key)
            .values(profile_version=profile.version)
        )


def init_app(app: Flask) -> None:
    """At start-up, on a migrated database: refuse to start when contracts name a profile that is gone, store the
    loaded versions and pin what was not pinned yet. A database that is not reachable or not migrated yet is left
    to `flask check` and `flask db upgrade`."""
    with app.app_context():
        try:
            ready = inspect(db.engine).has_table(ProfileVersion.__tablename__)
        except DBAPIError:
            return
        if not ready:
            return
        try:
            described, total = missing_in_use()
            if total:
                more = f" and {total - len(described)} more" if total > len(described) else ""
                raise ProfileError(
                    app.config.get("PROFILES_DIR") or "config/profiles",
                    "-",
                    f"{total} contract(s) use a profile that is no longer configured; restore its file or move "
                    f"the contracts to another profile first: {'; '.join(described)}{more}",
                )
            record(all_profiles().values())
            pin_unpinned()
            db.session.commit()
        finally:
            db.session.remove()


def pinned_profiles(incident_id: int, contract_ids: Iterable[int]) -> dict[int, ClauseProfile]:
    """The clause profile each of these contracts of the incident is held to: the version pinned when it was added
    (what its deadlines are computed from), so that a notice quotes the words its deadline counts from."""
    ids = list(contract_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            AffectedContract.contract_id,
            AffectedContract.profile_key,
            AffectedContract.profile_version,
        ).where(AffectedContract.incident_id == incident_id, AffectedContract.contract_id.in_(ids))
    ).all()
    profiles = profiles_for((key, version) for _, key, version in rows)
    return {cid: profiles[(key, version)] for cid, key, version in rows}


def incident_profiles(incident_id: int, controller_id: int | None = None) -> dict[str, ClauseProfile]:
    """The profiles an incident's contracts are held to (one controller's with ``controller_id``), by key: the
    pinned versions, which within one incident are one per key (pins above)."""
    where = [AffectedContract.incident_id == incident_id]
    if controller_id is not None:
        where.append(AffectedContract.controller_id == controller_id)
    pairs = db.session.execute(
        select(AffectedContract.profile_key, AffectedContract.profile_version).where(*where).distinct()
    ).all()
    found = profiles_for((key, version) for key, version in pairs)
    return {key: found[(key, version)] for key, version in pairs}
