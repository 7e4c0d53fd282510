"""Hostile text in every entry point (docs/API.md, "Safe retries and bad input"; review findings F-5, F-6, F-12 and
tests 3.8, 3.9, 3.18): NUL bytes, unpaired surrogates and over-long values are refused with a clear error, and the
refused request writes nothing, on SQLite and on PostgreSQL (where a NUL gave 500s).

- The API answers 422 in its error shape: code invalid_text (or too_long), naming the field.
- A page answers with our "nothing was saved" page (422) in the user's language, naming the field in words; an
  over-long value shows the form again at the field, as before.
- A CSV import says on which line, in the page's language (or in the API's `lines`).

A lone surrogate cannot reach a form or a query string as one: Werkzeug reads a percent-encoded byte that is not
UTF-8 as the text of its escape ("%ED%A0%80"), which is stored like any other text (checked below). In JSON it can:
as an escape ("\\ud800") or as UTF-8-encoded surrogate bytes, which `json.loads` reads with "surrogatepass".
"""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from incidents.auth.models import User
from incidents.auth.service import create_token, create_user, update_user
from incidents.breaches.models import Incident
from incidents.breaches.service import create_incident, update_incident
from incidents.core.fields import MAX_DESCRIPTION_LENGTH, MAX_FIELD_LENGTH, MAX_TITLE_LENGTH
from incidents.core.instants import utcnow
from incidents.core.scope import MAX_NOTE
from incidents.errors import ValidationFailed
from incidents.extensions import db
from incidents.input_guard import MAX_QUERY_VALUE
from incidents.intake.service import store_message
from incidents.parties import service as parties
from incidents.parties.csv_import import ImportRefused
from incidents.parties.csv_import import import_contracts as import_contracts_from
from incidents.parties.models import Controller
from tests.conftest import MAKER

from ..admin.test_refused_writes import CASES, filled, snapshot
from ..support import people
from ..support.forms import csrf_from, csrf_token, log_in
from ..support.intake import inbound_message
from ..support.people import log_in_as
from .conftest import PASSWORD

NUL_MESSAGE = "bevat een NUL-byte (U+0000); die kan in tekst niet voorkomen"
MARK = "@@HOSTILE@@"
# The same hostile text as it may stand in a JSON body's bytes.
IN_JSON = {
    "NUL escape": b"a\\u0000b",
    "surrogate escape": b"a\\ud800b",
    "surrogate pair cut in half": b"a\\ud83db",
    "low surrogate alone": b"a\\ude00b",
    "surrogate as UTF-8 bytes": b"a\xed\xa0\x80b",
}


@pytest.fixture
def world(app, make_controller, make_contract, make_user):
    """A controller with a contract and a confirmed incident that affects it; a handler's token and a token of
    that controller's user."""
    controller = make_controller(name="Tandartspraktijk Alfa")
    contract = make_contract("boz-72h", controller, reference="VO-ALFA")
    other = make_contract("boz-24h", reference="VO-OTHER")
    now = utcnow()
    incident = create_incident(
        title="Storing",
        aware_at=now - timedelta(hours=5),
        status="confirmed",
        confirmed_at=now - timedelta(hours=4),
        contract_ids=[contract.id],
    )
    db.session.commit()
    handler = make_user("handler@verwerker.example")
    make_user("fg@alfa.example", role="controller", controller=controller)
    _, handler_token = create_token("handler@verwerker.example", "tests")
    _, controller_token = create_token("fg@alfa.example", "tests")
    inbound = store_message(inbound_message(), channel="smtp", received_at=now).message
    db.session.commit()
    return {
        "incident": incident.id,
        "controller": controller.id,
        "contract": contract.id,
        "other_controller": other.controller_id,
        "other_contract": other.id,
        "handler_token": handler_token,
        "controller_token": controller_token,
        "handler": handler.id,
        "message": inbound.id,
    }


