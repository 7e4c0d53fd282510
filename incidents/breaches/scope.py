"""Each affected controller's own scope of an incident: read, set one, or set many from a CSV (all or nothing).
Writes only flush; the caller commits once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.instants import utcnow
from ..core.scope import CsvProblem, ScopeError, clean_scope, parse_scope_csv, totals
from ..errors import N_, Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..parties.models import Controller
from .affected import is_affected
from .models import AffectedContract, ControllerScope, Incident
from .timeline import actor_id, record_event


class ScopeCsvRefused(ValidationFailed):
    """A scope CSV with problems: nothing was applied; every problem names its line."""

    def __init__(self, problems: list[CsvProblem]):
        super().__init__(
            N_("%(n)d problem(s) found; no scope was changed"), "file", "invalid_csv", {"n": len(problems)}
        )
        self.problems = problems


def affected_controllers(incident_id: int) -> dict[int, Controller]:
    """The controllers the incident touches, by id, in name order."""
    ids = select(AffectedContract.controller_id).where(AffectedContract.incident_id == incident_id)
    return {
        c.id: c
        for c in db.session.scalars(
            select(Controller).where(Controller.id.in_(ids)).order_by(Controller.name, Controller.id)
        )
    }


def scope_of(incident_id: int, controller_id: int) -> dict[str, Any]:
    """One controller's scope ({} when none was recorded): the only scope its documents may use."""
    row = db.session.get(ControllerScope, (incident_id, controller_id))
    return dict(row.values) if row else {}


def scopes_of(incident_id: int) -> dict[int, dict[str, Any]]:
    """Every recorded scope of the incident, by controller id: for the processor's own pages only."""
    return {
        row.controller_id: dict(row.values)
        for row in db.session.scalars(select(ControllerScope).where(ControllerScope.incident_id == incident_id))
    }


def incident_totals(incident_id: int) -> dict[str, Any]:
    """The incident-level figures: the sums and unions of the affected controllers' scopes."""
    recorded = scopes_of(incident_id)
    return totals(recorded.get(cid, {}) for cid in affected_controllers(incident_id))


def _write(
    incident: Incident, controller_id: int, row: ControllerScope | None, new: dict[str, Any], actor, now: datetime
) -> list[str]:
    """Store one controller's new scope over its row (None: it has none yet); returns the keys that changed."""
    old = dict(row.values) if row else {}
    changed = [key for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)]
    if not changed:
        return []
    if row is None:
        row = ControllerScope(incident_id=incident.id, controller_id=controller_id)
        db.session.add(row)
    row.values, row.updated_at, row.updated_by_id = new, now, actor_id(actor)
    # Figures and codes go to the timeline; a note's text does not (it may describe people).
    record_event(
        incident,
        "scope_set",
        actor,
        controller_id=controller_id,
        fields=changed,
        values={k: new.get(k) for k in changed if k != "note"},
    )
    return changed


def set_scope(
    incident: Incident, controller_id: int, values: object, actor=None, now: datetime | None = None
) -> dict[str, Any]:
    """Apply `values` to the controller's scope (a key replaces, null removes, an absent key stays).

    Two first writes of the same scope at the same moment both find no row; the second one's insert then meets the
    first one's row. Its savepoint is rolled back and it applies its values again over that row, so neither fails.
    """
    if not is_affected(incident, controller_id):
        raise NotFound(
            N_("controller %(id)s is not affected by incident %(reference)s"),
            params={"id": controller_id, "reference": incident.reference},
        )
    now = now or utcnow()
    retried = False
    while True:
        row = db.session.get(ControllerScope, (incident.id, controller_id), populate_existing=True)
        try:
            new = clean_scope(values, dict(row.values) if row else {})
        except ScopeError as exc:
            raise ValidationFailed(exc.message, exc.field or "scope", exc.code, exc.params) from None
        try:
            with db.session.begin_nested():
                if _write(incident, controller_id, row, new, actor, now):
                    incident.updated_at = now
        except IntegrityError:
            if retried:
                raise Conflict(
                    N_("the scope was changed by another request at the same moment; send it again"),
                    "scope",
                    "concurrent_change",
                ) from None
            retried = True
            continue
        return new


