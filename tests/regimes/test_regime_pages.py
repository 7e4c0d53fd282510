"""An incident's statutory regimes through the web pages: classify it as significant under NIS2, the stages counting
down, each stage's draft (page, PDF, JSON) and its filing, kept with the content as filed and its SHA-256."""

from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from incidents.breaches.models import Incident, TimelineEvent
from incidents.extensions import db
from incidents.regimes.models import RegimeClassification, RegimeFiling, RegimeObligation

from ..support.forms import csrf_token, log_incident
from ..support.html import squeeze

AWARE = "2026-11-20T09:15"  # Amsterdam, CET: 08:15 UTC


@pytest.fixture
def incident(logged_in, make_contract):
    make_contract("boz-72h", reference="VO-1")
    response = log_incident(
        logged_in,
        {"title": "Ransomware bij de hostingpartij", "aware_at": AWARE, "status": "confirmed", "references": "VO-1"},
    )
    assert response.status_code == 302
    found = db.session.scalar(select(Incident))
    found.fields = {**(found.fields or {}), "cause": "Phishing-mail met malware", "measures": "Servers geïsoleerd"}
    db.session.commit()
    return found


def _url(incident, rest: str = "") -> str:
    return f"/incidents/{incident.id}/regimes/nis2{rest}"


def _shown(client, url: str) -> dict:
    """The CSRF token and the hidden SHA-256 and language of the draft as its page shows it."""
    page = client.get(url).get_data(as_text=True)
    shown = re.search(r'name="shown" value="([0-9a-f]{64})"', page)
    language = re.search(r'name="language" value="(nl|en)"', page)
    assert shown and language, "the draft page carries what it shows"
    return {"csrf_token": csrf_token(client, url), "shown": shown.group(1), "language": language.group(1)}


def _classify(client, incident, **data):
    token = csrf_token(client, _url(incident))
    return client.post(_url(incident, "/classification"), data={"csrf_token": token, **data})


def test_classify_as_significant_starts_the_three_stages(logged_in, incident):
    page = squeeze(logged_in.get(_url(incident)).get_data(as_text=True))
    assert "Nog niet geclassificeerd" in page and "Z-CERT" in page
    response = _classify(
        logged_in, incident, answer="yes", aware_at="2026-11-20T11:00", reason="Zorgportaal 6 uur onbereikbaar"
    )
    assert response.status_code == 302
    stored = db.session.scalar(select(RegimeClassification))
    assert (stored.answer, stored.aware_at) == ("yes", datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    rows = {r.key: r for r in db.session.scalars(select(RegimeObligation))}
    assert rows["early_warning"].due_at == stored.aware_at + timedelta(hours=24)
    assert rows["notification"].due_at == stored.aware_at + timedelta(hours=72)
    assert rows["final_report"].provisional
    assert rows["final_report"].due_at == datetime(2026, 12, 23, 10, 0, tzinfo=UTC)  # 23 Nov 11:00 + one month
    page = logged_in.get(_url(incident)).get_data(as_text=True)
    for stage in ("early_warning", "notification", "final_report"):
        assert f'data-stage="{stage}"' in page
    assert page.count('class="countdown"') >= 3
    incident_page = squeeze(logged_in.get(f"/incidents/{incident.id}").get_data(as_text=True))
    assert "Vroegtijdige waarschuwing" in incident_page and "Eindverslag" in incident_page
    kinds = db.session.scalars(select(TimelineEvent.kind)).all()
    assert "regime_classified" in kinds


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"answer": "yes", "aware_at": "2026-11-20T11:00", "reason": ""}, "Reden"),
        ({"answer": "yes", "aware_at": "2026-11-19T11:00", "reason": "x"}, "voordat wij"),
        ({"answer": "yes", "aware_at": "", "reason": "x"}, "sinds wanneer"),
        ({"answer": "yes", "aware_at": "2026-03-29T02:30", "reason": "x"}, "bestaat niet"),
        ({"answer": "maybe", "aware_at": "", "reason": "x"}, "Antwoord"),
    ],
)
def test_a_classification_is_refused_with_a_clear_error_and_nothing_written(logged_in, incident, data, message):
    response = _classify(logged_in, incident, **data)
    assert response.status_code == 422
    assert message.lower() in squeeze(response.get_data(as_text=True)).lower()
    assert db.session.scalar(select(RegimeClassification)) is None
    assert db.session.scalar(select(RegimeObligation)) is None