def send(client, token: str, method: str, url: str, raw: bytes, content_type="application/json"):
    return client.open(
        url, method=method, data=raw, content_type=content_type, headers={"Authorization": f"Bearer {token}"}
    )


def with_text(body: dict, text: bytes) -> bytes:
    """The body as JSON bytes, with `text` written where MARK stands (inside its quotes)."""
    return json.dumps(body).encode().replace(MARK.encode(), text)


def assert_refused(response, code: str, field: str | None, before: str) -> dict:
    assert response.status_code == 422, (response.status_code, response.get_data(as_text=True)[:500])
    error = response.get_json()["error"]
    assert error["code"] == code, error
    assert error.get("field") == field, error
    assert error["message"].strip()
    assert snapshot() == before
    return error


# --- the API: every text of a JSON body, keys included ---------------------------------------------------------

# (method, url, body with MARK where the hostile text goes, the field the refusal names, whose token)
JSON_ENTRIES = {
    "create incident: title": (
        "POST",
        "/api/v1/incidents",
        {"title": MARK, "aware_at": "2026-01-05T10:00"},
        "title",
        "handler",
    ),
    "create incident: a field": (
        "POST",
        "/api/v1/incidents",
        {"title": "Lek", "aware_at": "2026-01-05T10:00", "fields": {"cause": MARK}},
        "fields.cause",
        "handler",
    ),
    "create incident: a key": (
        "POST",
        "/api/v1/incidents",
        {"title": "Lek", "aware_at": "2026-01-05T10:00", "fields": {MARK: "x"}},
        "fields",
        "handler",
    ),
    "create incident: a detail": (
        "POST",
        "/api/v1/incidents",
        {"title": "Lek", "aware_at": "2026-01-05T10:00", "details": {"discovery": MARK}},
        "details.discovery",
        "handler",
    ),
    "create incident: a top-level key": (
        "POST",
        "/api/v1/incidents",
        {"title": "Lek", "aware_at": "2026-01-05T10:00", MARK: 1},
        None,
        "handler",
    ),
    "PATCH incident: title": ("PATCH", "/api/v1/incidents/{incident}", {"title": MARK}, "title", "handler"),
    "PATCH incident: description": (
        "PATCH",
        "/api/v1/incidents/{incident}",
        {"description": MARK},
        "description",
        "handler",
    ),
    "PATCH incident: internal note": (
        "PATCH",
        "/api/v1/incidents/{incident}",
        {"internal_note": MARK},
        "internal_note",
        "handler",
    ),
    "controller: name": (
        "POST",
        "/api/v1/controllers",
        {"name": MARK, "contact_email": "fg@nieuw.example"},
        "name",
        "handler",
    ),
    "contract: reference": (
        "POST",
        "/api/v1/contracts",
        {"controller_id": "{controller}", "profile": "boz-72h", "reference": MARK},
        "reference",
        "handler",
    ),
    "filing: note": (
        "POST",
        "/api/v1/incidents/{incident}/filings",
        {"kind": "controller_notice", "contract_id": "{contract}", "note": MARK},
        "note",
        "handler",
    ),
    "controller's filing: AP reference": (
        "POST",
        "/api/v1/incidents/{incident}/filings",
        {"kind": "ap_notification", "controller_id": "{controller}", "reference": MARK},
        "reference",
        "controller",
    ),
    "decision: reason": (
        "POST",
        "/api/v1/incidents/{incident}/decisions",
        {"controller_id": "{controller}", "notify_ap": "no", "reason": MARK, "decision_maker": MAKER},
        "reason",
        "handler",
    ),
    "decision: its maker's name": (
        "POST",
        "/api/v1/incidents/{incident}/decisions",
        {"controller_id": "{controller}", "notify_ap": "no", "decision_maker": {**MAKER, "name": MARK}},
        "decision_maker.name",
        "handler",
    ),
    "dismissal: reason": ("POST", "/api/v1/incidents/{incident}/dismiss", {"reason": MARK}, "reason", "handler"),
    "scope: note": (
        "PUT",
        "/api/v1/incidents/{incident}/controllers/{controller}/scope",
        {"note": MARK},
        "note",
        "handler",
    ),
    "notices: next update": (
        "POST",
        "/api/v1/incidents/{incident}/notices",
        {"all": True, "next_update": MARK},
        "next_update",
        "handler",
    ),
    "a string in a list": (
        "POST",
        "/api/v1/incidents/{incident}/contracts",
        {"contract_ids": ["{other_contract}", MARK]},
        "contract_ids[1]",
        "handler",
    ),
}