def set_scopes_from_csv(incident: Incident, text: str, actor=None, now: datetime | None = None) -> dict[int, dict]:
    """Set the scopes of many controllers from one CSV. All or nothing: any bad line refuses the whole file, with
    every problem listed by line number. Returns the new scope of each controller the file names."""
    now = now or utcnow()
    lines, problems = parse_scope_csv(text)
    affected = affected_controllers(incident.id)
    by_kvk: dict[str, list[int]] = {}
    for controller in affected.values():
        if controller.kvk:
            by_kvk.setdefault(controller.kvk, []).append(controller.id)
    planned: dict[int, tuple[int, dict[str, Any]]] = {}
    # Every stored scope of the incident in one query: no lookup (and no autoflush) per line.
    rows = {
        row.controller_id: row
        for row in db.session.scalars(select(ControllerScope).where(ControllerScope.incident_id == incident.id))
    }
    for line in lines:
        controller_id = line.controller_id
        if controller_id is None:
            found = by_kvk.get(line.kvk or "", [])
            if len(found) != 1:
                if found:
                    problems.append(
                        CsvProblem(
                            line.number,
                            "kvk",
                            f"KvK {line.kvk} names {len(found)} affected controllers; use controller_id",
                            "ambiguous_kvk",
                            {"kvk": line.kvk, "n": len(found)},
                        )
                    )
                else:
                    problems.append(
                        CsvProblem(
                            line.number,
                            "kvk",
                            f"KvK {line.kvk} names no affected controller",
                            "unknown_kvk",
                            {"kvk": line.kvk},
                        )
                    )
                continue
            controller_id = found[0]
        elif controller_id not in affected:
            problems.append(
                CsvProblem(
                    line.number,
                    "controller_id",
                    f"controller {controller_id} is not affected by {incident.reference}",
                    "not_affected",
                    {"id": controller_id},
                )
            )
            continue
        elif line.kvk and affected[controller_id].kvk != line.kvk:
            problems.append(
                CsvProblem(
                    line.number,
                    "kvk",
                    f"KvK {line.kvk} is not that of controller {controller_id}",
                    "kvk_mismatch",
                    {"kvk": line.kvk, "id": controller_id},
                )
            )
            continue
        if controller_id in planned:
            first = planned[controller_id][0]
            problems.append(
                CsvProblem(
                    line.number,
                    "controller_id",
                    f"controller {controller_id} is named again (first on line {first})",
                    "repeated",
                    {"id": controller_id, "first": first},
                )
            )
            continue
        try:
            stored = rows.get(controller_id)
            planned[controller_id] = (line.number, clean_scope(line.values, dict(stored.values) if stored else {}))
        except ScopeError as exc:
            problems.append(CsvProblem(line.number, exc.field, exc.message, exc.code, exc.params))
    if problems:
        raise ScopeCsvRefused(sorted(problems, key=lambda p: p.line))
    changed = 0
    try:
        with db.session.begin_nested(), db.session.no_autoflush:
            for controller_id, (_, new) in planned.items():
                changed += bool(_write(incident, controller_id, rows.get(controller_id), new, actor, now))
    except IntegrityError:
        raise Conflict(
            N_(
                "scopes of these controllers were set by another request at the same moment; nothing was "
                "saved: send the file again"
            ),
            "file",
            "concurrent_change",
        ) from None
    if changed:
        incident.updated_at = now
        record_event(incident, "scopes_imported", actor, controllers=len(planned), changed=changed)
    db.session.flush()
    return {controller_id: new for controller_id, (_, new) in planned.items()}
