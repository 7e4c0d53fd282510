"""Notices to many controllers from the incident page's list: the ones ticked, or every one the list's filter
matches (on all its pages). The request queues one batch (notices/batches.py) and answers with its progress page."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from ..breaches.affected import affected_controller_ids
from ..breaches.models import Incident
from ..breaches.notice_filings import record_notice_filings
from ..core.instants import utcnow
from ..errors import ValidationFailed
from ..notices.views import queued
from ..validation import parse_id
from . import roster


def chosen_controllers(incident: Incident) -> list[int]:
    """The controllers the person chose: every one matching the filter sent with the form, or those ticked."""
    if request.form.get("target") == "matching":
        ids = roster.controller_ids_matching(incident, roster.Filter.from_args(request.form), utcnow())
        if not ids:
            raise ValidationFailed(_("No controller matches this filter."), "controller_ids")
        return ids
    ticked = [parse_id(v) for v in request.form.getlist("controller_ids")]
    if not ticked:
        raise ValidationFailed(
            _("Tick at least one controller, or choose all that match the filter."), "controller_ids"
        )
    affected = affected_controller_ids(incident)
    if any(i is None or i not in affected for i in ticked):
        raise ValidationFailed(_("Only controllers this incident affects can be chosen."), "controller_ids")
    return [i for i in ticked if i is not None]


def queue_notices(incident: Incident, form) -> Response:
    return queued(incident, chosen_controllers(incident), version=form.version.data, form=form, token=form.token.data)


def record_notices(incident: Incident, form) -> Response:
    """The chosen controllers were told another way: their notice filings, then back to the list."""
    rows = record_notice_filings(
        incident,
        chosen_controllers(incident),
        channel=form.filing_channel.data,
        at=form.filing_at.data,
        note=form.filing_note.data,
        actor=current_user,
    )
    if rows:
        flash(
            ngettext(
                "%(num)d notice recorded (one per contract not yet notified).",
                "%(num)d notices recorded (one per contract not yet notified).",
                len(rows),
            ),
            "success",
        )
    else:
        flash(_("Every contract of these controllers already has a notice recorded: nothing new."), "info")
    return redirect(url_for("incidents.show", incident_id=incident.id, _anchor="controllers"))