def _ids(body, world):
    """Fill {incident}, {controller}, ... in a body: an id where the whole value is one, text elsewhere."""
    if isinstance(body, dict):
        return {_ids(k, world): _ids(v, world) for k, v in body.items()}
    if isinstance(body, list):
        return [_ids(v, world) for v in body]
    if isinstance(body, str) and body.startswith("{") and body.endswith("}") and body[1:-1] in world:
        return world[body[1:-1]]
    return body


@pytest.mark.parametrize("written", sorted(IN_JSON))
@pytest.mark.parametrize("entry", sorted(JSON_ENTRIES))
def test_the_api_refuses_unstorable_text_anywhere_in_a_body(client, world, entry, written):
    method, url, body, field, who = JSON_ENTRIES[entry]
    before = snapshot()
    response = send(
        client, world[f"{who}_token"], method, filled(url, world), with_text(_ids(body, world), IN_JSON[written])
    )
    error = assert_refused(response, "invalid_text", field, before)
    assert ("NUL byte" if "NUL" in written else "unpaired surrogate") in error["message"]


def test_bytes_that_are_not_json_text_are_a_400(client, world):
    """A raw control character inside a JSON string, or bytes that are not UTF-8, are not JSON at all."""
    before = snapshot()
    for raw in (b'{"title": "a\x00b", "aware_at": "2026-01-05T10:00"}', b'{"title": "a\xffb"}'):
        response = send(client, world["handler_token"], "POST", "/api/v1/incidents", raw)
        assert response.status_code == 400, response.get_data(as_text=True)
        assert response.get_json()["error"]["code"] == "malformed_json"
    assert "not UTF-8" in response.get_json()["error"]["message"]
    assert snapshot() == before


OVER_LONG = {  # (method, url, body with MARK, field, limit)
    "incident title": (
        "POST",
        "/api/v1/incidents",
        {"title": MARK, "aware_at": "2026-01-05T10:00"},
        "title",
        MAX_TITLE_LENGTH,
    ),
    "incident description": (
        "PATCH",
        "/api/v1/incidents/{incident}",
        {"description": MARK},
        "description",
        MAX_DESCRIPTION_LENGTH,
    ),
    "controller name": ("POST", "/api/v1/controllers", {"name": MARK, "contact_email": "fg@x.example"}, "name", 200),
    "contract reference": (
        "POST",
        "/api/v1/contracts",
        {"controller_id": "{controller}", "profile": "boz-72h", "reference": MARK},
        "reference",
        64,
    ),
    "filing note": (
        "POST",
        "/api/v1/incidents/{incident}/filings",
        {"kind": "controller_notice", "contract_id": "{contract}", "note": MARK},
        "note",
        MAX_FIELD_LENGTH,
    ),
    "decision reason": (
        "POST",
        "/api/v1/incidents/{incident}/decisions",
        {"controller_id": "{controller}", "notify_ap": "no", "reason": MARK, "decision_maker": MAKER},
        "reason",
        MAX_DESCRIPTION_LENGTH,
    ),
    "dismiss reason": (
        "POST",
        "/api/v1/incidents/{incident}/dismiss",
        {"reason": MARK},
        "reason",
        MAX_DESCRIPTION_LENGTH,
    ),
    "scope note": (
        "PUT",
        "/api/v1/incidents/{incident}/controllers/{controller}/scope",
        {"note": MARK},
        "note",
        MAX_NOTE,
    ),
}


