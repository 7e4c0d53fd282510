"""GET /api/v1/register: JSON and CSV agree with the page; bad parameters are 422 in the API's error shape."""

from __future__ import annotations

import pytest

from incidents.core.instants import format_local, parse_instant
from incidents.register import words

from ..api.openapi_check import check_schema
from .conftest import page_table, read_csv, references


def _local(iso: str | None) -> str:
    return "" if iso is None else format_local(parse_instant(iso))


def test_json_agrees_with_the_page(api, logged_in, register):
    body = api.get("/api/v1/register").get_json()
    check_schema("Register", body)
    headers, rows = page_table(logged_in.get("/register/"))
    assert body["total"] == len(body["register"]) == len(rows) == 5
    for item, shown in zip(body["register"], rows, strict=True):
        cell = dict(zip(headers, shown, strict=True))
        assert item["aware_at"].endswith("Z")
        assert (item["reference"], item["title"], words.word(words.INCIDENT_STATUS, item["status"], "nl")) == (
            cell["Referentie"],
            cell["Titel"],
            cell["Status"],
        )
        assert (_local(item["aware_at"]), _local(item["confirmed_at"]), _local(item["dismissed_at"])) == (
            cell["Kennisname (Amsterdamse tijd)"],
            cell["Vastgesteld op (Amsterdamse tijd)"],
            cell["Afgewezen op (Amsterdamse tijd)"],
        )
        assert (item["dismiss_reason"] or "") == cell["Reden afwijzing"]
        assert "; ".join(item["controllers"]) == cell["Verwerkingsverantwoordelijken"]
        assert (words.word(words.INCIDENT_KIND, item["incident_kind"], "nl") or "") == cell["Soort incident"]
        assert cell["Feiten"].startswith(item["facts"]["description"])
        severity = item["severity"] or {}
        assert (severity.get("ap_severity") or "", words.word(words.BAND, severity.get("band"), "nl") or "") == (
            cell["Ernst (AP)"],
            cell["Ernst (ENISA)"],
        )
        obligations = item["obligations"]
        assert [str(obligations[k]) for k in ("met", "missed", "open")] == [
            cell["Verplichtingen nagekomen"],
            cell["Verplichtingen gemist"],
            cell["Verplichtingen open"],
        ]
        assert str(len(item["filings"])) == cell["Aantal registraties"]
        decisions = cell["Besluiten (laatste per verantwoordelijke)"].splitlines()
        assert len(decisions) == len(item["decisions"])
        for d, line in zip(item["decisions"], decisions, strict=True):
            assert line.startswith(f"{d['controller_name']}: {words.word(words.NOTIFY_AP, d['notify_ap'], 'nl')}")
            assert f"reden: {d['reason']}" in line and f"besloten door {d['decision_maker']['name']}" in line
        notices = cell["Meldingen aan verwerkingsverantwoordelijken"]
        assert {n["controller_name"] for n in item["notices"]} == {
            line.split(": ", 1)[0] for line in notices.splitlines()
        }
        assert len(item["missed_obligations"]) == len(cell["Gemiste verplichtingen en hoe laat"].splitlines())


