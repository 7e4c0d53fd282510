"""What the regimes' service refuses so that no status claims more than the record supports (the second review of
issue 15): a classification never moves a deadline later nor stops a running stage, a report follows the stage it
runs from and the request it answers, what is kept as filed is what was shown, and a regime that no longer binds us
reminds of nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from incidents.breaches import service as breaches
from incidents.core.instants import utcnow
from incidents.errors import ValidationFailed
from incidents.extensions import db
from incidents.regimes import service as regimes
from incidents.regimes.models import RegimeClassification, RegimeFiling, RegimeObligation
from incidents.reminders.regimes import remind_regime_stages

from ..support.forms import csrf_token

AWARE = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def incident(app, user, make_contract):
    made = breaches.create_incident(
        title="Storing",
        aware_at=AWARE,
        status="confirmed",
        confirmed_at=AWARE,
        contract_ids=[make_contract("boz-72h").id],
        actor=user,
        now=AWARE,
    )
    db.session.commit()
    return made


def _file(incident, stage, at, user, **extra):
    regime = regimes.regime_or_refuse("nis2")
    draft = regimes.draft(incident, regime, regime.stage(stage), "nl", NOW)
    given = regimes.StageFilingInput(stage, at, "email", "", **extra)
    return regimes.record_filing(incident, "nis2", given, draft, user, NOW)


def test_a_later_classification_never_moves_the_stages_later(incident, user):
    regimes.classify(incident, "nis2", "yes", "Uitval", AWARE + timedelta(hours=1), user, NOW)
    regimes.classify(incident, "nis2", "no", "Toch geen uitval", None, user, NOW)
    with pytest.raises(ValidationFailed, match="may not move its deadlines later"):
        regimes.classify(incident, "nis2", "yes", "Toch wel", AWARE + timedelta(hours=20), user, NOW)
    regimes.classify(incident, "nis2", "yes", "Toch wel", AWARE + timedelta(hours=1), user, NOW)
    assert db.session.scalar(select(func.count()).select_from(RegimeClassification)) == 3


def test_needs_more_information_does_not_stop_a_running_stage(incident, user):
    regimes.classify(incident, "nis2", "yes", "Uitval", AWARE, user, NOW)
    with pytest.raises(ValidationFailed, match="keep running"):
        regimes.classify(incident, "nis2", "needs_info", "Even twijfel", None, user, NOW)


def test_no_after_yes_keeps_the_overdue_early_warning_missed(incident, user):
    regimes.classify(incident, "nis2", "yes", "Uitval", AWARE, user, AWARE + timedelta(hours=2))
    regimes.classify(incident, "nis2", "no", "Toch geen uitval", None, user, NOW)  # days after the 24 h
    stored = dict(db.session.execute(select(RegimeObligation.key, RegimeObligation.status)).all())
    assert stored == {"early_warning": "missed", "notification": "missed", "final_report": "not_required"}


def test_a_report_follows_its_stage_its_classification_and_its_request(incident, user):
    regimes.classify(incident, "nis2", "yes", "Uitval", AWARE + timedelta(hours=2), user, NOW)
    with pytest.raises(ValidationFailed, match="before it was known"):
        _file(incident, "early_warning", AWARE + timedelta(hours=1), user)
    with pytest.raises(ValidationFailed, match="first"):
        _file(incident, "final_report", AWARE + timedelta(hours=5), user)
    with pytest.raises(ValidationFailed, match="no request"):
        _file(incident, "intermediate_report", AWARE + timedelta(hours=5), user)
    _file(incident, "notification", AWARE + timedelta(hours=30), user)
    with pytest.raises(ValidationFailed, match="first"):  # dated before the notification it follows
        _file(incident, "final_report", AWARE + timedelta(hours=29), user)
    with pytest.raises(ValidationFailed, match="may not move"):  # known later than the report it filed
        regimes.classify(incident, "nis2", "yes", "Later", AWARE + timedelta(hours=31), user, NOW)
    assert db.session.scalar(select(func.count()).select_from(RegimeFiling)) == 1


def test_what_is_kept_as_filed_is_what_the_page_showed(logged_in, incident, user):
    regimes.classify(incident, "nis2", "yes", "Uitval", AWARE, user, NOW)
    db.session.commit()
    url = f"/incidents/{incident.id}/regimes/nis2/stages/early_warning"
    form = {"csrf_token": csrf_token(logged_in, url), "at": "2026-11-20T12:00", "channel": "email", "language": "nl"}
    assert logged_in.post(f"{url}/filings", data={**form, "shown": "0" * 64}).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(RegimeFiling)) == 0


def test_a_conditional_stage_is_recorded_as_not_needed_with_its_reason(app, incident, user, monkeypatch):
    monkeypatch.setitem(app.extensions["organisation_regimes"], "telecom_provider", "yes")
    regimes.classify(incident, "telecommunicatiewet", "yes", "Berichtendienst", AWARE, user, NOW)
    with pytest.raises(ValidationFailed, match="without condition"):
        regimes.record_not_needed(incident, "telecommunicatiewet", "notification", "x", user, NOW)
    with pytest.raises(ValidationFailed, match="reason"):
        regimes.record_not_needed(incident, "telecommunicatiewet", "supplement", " ", user, NOW)
    regimes.record_not_needed(incident, "telecommunicatiewet", "supplement", "Alles stond in de eerste", user, NOW)
    stored = dict(
        db.session.execute(
            select(RegimeObligation.key, RegimeObligation.status).where(
                RegimeObligation.regime == "telecommunicatiewet"
            )
        ).all()
    )
    assert stored["supplement"] == "not_required"


def test_a_regime_that_no_longer_binds_us_reminds_of_nothing(app, incident, user, monkeypatch):
    regimes.classify(incident, "nis2", "yes", "Uitval", utcnow() - timedelta(hours=20), user, utcnow())
    db.session.commit()
    monkeypatch.setitem(app.extensions["organisation_regimes"], "nis2_entity", "")
    assert remind_regime_stages(utcnow()) == 0
    monkeypatch.setitem(app.extensions["organisation_regimes"], "nis2_entity", "important")
    assert remind_regime_stages(utcnow()) == 1