@pytest.mark.parametrize("entry", sorted(OVER_LONG))
def test_the_api_refuses_over_long_text(client, world, entry):
    method, url, body, field, limit = OVER_LONG[entry]
    raw = with_text(_ids(body, world), b"x" * (limit + 1))
    before = snapshot()
    error = assert_refused(
        send(client, world["handler_token"], method, filled(url, world), raw), "too_long", field, before
    )
    assert str(limit) in error["message"]


# --- query strings and path segments ----------------------------------------------------------------------------

QUERIES = {  # (url, the refusal's code, its field)
    "NUL in ?reference=": ("/api/v1/contracts?reference=a%00b", "invalid_text", "reference"),
    "NUL in ?status=": ("/api/v1/incidents?status=%00", "invalid_text", "status"),
    "NUL in the register's ?q=": ("/api/v1/register?q=a%00b", "invalid_text", "q"),
    "NUL in a parameter's name": ("/api/v1/incidents?a%00b=1", "invalid_text", None),
    "?reference= over its 64 characters": ("/api/v1/contracts?reference=" + "R" * 65, "too_long", "reference"),
    "any value over the limit": (
        f"/api/v1/incidents?status={'s' * (MAX_QUERY_VALUE + 1)}",
        "too_long",
        "status",
    ),
}


@pytest.mark.parametrize("entry", sorted(QUERIES))
def test_the_api_refuses_a_bad_query_string(client, world, entry):
    url, code, field = QUERIES[entry]
    before = snapshot()
    response = client.get(url, headers={"Authorization": f"Bearer {world['handler_token']}"})
    assert_refused(response, code, field, before)


def test_a_caller_without_a_token_is_told_that_first(client, world):
    response = client.get("/api/v1/contracts?reference=a%00b")
    assert response.status_code == 401


def test_the_api_without_hostile_text_still_works(client, world):
    """Not refused for being unusual: a paired surrogate escape is one character, U+FFFD and other controls are
    text, and a query value just under the limit is taken."""
    body = json.dumps({"title": "Lek \ud83d\ude00 \ufffd\t", "aware_at": "2026-01-05T10:00"}).encode()
    assert b"\\ud83d\\ude00" in body
    created = send(client, world["handler_token"], "POST", "/api/v1/incidents", body)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["title"] == "Lek 😀 \ufffd"
    headers = {"Authorization": f"Bearer {world['handler_token']}"}
    assert client.get("/api/v1/contracts?reference=VO-ALFA", headers=headers).get_json()["contracts"]
    assert client.get("/api/v1/contracts?reference=" + "R" * 64, headers=headers).get_json() == {"contracts": []}


@pytest.mark.parametrize("url", ["/ack/a%00b", "/calendar/a%00b.ics", "/contracts?q=a%00b"])
def test_a_page_refuses_a_nul_in_its_address_in_words(client, world, make_user, url):
    make_user("lezer@verwerker.example", role="viewer")
    log_in(client, "lezer@verwerker.example", PASSWORD)
    response = client.get(url)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Dit adres kan niet worden geopend" in page and NUL_MESSAGE in page
    if "q=" in url:
        assert "zoektekst " + NUL_MESSAGE in page


def test_a_page_refuses_an_over_long_query_value(client, world, make_user):
    make_user("lezer@verwerker.example", role="viewer")
    log_in(client, "lezer@verwerker.example", PASSWORD)
    response = client.get(f"/contracts?controller_id={'1' * (MAX_QUERY_VALUE + 1)}&lang=en")
    assert response.status_code == 422
    assert f"a value in the address is longer than {MAX_QUERY_VALUE} characters" in response.get_data(as_text=True)


# --- the web forms ---------------------------------------------------------------------------------------------


@pytest.fixture
def clients(app, world):
    """A logged-in administrator (every page of the processor's staff) and the controller's user (the portal)."""
    admin = people.make_person("beheer@verwerker.example", "admin", password=PASSWORD, two_factor=True)
    world["admin"] = admin.id
    staff = app.test_client()
    log_in_as(staff, admin)
    portal = app.test_client()
    log_in(portal, "fg@alfa.example", PASSWORD)
    return staff, portal


