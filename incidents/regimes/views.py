"""The pages of an incident's statutory regimes: the classification and the stages counting down, each stage's draft
(copy per answer, PDF, JSON) with the form that records its filing, and a filing's content as it was filed."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..breaches.lookup import incident_or_404
from ..breaches.models import Incident
from ..core.clock import urgency
from ..core.instants import format_local, utcnow
from ..core.regimes import Regime, Stage
from ..errors import N_, ValidationFailed
from ..forms_common import choices
from ..lookup import find
from ..validation import parse_id
from ..web import post_form
from . import registry, service
from .forms import (
    ANSWER_LABELS,
    CHANNEL_LABELS,
    ClassificationForm,
    FactsForm,
    NotNeededForm,
    RequestForm,
    StageFilingForm,
)
from .models import RegimeFiling
from .pdf import filename, render_pdf

bp = Blueprint("regimes", __name__, url_prefix="/incidents")


def _language() -> str:
    return "en" if str(get_locale() or "nl") == "en" else "nl"


def _regime_or_404(key: str) -> Regime:
    regime = registry.binding_regime(key)
    if regime is None:
        abort(404)
    return regime


def _stage_or_404(regime: Regime, key: str) -> Stage:
    stage = regime.stage(key)
    if stage is None:
        abort(404)
    return stage


def _page(incident: Incident, regime: Regime, status: int = 200, **forms):
    now = utcnow()
    language = _language()
    deadlines = service.deadlines(incident, regime)
    history = service.classifications(incident.id, regime.key)
    latest = history[0] if history else None
    given = service.facts(incident.id, regime.key)
    facts_form = forms.get("facts_form") or FactsForm(formdata=None, data=given)
    wanted = list(dict.fromkeys(k for s in regime.stages for k in s.content))
    classification_form = forms.get("classification_form") or ClassificationForm(
        formdata=None, data={"aware_at": incident.aware_at}
    )
    return render_template(
        "regimes/regime.html",
        incident=incident,
        regime=regime,
        language=language,
        recipient=regime.recipient(registry.settings()),
        deadlines=[(d, urgency(d.status, d.due_at, now)) for d in deadlines],
        latest=latest,
        history=history,
        deciders=service.names({c.decided_by_id for c in history if c.decided_by_id}),
        filings=service.filings(incident.id, regime.key),
        classification_form=classification_form,
        facts_form=facts_form,
        wanted=wanted,
        request_form=forms.get("request_form") or RequestForm(formdata=None),
        request_stages=[s for s in regime.stages if s.start == "request"],
        ANSWER_LABELS=ANSWER_LABELS,
        CHANNEL_LABELS=CHANNEL_LABELS,
        now=now,
    ), status


@bp.get("/<int:incident_id>/regimes/<regime_key>")
def regime(incident_id: int, regime_key: str):
    return _page(incident_or_404(incident_id), _regime_or_404(regime_key))[0]


def _back(incident: Incident, regime: Regime, anchor: str = ""):
    return redirect(url_for("regimes.regime", incident_id=incident.id, regime_key=regime.key) + anchor)


@bp.post("/<int:incident_id>/regimes/<regime_key>/classification")
def classify(incident_id: int, regime_key: str):
    incident = incident_or_404(incident_id)
    regime = _regime_or_404(regime_key)
    form = ClassificationForm()

    def action(form):
        service.classify(
            incident, regime.key, form.answer.data, form.reason.data or "", form.aware_at.data, current_user, utcnow()
        )
        return _("Classification recorded.")

    return post_form(
        form,
        action,
        again=lambda f: _page(incident, regime, 422, classification_form=f),
        done=lambda: _back(incident, regime),
    )


@bp.post("/<int:incident_id>/regimes/<regime_key>/facts")
def facts(incident_id: int, regime_key: str):
    incident = incident_or_404(incident_id)
    regime = _regime_or_404(regime_key)
    form = FactsForm()
    wanted = {k for s in regime.stages for k in s.content}

    def action(form):
        values = {key: form[key].data or "" for key in wanted}
        changed = service.save_facts(incident, regime.key, values, current_user, utcnow())
        return _("Answers saved.") if changed else _("Nothing changed.")

    return post_form(
        form,
        action,
        again=lambda f: _page(incident, regime, 422, facts_form=f),
        done=lambda: _back(incident, regime, "#facts"),
    )


@bp.post("/<int:incident_id>/regimes/<regime_key>/requests/<stage_key>")
def request_report(incident_id: int, regime_key: str, stage_key: str):
    incident = incident_or_404(incident_id)
    regime = _regime_or_404(regime_key)
    form = RequestForm()

    def action(form):
        service.record_request(
            incident,
            regime.key,
            stage_key,
            form.at.data,
            form.due_at.data,
            form.note.data or "",
            current_user,
            utcnow(),
        )
        return _("Request recorded.")

    return post_form(
        form,
        action,
        again=lambda f: _page(incident, regime, 422, request_form=f),
        done=lambda: _back(incident, regime),
    )


def _requests_of(incident: Incident, regime: Regime, stage: Stage) -> list:
    return [f for f in service.filings(incident.id, regime.key) if f.kind == "request" and f.stage == stage.key]


def _draft_page(incident: Incident, regime: Regime, stage: Stage, status: int = 200, form=None, not_needed_form=None):
    now = utcnow()
    found = service.deadlines(incident, regime)
    draft = service.draft(incident, regime, stage, _language(), now, found)
    deadline = next((d for d in found if d.key == stage.key), None)
    requested = [
        (d, urgency(d.status, d.due_at, now)) for d in found if d.request_id is not None and d.stage.key == stage.key
    ]
    form = form or StageFilingForm(formdata=None, data={"at": now, "channel": "portal"})
    _request_choices(form, incident, regime, stage)
    return render_template(
        "regimes/draft.html",
        incident=incident,
        regime=regime,
        stage=stage,
        draft=draft,
        deadline=deadline,
        urgency=urgency(deadline.status, deadline.due_at, now) if deadline else "pending",
        form=form,
        requested=requested,
        not_needed_form=not_needed_form or NotNeededForm(formdata=None),
        on_request=stage.start == "request",
        filed=[f for f in service.filings(incident.id, regime.key) if f.stage == stage.key and f.kind == "filing"],
        CHANNEL_LABELS=CHANNEL_LABELS,
    ), status


def _request_choices(form, incident: Incident, regime: Regime, stage: Stage) -> None:
    form.request_id.choices = choices(
        [("", "—")] + [(str(f.id), format_local(f.at)) for f in _requests_of(incident, regime, stage)]
    )


@bp.get("/<int:incident_id>/regimes/<regime_key>/stages/<stage_key>")
def draft(incident_id: int, regime_key: str, stage_key: str):
    incident = incident_or_404(incident_id)
    regime = _regime_or_404(regime_key)
    return _draft_page(incident, regime, _stage_or_404(regime, stage_key))[0]


@bp.get("/<int:incident_id>/regimes/<regime_key>/stages/<stage_key>.pdf")
def draft_pdf(incident_id: int, regime_key: str, stage_key: str):
    incident = incident_or_404(incident_id)
    regime = _regime_or_404(regime_key)
    found = service.draft(incident, regime, _stage_or_404(regime, stage_key), _language(), utcnow())
    return Response(
        render_pdf(found),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename(found)}"'},
    )


@bp.get("/<int:incident_id>/regimes/<regime_key>/stages/<stage_key>.json")
def draft_json(incident_id: int, regime_key: str, stage_key: str):
    incident = incident_or_404(incident_id)
    regime = _regime_or_404(regime_key)
    found = service.draft(incident, regime, _stage_or_404(regime, stage_key), _language(), utcnow())
    return Response(
        found.as_json(),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename(found, "json")}"'},
    )


@bp.post("/<int:incident_id>/regimes/<regime_key>/stages/<stage_key>/filings")
def file_stage(incident_id: int, regime_key: str, stage_key: str):
    incident = incident_or_404(incident_id)
    regime = _regime_or_404(regime_key)
    stage = _stage_or_404(regime, stage_key)
    form = StageFilingForm()
    _request_choices(form, incident, regime, stage)

    def action(form):
        now = utcnow()
        language = form.language.data if form.language.data in ("nl", "en") else _language()
        filed = service.draft(incident, regime, stage, language, now)
        if form.shown.data != filed.sha256():
            raise ValidationFailed(
                N_("the draft changed since it was shown (or was not shown): look at it again, then record the filing"),
                "shown",
            )
        given = service.StageFilingInput(
            stage.key,
            form.at.data,
            form.channel.data,
            form.reference.data or "",
            form.note.data or "",
            parse_id(form.request_id.data) if form.request_id.data else None,
        )
        service.record_filing(incident, regime.key, given, filed, current_user, now)
        return _("Filing recorded.")

    return post_form(
        form,
        action,
        again=lambda f: _draft_page(incident, regime, stage, 422, f),
        done=lambda: _back(incident, regime),
    )


@bp.post("/<int:incident_id>/regimes/<regime_key>/stages/<stage_key>/not-needed")
def not_needed(incident_id: int, regime_key: str, stage_key: str):
    incident = incident_or_404(incident_id)
    regime = _regime_or_404(regime_key)
    stage = _stage_or_404(regime, stage_key)
    form = NotNeededForm()

    def action(form):
        service.record_not_needed(incident, regime.key, stage.key, form.reason.data or "", current_user, utcnow())
        return _("Recorded as not needed.")

    return post_form(
        form,
        action,
        again=lambda f: _draft_page(incident, regime, stage, 422, not_needed_form=f),
        done=lambda: _back(incident, regime),
    )


@bp.get("/<int:incident_id>/regimes/<regime_key>/filings/<int:filing_id>.json")
def filed(incident_id: int, regime_key: str, filing_id: int):
    """The content of a filing exactly as it was filed: the bytes its SHA-256 covers."""
    incident = incident_or_404(incident_id)
    row = find(RegimeFiling, filing_id)
    if row is None or row.incident_id != incident.id or row.regime != regime_key or row.content is None:
        abort(404)
    return Response(
        row.content.encode("utf-8"),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{incident.reference}-{row.regime}-{row.stage}-{row.id}.json"'
        },
    )
