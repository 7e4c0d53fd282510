def test_profiles_endpoint(api):
    response = api.get("/api/v1/profiles")
    assert response.status_code == 200
    keys = {p["key"] for p in response.get_json()["profiles"]}
    assert keys == {"doctolib", "addendum-gegevensbescherming", "citodent", "boz-72h", "boz-24h", "gdpr-art33"}


def test_incident_roundtrip(api, make_contract):
    contract = make_contract("boz-72h")
    r = api.post(
        "/api/v1/incidents",
        json={
            "title": "Phishing",
            "aware_at": "2026-03-27T14:00:00+01:00",
            "status": "confirmed",
            "contract_ids": [contract.id],
        },
    )
    assert r.status_code == 201, r.get_json()
    incident = r.get_json()
    d = api.get(f"/api/v1/incidents/{incident['id']}/deadlines").get_json()["deadlines"]
    assert {x["kind"] for x in d} == {
        "controller_notice",
        "controller_consultation",
        "investigation_report",
        "ap_notification",
    }
    notice = next(x for x in d if x["kind"] == "controller_notice")
    assert notice["starts_at"] == "2026-03-27T13:00:00Z"
    assert notice["due_at"] == "2026-03-30T13:00:00Z"
