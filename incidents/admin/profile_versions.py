"""The administrators' view of the clause profile versions: each version of each profile, what changed from the
one before, and where each is used."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import distinct, func, select

from ..breaches.models import AffectedContract, Incident
from ..extensions import db
from ..parties.models import ProfileVersion
from ..profiles import all_profiles

SHOWN_INCIDENTS = 10


@dataclass
class VersionUse:
    key: str
    version: str
    first_seen_at: datetime
    current: bool
    incidents: int = 0
    contracts: int = 0
    references: list[str] = field(default_factory=list)
    diff: str = ""  # against the version of the same key seen before it ("" for the first)


def overview() -> dict[str, list[VersionUse]]:
    """Per profile key (loaded profiles first, then removed ones), its stored versions oldest first."""
    loaded = all_profiles()
    counts = {
        (key, version): (incidents, contracts)
        for key, version, incidents, contracts in db.session.execute(
            select(
                AffectedContract.profile_key,
                AffectedContract.profile_version,
                func.count(distinct(AffectedContract.incident_id)),
                func.count(),
            ).group_by(AffectedContract.profile_key, AffectedContract.profile_version)
        )
    }
    result: dict[str, list[VersionUse]] = {key: [] for key in loaded}
    previous: dict[str, str] = {}
    for row in db.session.execute(
        select(ProfileVersion).order_by(ProfileVersion.key, ProfileVersion.first_seen_at, ProfileVersion.id)
    ).scalars():
        incidents, contracts = counts.get((row.key, row.version), (0, 0))
        use = VersionUse(
            key=row.key,
            version=row.version,
            first_seen_at=row.first_seen_at,
            current=row.key in loaded and loaded[row.key].version == row.version,
            incidents=incidents,
            contracts=contracts,
            references=_references(row.key, row.version) if incidents else [],
            diff=_diff(row.key, previous.get(row.key), row.text, row.target_hours),
        )
        previous[row.key] = row.text + (f"\n# target_hours = {row.target_hours}\n" if row.target_hours else "")
        result.setdefault(row.key, []).append(use)
    return result


def _references(key: str, version: str) -> list[str]:
    return list(
        db.session.scalars(
            select(Incident.reference)
            .where(
                Incident.id.in_(
                    select(AffectedContract.incident_id).where(
                        AffectedContract.profile_key == key, AffectedContract.profile_version == version
                    )
                )
            )
            .order_by(Incident.id.desc())
            .limit(SHOWN_INCIDENTS)
        )
    )


def _diff(key: str, before: str | None, text: str, target_hours: int | None) -> str:
    if before is None:
        return ""
    after = text + (f"\n# target_hours = {target_hours}\n" if target_hours else "")
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"{key} (before)", f"{key}", n=1
    )
    return "".join(lines)