def test_json_row_of_a_handled_incident(api, register):
    controller = register.controllers["a"]
    body = api.get(f"/api/v1/register?controller_id={controller.id}&severity=zeer+groot").get_json()
    assert body["total"] == 1
    row = body["register"][0]
    assert row["reference"] == register.incidents["i1"].reference
    assert row["aware_at"] == "2026-03-02T08:00:00Z"  # 09:00 in Amsterdam (CET)
    assert row["severity"] == {"band": "very_high", "ap_severity": "zeer groot", "se": 4.25}
    assert row["facts"]["nature"] == "Versleuteling van de server" and row["facts"]["cause"] == "Phishing"
    assert row["effects"]["records"] == "1200" and row["remedial_action"]["measures"].startswith("Wachtwoorden")
    assert [(f["kind"], f["at"], f["reference"]) for f in row["filings"]] == [
        ("controller_notice", "2026-03-02T18:00:00Z", "MAIL-1"),
        ("controller_consultation", "2026-03-03T04:00:00Z", None),
        ("ap_notification", "2026-03-03T14:00:00Z", "AP-2026-001"),
        ("controller_notice", "2026-03-05T16:00:00Z", None),
    ]
    assert [
        (d["controller_name"], d["notify_ap"], d["inform_data_subjects"], d["data_subjects_ground"])
        for d in row["decisions"]
    ] == [("Alfa Zorg", "yes", "no", "unintelligible"), ("bravo Kliniek", "no", None, None)]
    # Annex B and the decisions' reasons: the JSON keeps codes and UTC.
    assert [(d["reason"], d["decision_maker"], d["recorded_by"]) for d in row["decisions"]] == [
        (
            "Hoog risico",
            {"name": "Fenna de Graaf", "function": "Functionaris gegevensbescherming", "via": "email"},
            "Hanna Handler",
        ),
        (
            "Geen risico voor betrokkenen",
            {"name": "Fenna de Graaf", "function": "Functionaris gegevensbescherming", "via": "email"},
            "Hanna Handler",
        ),
    ]
    assert row["period"] == {"started_at": "2026-03-01T21:30:00Z", "ended_at": "2026-03-02T07:15:00Z"}
    assert row["reporter"] == {
        "kind": "sub_processor",
        "name": "Hostingpartner Noord B.V., J. Jansen (security officer)",
    }
    assert row["recovery"].startswith("Back-up van 1 maart")
    assert [(n["controller_name"], n["at"], n["channel"], n["reference"], n["status"]) for n in row["notices"]] == [
        ("Alfa Zorg", "2026-03-02T18:00:00Z", "email", "MAIL-1", "sent"),
        ("bravo Kliniek", "2026-03-05T16:00:00Z", "email", None, "sent"),
    ]
    missed = {(m["kind"], m["controller_name"]): m for m in row["missed_obligations"]}
    late = missed[("controller_notice", "bravo Kliniek")]
    assert (late["due_at"], late["met_at"], late["late_seconds"]) == (
        "2026-03-05T08:00:00Z",
        "2026-03-05T16:00:00Z",
        8 * 3600,
    )
    assert missed[("controller_consultation", "bravo Kliniek")]["met_at"] is None


@pytest.mark.parametrize("query", ["", "from=2026-04-01&to=2026-06-30", "status=dismissed", "severity=none"])
def test_filters_agree_with_the_page(api, logged_in, register, query):
    body = api.get(f"/api/v1/register?{query}").get_json()
    _, rows = page_table(logged_in.get(f"/register/?{query}"))
    assert [r["reference"] for r in body["register"]] == references(rows)


def test_csv_is_the_web_export(api, logged_in, register):
    query = f"from=2026-03-01&controller_id={register.controllers['b'].id}"
    response = api.get(f"/api/v1/register?{query}&format=csv")
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    web = logged_in.get(f"/register/export.csv?{query}").data
    assert response.data == web
    headers, rows = page_table(logged_in.get(f"/register/?{query}"))
    assert read_csv(response.data) == [headers, *rows]
    assert references(rows) == register.ref("i1", "i5")


def test_token_required(client, register):
    response = client.get("/api/v1/register")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(
    ("query", "code", "field", "shown"),
    [
        ("from=2026-02-30", "invalid_date", "from", "2026-02-30"),
        ("to=31-03-2026", "invalid_date", "to", "31-03-2026"),
        ("from=2026-04-02&to=2026-04-01", "invalid_period", "from", "2026-04-02"),
        ("controller_id=999999", "unknown_controller", "controller_id", "999999"),
        ("controller_id=1.5", "unknown_controller", "controller_id", "1.5"),
        ("status=open", "invalid_choice", "status", "open"),
        ("severity=hoog", "invalid_choice", "severity", "hoog"),
        ("format=xml", "invalid_choice", "format", "xml"),
        ("format=csv&status=nope", "invalid_choice", "status", "nope"),
    ],
)
def test_bad_parameters(api, make_controller, row_counts, query, code, field, shown):
    make_controller()
    before = row_counts()
    response = api.get(f"/api/v1/register?{query}")
    assert response.status_code == 422 and response.is_json
    error = response.get_json()["error"]
    assert response.get_json() == {"error": {"code": code, "message": error["message"], "field": field}}
    assert shown in error["message"] and "%(" not in error["message"]
    assert row_counts() == before