# Each takes its own CSV apart and says on which line (tested below).
OWN_TEXT = {"parties.import_csv", "incidents.scopes"}


@pytest.mark.parametrize("endpoint", sorted(e for e, (_url, data) in CASES.items() if data))
def test_every_web_form_refuses_a_nul_and_writes_nothing(clients, world, endpoint):
    """Every form of the web interface (the list of tests/admin/test_refused_writes.py, which covers the URL map):
    a NUL in its fields is refused with the Dutch page that says so, and nothing is written."""
    staff, portal = clients
    client = portal if endpoint.startswith("portal.") else staff
    url, data = CASES[endpoint]
    form = {key: filled(value, world) + "\x00" for key, value in data.items()}
    form["csrf_token"] = csrf_from(client.get("/account/"))
    before = snapshot()
    response = client.post(filled(url, world), data=form)
    assert response.status_code == 422, (endpoint, response.status_code)
    assert snapshot() == before
    if endpoint not in OWN_TEXT:
        page = response.get_data(as_text=True)
        assert "Er is niets opgeslagen" in page and NUL_MESSAGE in page, endpoint


def test_the_intake_form_names_the_field(clients, world):
    staff, _ = clients
    token = csrf_token(staff, "/incidents/new")
    data = {"title": "Lek\x00", "aware_at": "2026-01-05T10:00", "status": "suspected", "no_contracts": "y"}
    before = snapshot()
    response = staff.post("/incidents/new", data={**data, "csrf_token": token, "step": "review"})
    assert response.status_code == 422
    assert "titel " + NUL_MESSAGE in response.get_data(as_text=True)
    english = staff.post("/incidents/new?lang=en", data={**data, "csrf_token": token, "step": "review"})
    assert "title contains a NUL byte (U+0000), which text cannot hold" in english.get_data(as_text=True)
    assert snapshot() == before


def test_a_nul_in_a_field_name_is_refused_too(clients, world):
    staff, _ = clients
    before = snapshot()
    response = staff.post(
        "/controllers", data={"csrf_token": csrf_token(staff, "/controllers"), "na\x00me": "x", "name": "A"}
    )
    assert response.status_code == 422
    assert "een veldnaam " + NUL_MESSAGE in response.get_data(as_text=True)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("url", "data", "status", "said"),
    [
        (
            "/incidents/new",
            {"title": "T" * (MAX_TITLE_LENGTH + 1), "aware_at": "2026-01-05T10:00"},
            422,
            "Titel: Veld mag niet langer zijn dan 200 karakters.",
        ),
        (
            "/controllers",
            {"name": "N" * 201, "contact_email": "fg@nieuw.example"},
            422,
            "Naam: Veld mag niet langer zijn dan 200 karakters.",
        ),
        ("/account/tokens", {"name": "T" * 101}, 422, "Waarvoor het token is: Veld mag niet langer zijn dan 100"),
        # a form on a list: said on the page it leads back to
        ("/account/calendar/", {"name": "C" * 101}, 302, "niet aangemaakt: naam is langer dan 100 tekens"),
    ],
)
def test_an_over_long_form_value_is_refused_at_the_form(clients, world, url, data, status, said):
    staff, _ = clients
    form = {**data, "csrf_token": csrf_token(staff, url), "step": "review", "no_contracts": "y"}
    before = snapshot()
    response = staff.post(url, data=form)
    assert response.status_code == status
    assert snapshot() == before
    page = staff.get(response.headers["Location"]) if status == 302 else response
    assert said in page.get_data(as_text=True)


