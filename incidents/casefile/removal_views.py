"""Taking a contract added by mistake out of an incident (breaches/removal.py): removal while nothing was sent about
it, a recorded correction after that. Each is a small form beside the contract (templates/incidents/
_remove_contract.html); a refusal says why in the user's language and writes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ..breaches import removal
from ..breaches.affected import is_affected
from ..breaches.lookup import incident_or_404
from ..breaches.models import AffectedContract, Incident
from ..core.fields import MAX_DESCRIPTION_LENGTH
from ..errors import DomainError
from ..extensions import db
from ..labels import SENT_LABELS
from ..web import post_form
from .views import bp


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Why this contract is not affected"), validators=[DataRequired(), Length(max=MAX_DESCRIPTION_LENGTH)]
    )


@dataclass(frozen=True)
class RemovalState:
    """What the incident page offers beside a contract: "removable" (nothing was sent about it), "correctable"
    (something was: `sent` says what) or "withdrawn" (by a correction, with when and why)."""

    state: str
    sent: tuple[str, ...] = ()
    withdrawn_at: datetime | None = None
    withdrawn_reason: str | None = None

    @property
    def sent_words(self) -> str:
        return ", ".join(str(SENT_LABELS[k]) for k in self.sent)


@bp.app_template_global()
def contract_removal(incident: Incident, contract) -> RemovalState:
    """For the partial beside each contract: a few queries per incident and request, whatever the number of
    contracts shown (kept on flask.g)."""
    cache = g.setdefault("contract_removal", {})
    if incident.id not in cache:
        withdrawn = {
            cid: (at, reason)
            for cid, at, reason in db.session.execute(
                select(
                    AffectedContract.contract_id, AffectedContract.withdrawn_at, AffectedContract.withdrawn_reason
                ).where(AffectedContract.incident_id == incident.id, AffectedContract.withdrawn_at.is_not(None))
            )
        }
        controllers = dict(
            db.session.execute(
                select(AffectedContract.contract_id, AffectedContract.controller_id).where(
                    AffectedContract.incident_id == incident.id
                )
            ).all()
        )
        cache[incident.id] = (withdrawn, controllers, removal.sent_about(incident.id))
    withdrawn, controllers, sent = cache[incident.id]
    if contract.id in withdrawn:
        at, reason = withdrawn[contract.id]
        return RemovalState("withdrawn", withdrawn_at=at, withdrawn_reason=reason)
    kinds = tuple(sent.get(controllers.get(contract.id), ()))
    return RemovalState("correctable" if kinds else "removable", kinds)


def _message(exc: DomainError) -> str:
    params = exc.params or {}
    texts = {
        "already_sent": _(
            "Something was already sent about contract %(ref)s (%(what)s): it can no longer be removed, only "
            "withdrawn by a recorded correction.",
            ref=params.get("reference", ""),
            what=", ".join(str(SENT_LABELS.get(k, k)) for k in params.get("sent", ())),
        ),
        "withdrawn": _("This contract was already withdrawn from the incident."),
        "nothing_sent": _("Nothing was sent about this contract yet: remove it instead of withdrawing it."),
        "not_affected": _("This contract is not part of the incident."),
        "required": _("Give the reason: why is this contract not affected?"),
        "too_long": _("The reason is too long."),
        "incident_dismissed": _("The incident is dismissed; its contracts can no longer be changed."),
        "incident_closed": _("The incident is closed; its contracts can no longer be changed."),
    }
    return texts.get(exc.code, _("Nothing was saved."))


def _back(incident: Incident):
    """Back to the page the form was on (a page of this incident), else the incident page."""
    target = request.form.get("back", "")
    own = url_for("incidents.show", incident_id=incident.id)
    if target == own or (target.startswith(own + "/") and "//" not in target and "\\" not in target):
        # a controller's page whose last contract on the incident was just removed no longer exists
        left = re.fullmatch(r".*/controllers/(\d+)", target)
        if left is None or is_affected(incident, int(left.group(1))):
            return redirect(target)
    return redirect(own)


def _take_out(incident_id: int, contract_id: int, action, done: Callable[[str], str]):
    incident = incident_or_404(incident_id)

    def act(form):
        try:
            taken = action(incident, contract_id, form.reason.data, actor=current_user)
        except DomainError as exc:
            raise type(exc)(_message(exc), exc.field, exc.code, exc.params) from None
        return done(taken.reference)

    return post_form(ReasonForm(), act, done=lambda: _back(incident), again=lambda form: _back(incident), at_form=False)


@bp.post("/<int:incident_id>/contracts/<int:contract_id>/remove")
def remove_contract(incident_id: int, contract_id: int):
    return _take_out(
        incident_id,
        contract_id,
        removal.remove_contract,
        lambda ref: _("Contract %(ref)s removed from the incident.", ref=ref),
    )


@bp.post("/<int:incident_id>/contracts/<int:contract_id>/withdraw")
def withdraw_contract(incident_id: int, contract_id: int):
    return _take_out(
        incident_id,
        contract_id,
        removal.withdraw_contract,
        lambda ref: _("Contract %(ref)s withdrawn by a correction; its open deadlines have ended.", ref=ref),
    )