def test_no_makes_the_stages_not_required_and_a_filing_is_refused(logged_in, incident):
    assert _classify(logged_in, incident, answer="no", reason="Geen verstoring van de dienst").status_code == 302
    assert {r.status for r in db.session.scalars(select(RegimeObligation))} == {"not_required"}
    url = _url(incident, "/stages/early_warning")
    response = logged_in.post(
        f"{url}/filings", data={**_shown(logged_in, url), "at": "2026-11-20T12:00", "channel": "email", "reference": ""}
    )
    assert response.status_code == 422
    assert db.session.scalar(select(RegimeFiling)) is None


def test_the_early_warning_draft_its_pdf_and_json_and_its_filing(logged_in, incident):
    _classify(logged_in, incident, answer="yes", aware_at="2026-11-20T11:00", reason="Zorgportaal onbereikbaar")
    token = csrf_token(logged_in, _url(incident))
    saved = logged_in.post(
        _url(incident, "/facts"),
        data={"csrf_token": token, "malicious": "Ja: ransomware-aanval", "cross_border": ""},
    )
    assert saved.status_code == 302
    page = squeeze(logged_in.get(_url(incident, "/stages/early_warning")).get_data(as_text=True))
    assert "Ja: ransomware-aanval" in page
    assert "Grensoverschrijdende gevolgen" in page and "Nog in te vullen (1)" in page
    assert "strekking, geen letterlijke tekst" in page  # a paraphrase is labelled, never quoted
    pdf = logged_in.get(_url(incident, "/stages/early_warning.pdf"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = squeeze(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf.data)).pages))
    assert "Vroegtijdige waarschuwing" in text and "Z-CERT" in text and "Ja: ransomware-aanval" in text
    assert "NOG INVULLEN" in text and incident.reference in text
    draft = json.loads(logged_in.get(_url(incident, "/stages/early_warning.json")).data)
    assert draft["recipient"] == "Z-CERT" and draft["due_at"] == "2026-11-21T10:00:00Z"
    assert {a["key"]: a["source"] for a in draft["answers"]} == {"malicious": "answer", "cross_border": "gap"}
    # a filing through the CSIRT's portal without its reference is refused, and writes nothing
    url = _url(incident, "/stages/early_warning")
    form = {**_shown(logged_in, url), "at": "2026-11-20T15:00", "channel": "portal", "reference": ""}
    assert logged_in.post(f"{url}/filings", data=form).status_code == 422
    assert db.session.scalar(select(RegimeFiling)) is None
    assert logged_in.post(f"{url}/filings", data={**form, "reference": "ZC-2026-118"}).status_code == 302
    filing = db.session.scalar(select(RegimeFiling))
    assert (filing.stage, filing.reference, filing.recipient) == ("early_warning", "ZC-2026-118", "Z-CERT")
    kept = logged_in.get(_url(incident, f"/filings/{filing.id}.json"))
    assert hashlib.sha256(kept.data).hexdigest() == filing.sha256
    assert json.loads(kept.data)["answers"][0]["answer"] == "Ja: ransomware-aanval"
    early = db.session.scalar(select(RegimeObligation).where(RegimeObligation.key == "early_warning"))
    assert (early.status, early.met_at) == ("met", datetime(2026, 11, 20, 14, 0, tzinfo=UTC))


def test_the_notification_uses_the_incident_s_facts_and_its_filing_fixes_the_final_report(logged_in, incident):
    _classify(logged_in, incident, answer="yes", aware_at="2026-11-20T11:00", reason="Zorgportaal onbereikbaar")
    final = json.loads(logged_in.get(_url(incident, "/stages/final_report.json")).data)
    answers = {a["key"]: a for a in final["answers"]}
    assert answers["root_cause"]["answer"] == "Phishing-mail met malware"  # a recorded fact, never a gap
    assert answers["root_cause"]["source"] == "incident"
    assert answers["mitigation"]["answer"] == "Servers geïsoleerd"
    url = _url(incident, "/stages/notification")
    # the early warning first: the notification follows it
    early = _url(incident, "/stages/early_warning")
    first = {**_shown(logged_in, early), "at": "2026-11-20T15:00", "channel": "email", "reference": ""}
    assert logged_in.post(f"{early}/filings", data=first).status_code == 302
    form = {**_shown(logged_in, url), "at": "2026-11-22T10:00", "channel": "portal", "reference": "ZC-2026-118"}
    assert logged_in.post(f"{url}/filings", data=form).status_code == 302
    rows = {r.key: r for r in db.session.scalars(select(RegimeObligation))}
    assert not rows["final_report"].provisional
    assert rows["final_report"].due_at == datetime(2026, 12, 22, 9, 0, tzinfo=UTC)  # 22 Nov 10:00 CET + a month
    final = json.loads(logged_in.get(_url(incident, "/stages/final_report.json")).data)
    assert [r["reference"] for r in final["earlier_reports"]] == ["", "ZC-2026-118"]