def test_a_surrogate_sent_in_a_form_arrives_as_the_text_of_its_escape(clients, world):
    """A browser cannot send one: its UTF-8 bytes are not UTF-8, and Werkzeug keeps their escape as text."""
    staff, _ = clients
    token = csrf_token(staff, "/controllers")
    body = f"csrf_token={token}&name=Kliniek%ED%A0%80&contact_email=fg%40kliniek.example&language=nl&legal_basis=AVG"
    response = staff.post("/controllers", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert db.session.scalar(select(Controller.name).where(Controller.contact_email == "fg@kliniek.example")) == (
        "Kliniek%ED%A0%80"
    )


def test_a_nul_in_the_login_form_is_refused_before_any_account_is_looked_up(client, make_user):
    make_user("hanna@verwerker.example")
    token = csrf_token(client, "/login")
    before = snapshot()
    response = client.post(
        "/login", data={"email": "hanna@verwerker.example\x00", "password": "x", "csrf_token": token}
    )
    assert response.status_code == 422
    assert snapshot() == before  # not even a failed attempt counted


# --- the CSV imports: every bad value with its line ------------------------------------------------------------

HEADER = "controller,contact_email,kvk,profile,reference\n"
GOOD_LINE = "Kliniek Goed,fg@goed.example,,boz-72h,VO-GOED\n"


def import_contracts(client, file: bytes | None = None, text: str | None = None):
    data: dict = {"csrf_token": csrf_token(client, "/contracts/import")}
    if file is not None:
        data["file"] = (io.BytesIO(file), "contracten.csv")
    if text is not None:
        data["text"] = text
    return client.post("/contracts/import", data=data, content_type="multipart/form-data")


def line_errors(response) -> list[str]:
    page = response.get_data(as_text=True)
    return [part.split("</li>")[0] for part in page.split('data-line="')[1:]]


@pytest.mark.parametrize(
    ("third_line", "said"),
    [
        (
            b"Kliniek \x00Nul,fg@nul.example,,boz-72h,VO-NUL\n",
            '3">Regel 3 (controller): verwerkingsverantwoordelijke ' + NUL_MESSAGE,
        ),
        (b"Kliniek Nul,fg@nul.example,,boz-72h,VO-\x00\n", '3">Regel 3 (reference): kenmerk ' + NUL_MESSAGE),
        (b"Kliniek \xed\xa0\x80,fg@s.example,,boz-72h,VO-S\n", '3">Regel 3: het bestand is geen UTF-8-tekst'),
        (
            b'"' + b"A" * 200_000 + b'",fg@a.example,,boz-72h,VO-A\n',
            '3">Regel 3: een waarde is langer dan 131072 tekens',
        ),
        (
            b"K" * 300 + b",fg@k.example,,boz-72h,VO-K\n",
            '3">Regel 3 (controller): de naam van de verwerkingsverantwoordelijke is langer dan 200 tekens',
        ),
        (b"Kliniek Lang,fg@l.example,," + b"p" * 500 + b",VO-L\n", '3">Regel 3 (profile): onbekend profiel'),
    ],
    ids=["NUL in a name", "NUL in a reference", "surrogate bytes", "over the csv module's limit", "long name", "long"],
)
def test_the_contract_import_says_which_line_is_bad(clients, world, third_line, said):
    staff, _ = clients
    before = snapshot()
    response = import_contracts(staff, file=HEADER.encode() + GOOD_LINE.encode() + third_line)
    assert response.status_code == 422
    errors = line_errors(response)
    assert len(errors) == 1 and said in '3">' + errors[0], errors
    assert len(errors[0]) < 400  # a long value is not repeated back
    assert snapshot() == before


def test_the_contract_import_pasted_with_a_nul(clients, world):
    staff, _ = clients
    before = snapshot()
    response = import_contracts(staff, text=HEADER + "Kliniek \x00,fg@nul.example,,boz-72h,VO-NUL\n")
    assert response.status_code == 422
    assert line_errors(response) == ['2">Regel 2 (controller): verwerkingsverantwoordelijke ' + NUL_MESSAGE]
    assert snapshot() == before


SCOPE_HEADER = "controller_id,subjects_min,note\n"


@pytest.mark.parametrize(
    ("second_line", "code", "field"),
    [
        ("{controller},10,noot\x00\n", "invalid_text", "note"),
        ("{controller}\x00,10,noot\n", "invalid_text", "controller_id"),
        ('{controller},10,"' + "n" * 200_000 + '"\n', "cell_too_long", None),
    ],
    ids=["NUL in a note", "NUL in an id", "over the csv module's limit"],
)
def test_the_scope_csv_says_which_line_is_bad(client, world, second_line, code, field):
    before = snapshot()
    text = SCOPE_HEADER + second_line.replace("{controller}", str(world["controller"]))
    response = send(
        client,
        world["handler_token"],
        "PUT",
        f"/api/v1/incidents/{world['incident']}/scopes",
        text.encode(),
        content_type="text/csv",
    )
    assert_refused(response, "invalid_csv", "file", before)
    lines = response.get_json()["error"]["lines"]
    assert [(line["line"], line["field"]) for line in lines] == [(2, field)], lines


def test_the_scope_csv_page_says_it_in_dutch(clients, world):
    staff, _ = clients
    url = f"/incidents/{world['incident']}/scopes"
    token = csrf_token(staff, url)  # reading the page is in the access log: before the snapshot
    before = snapshot()
    text = SCOPE_HEADER + f"{world['controller']},10,noot\n{world['controller']},10,noot\x00\n"
    response = staff.post(url, data={"csrf_token": token, "csv-text": text})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-line="3"' in page and "note bevat een NUL-byte of een losse surrogaat" in page
    upload = (io.BytesIO(SCOPE_HEADER.encode() + b"1,2,a\n1,2,\xed\xa0\x80\n"), "scopes.csv")
    response = staff.post(url, data={"csrf_token": token, "csv-file": upload}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert 'data-line="3"' in response.get_data(as_text=True)
    assert snapshot() == before


def test_the_scope_csv_in_bytes_that_are_not_utf8_names_the_line(client, world):
    before = snapshot()
    raw = SCOPE_HEADER.encode() + f"{world['controller']},10,noot\n".encode() + b"1,2,\xed\xa0\x80\n"
    response = send(
        client,
        world["handler_token"],
        "PUT",
        f"/api/v1/incidents/{world['incident']}/scopes",
        raw,
        content_type="text/csv",
    )
    error = assert_refused(response, "invalid_encoding", "file", before)
    assert "line 3" in error["message"]


# --- the services themselves, for what reaches them another way (the command line) --------------------------------


def test_the_services_refuse_unstorable_text_themselves(app, world):
    """What no form or API request can bring any more is refused by the services too: the command line calls them
    directly (an argument that is not UTF-8 arrives as surrogates), and so may any code of ours."""
    incident = db.session.get(Incident, world["incident"])
    attempts = {
        "controller name": lambda: parties.create_controller({"name": "A\x00", "contact_email": "a@b.example"}),
        "token name": lambda: create_token("handler@verwerker.example", "SIEM\udc80"),
        "user name": lambda: create_user("x@verwerker.example", "handler", PASSWORD, name="X\ud800"),
        "user's new name": lambda: update_user(db.session.scalar(select(User).limit(1)), name="\x00"),
        "a detail": lambda: update_incident(incident, details={"recovery": "\x00"}),
    }
    for what, attempt in attempts.items():
        with pytest.raises(ValidationFailed) as refused:
            attempt()
        assert refused.value.code == "invalid_text", what
        db.session.rollback()
    with pytest.raises(ImportRefused) as csv_refused:
        import_contracts_from(HEADER + "Kliniek \udcff,fg@s.example,,boz-72h,VO-S\n")
    [error] = csv_refused.value.errors
    assert (error.line, error.column) == (2, "controller") and "unpaired surrogate" in error.message
    db.session.rollback()
    with pytest.raises(ValidationFailed) as long_name:
        create_token("handler@verwerker.example", "T" * 101)
    assert long_name.value.code == "too_long"  # refused, no longer cut off silently
