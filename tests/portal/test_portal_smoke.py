from incidents.auth.service import create_user
from incidents.extensions import db


def test_portal(app, client, user, api, make_controller, make_contract):
    a = make_controller(name="Ziekenhuis A")
    b = make_controller(name="Kliniek B GEHEIM")
    ca = make_contract("boz-72h", a, reference="VO-A")
    cb = make_contract("boz-72h", b, reference="VO-B-GEHEIM")
    inc = api.post("/api/v1/incidents", json={"title": "Lek", "aware_at": "2026-11-20T09:00", "status": "confirmed",
                                               "contract_ids": [ca.id, cb.id]}).get_json()
    api.post(f"/api/v1/incidents/{inc['id']}/filings", json={"kind": "controller_notice", "contract_id": ca.id,
                                                              "at": "2026-11-20T10:00"})
    create_user("fg@a.example", "controller", "lang genoeg wachtwoord", controller_id=a.id)
    db.session.commit()
    from ..conftest import csrf_token
    r = client.post("/login", data={"email": "fg@a.example", "password": "lang genoeg wachtwoord",
                                    "csrf_token": csrf_token(client, "/login")})
    assert r.status_code == 302 and r.headers["Location"].endswith("/portal/"), r.headers
    page = client.get("/portal/").get_data(as_text=True)
    assert "Lek" in page and "GEHEIM" not in page
    page = client.get(f"/portal/incidents/{inc['id']}")
    assert page.status_code == 200, page.get_data(as_text=True)[-2000:]
    text = page.get_data(as_text=True)
    assert "GEHEIM" not in text
    assert client.get(f"/incidents/{inc['id']}").status_code == 403
    assert client.get(f"/portal/incidents/{inc['id']}/ap-draft").status_code == 200
    assert client.get("/").status_code == 302