def test_a_request_for_an_intermediate_report_starts_its_own_deadline(logged_in, incident):
    _classify(logged_in, incident, answer="yes", aware_at="2026-11-20T11:00", reason="Zorgportaal onbereikbaar")
    token = csrf_token(logged_in, _url(incident))
    response = logged_in.post(
        _url(incident, "/requests/intermediate_report"),
        data={"csrf_token": token, "at": "2026-11-23T09:00", "due_at": "2026-11-25T17:00", "note": "Stand van zaken"},
    )
    assert response.status_code == 302
    row = db.session.scalar(select(RegimeObligation).where(RegimeObligation.stage == "intermediate_report"))
    assert row.due_at == datetime(2026, 11, 25, 16, 0, tzinfo=UTC) and row.status == "running"


def test_a_regime_that_does_not_bind_us_has_no_pages(logged_in, incident):
    assert logged_in.get(f"/incidents/{incident.id}/regimes/telecommunicatiewet").status_code == 404
    assert logged_in.get(f"/incidents/{incident.id}/regimes/avg-art33").status_code == 404
    assert logged_in.get(_url(incident, "/stages/no_such_stage")).status_code == 404


def test_english_pages_say_the_stages_in_english(logged_in, incident):
    logged_in.set_cookie("lang", "en")
    page = squeeze(logged_in.get(_url(incident, "/stages/early_warning") + "?lang=en").get_data(as_text=True))
    assert "Early warning" in page


def test_the_dashboard_lists_the_running_stages_most_urgent_first(logged_in, incident):
    _classify(logged_in, incident, answer="yes", aware_at="2026-11-20T11:00", reason="Zorgportaal onbereikbaar")
    page = logged_in.get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="regime-stages"' in html
    order = [html.index(f'data-stage="{key}"') for key in ("early_warning", "notification", "final_report")]
    assert order == sorted(order)
    assert "Vroegtijdige waarschuwing · NIS2 / Cyberbeveiligingswet" in squeeze(html)


@pytest.mark.parametrize("stage", ["early_warning", "notification", "intermediate_report", "final_report"])
def test_each_stage_s_draft_asks_what_its_data_file_says_each_answered_or_a_gap(logged_in, incident, stage):
    from incidents.regimes import registry

    _classify(logged_in, incident, answer="yes", aware_at="2026-11-20T11:00", reason="Zorgportaal onbereikbaar")
    wanted = registry.binding_regime("nis2").stage(stage).content
    draft = json.loads(logged_in.get(_url(incident, f"/stages/{stage}.json")).data)
    assert [a["key"] for a in draft["answers"]] == list(wanted)
    for answer in draft["answers"]:
        assert (answer["answer"] is None) == (answer["source"] == "gap")
    pdf = logged_in.get(_url(incident, f"/stages/{stage}.pdf"))
    text = squeeze(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf.data)).pages))
    assert registry.binding_regime("nis2").stage(stage).title in text and "Z-CERT" in text
    page = logged_in.get(_url(incident, f"/stages/{stage}")).get_data(as_text=True)
    assert page.count('class="ap-answer gap"') == sum(a["source"] == "gap" for a in draft["answers"])


def test_the_classification_says_who_decided_and_why(logged_in, incident, user):
    _classify(logged_in, incident, answer="needs_info", reason="Omvang van de uitval nog onbekend")
    page = squeeze(logged_in.get(_url(incident)).get_data(as_text=True))
    assert "meer informatie nodig" in page and "Omvang van de uitval nog onbekend" in page
    assert f"besloten door {user.name}" in page


def test_a_controller_established_abroad_makes_cross_border_impact_possible_not_unknown(
    logged_in, incident, make_contract, make_controller
):
    from incidents.breaches import service as breaches

    belgian = make_controller(name="Zorgnet Antwerpen", contact_email="dpo@zorgnet.example", country="BE")
    contract = make_contract("gdpr-art33", belgian, reference="VO-BE-1")
    breaches.add_contracts(incident, [contract.id], actor=None)
    db.session.commit()
    _classify(logged_in, incident, answer="yes", aware_at="2026-11-20T11:00", reason="Zorgportaal onbereikbaar")
    draft = json.loads(logged_in.get(_url(incident, "/stages/early_warning.json")).data)
    answers = {a["key"]: a for a in draft["answers"]}
    assert (
        answers["cross_border"]["answer"] == "Mogelijk: getroffen verwerkingsverantwoordelijken zijn gevestigd in BE."
    )
    assert answers["cross_border"]["source"] == "incident"
