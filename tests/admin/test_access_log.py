"""/admin/access-log and its CSV export: entries made by real page views, filters, paging, and no incident text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import select

from incidents.admin import access_log
from incidents.audit.models import AccessEntry
from incidents.breaches import service as breaches
from incidents.breaches.models import Incident
from incidents.core.instants import parse_instant, to_local, utcnow
from incidents.extensions import db
from incidents.notices import service as notices
from incidents.notices.models import Document

from ..support.people import Person, log_in_as
from .conftest import read_csv, table

LOG = "/admin/access-log"
CSV = "/admin/access-log.csv"
TITLE = "Ransomware op de röntgenserver"
SECRET_TEXT = "Versleuteld door LockBit via de VPN-koppeling"


@dataclass
class World:
    handler: Person
    viewer: Person
    incident: Incident
    other: Incident
    document: Document
    controller_name: str


@pytest.fixture
def world(app, make_person, make_controller, make_contract, new_client) -> World:
    """A handler opens two incident pages and a notice; a viewer opens one incident page. All through the web."""
    handler = make_person("hanna@verwerker.example", "handler")
    viewer = make_person("victor@verwerker.example", "viewer")
    controller = make_controller(name="Kliniek Noord")
    contract = make_contract("boz-72h", controller=controller)
    incident = breaches.create_incident(
        title=TITLE,
        description=SECRET_TEXT,
        status="confirmed",
        aware_at=utcnow() - timedelta(hours=3),
        contract_ids=[contract.id],
        actor=handler.user,
    )
    other = breaches.create_incident(
        title="Verloren laptop", aware_at=utcnow() - timedelta(hours=1), contract_ids=[contract.id], actor=handler.user
    )
    [message] = notices.issue_notices(incident, all_=True, actor=handler.user)
    db.session.commit()
    document = db.session.get(Document, message.document_id)

    theirs = new_client()
    log_in_as(theirs, handler)
    assert theirs.get(f"/incidents/{incident.id}").status_code == 200
    assert theirs.get(f"/documents/{document.id}").status_code == 200
    assert theirs.get(f"/incidents/{other.id}").status_code == 200
    assert theirs.get("/incidents/987654").status_code == 404  # not found: not logged
    watcher = new_client()
    log_in_as(watcher, viewer)
    assert watcher.get(f"/incidents/{incident.id}").status_code == 200
    return World(handler, viewer, incident, other, document, controller.name)


def rows(response) -> list[list[str]]:
    return [cells for _attrs, cells in table(response, "access-log").rows]


KEYS = [
    "at",
    "email",
    "role",
    "channel",
    "action",
    "route",
    "incident",
    "document",
    "controller",
    "ip",
    "outcome",
    "path",
]


def column(parsed_rows: list[list[str]], name: str) -> list[str]:
    return [r[KEYS.index(name)] for r in parsed_rows]


def add_entry(user: Person, at: datetime, action: str = "open_incident", **values) -> AccessEntry:
    entry = AccessEntry(
        at=at,
        user_id=user.id,
        role=user.user.role,
        channel="web",
        action=action,
        route=values.pop("route", "/incidents/<int:incident_id>"),
        status=200,
        ip="10.0.0.7",
        **values,
    )
    db.session.add(entry)
    db.session.commit()
    return entry


def test_the_page_shows_who_opened_what(admin_client, world):
    response = admin_client.get(LOG, query_string={"user_id": world.handler.id})
    parsed = table(response, "access-log")
    assert parsed.headers == [
        "Time (Amsterdam)",
        "User",
        "Role",
        "Channel",
        "Action",
        "Route",
        "Incident",
        "Document",
        "Controller",
        "IP address",
        "Outcome",
        "Path",
    ]
    found = [cells for _attrs, cells in parsed.rows]
    reference, other = world.incident.reference, world.other.reference
    # Newest first.
    assert [r[1:] for r in found] == [
        [
            "hanna@verwerker.example",
            "handler",
            "web",
            "opened an incident",
            "/incidents/<int:incident_id>",
            other,
            "",
            "",
            "127.0.0.1",
            "allowed",
            f"/incidents/{world.other.id}",
        ],
        [
            "hanna@verwerker.example",
            "handler",
            "web",
            "opened a document",
            "/documents/<int:document_id>",
            reference,
            str(world.document.id),
            world.controller_name,
            "127.0.0.1",
            "allowed",
            f"/documents/{world.document.id}",
        ],
        [
            "hanna@verwerker.example",
            "handler",
            "web",
            "opened an incident",
            "/incidents/<int:incident_id>",
            reference,
            "",
            "",
            "127.0.0.1",
            "allowed",
            f"/incidents/{world.incident.id}",
        ],
    ]
    stored = db.session.scalars(
        select(AccessEntry.at).where(AccessEntry.user_id == world.handler.id).order_by(AccessEntry.id.desc())
    )
    expected = [to_local(at).strftime("%Y-%m-%d %H:%M:%S ") + to_local(at).tzname() for at in stored]
    assert column(found, "at") == expected  # Amsterdam time, to the second, with its zone
    html = response.get_data(as_text=True)
    assert TITLE not in html and SECRET_TEXT not in html and "Verloren laptop" not in html
    assert f'href="/incidents/{world.incident.id}"' in html
    # in Dutch the codes are Dutch words, and the route is shown as code
    dutch = rows(admin_client.get(LOG, query_string={"user_id": world.handler.id, "lang": "nl"}))
    assert dutch[0][2:5] == ["behandelaar", "web", "incident geopend"]
    assert "<code>/incidents/&lt;int:incident_id&gt;</code>" in admin_client.get(LOG).get_data(as_text=True)


def test_viewing_the_log_is_itself_logged(admin_client, admin, world):
    admin_client.get(LOG)
    newest = rows(admin_client.get(LOG, query_string={"user_id": admin.id}))
    assert column(newest, "action")[:1] == ["viewed the access log"]
    assert column(newest, "email")[:1] == [admin.email]


def test_refused_attempts_are_listed_with_what_they_asked_for(
    admin_client, world, make_person, make_controller, new_client
):
    """A controller user of another organisation asks for the incident: the attempt is on the page and in the CSV,
    in the page's language, with the path it asked for and the refusal."""
    stranger = make_person("fg@zuid.example", "controller", controller=make_controller(name="Kliniek Zuid"))
    probe = new_client()
    log_in_as(probe, stranger)
    assert probe.get(f"/portal/incidents/{world.incident.id}").status_code == 404
    assert probe.get(f"/portal/documents/{world.document.id}").status_code == 404
    path = f"/portal/incidents/{world.incident.id}"

    refused = rows(admin_client.get(LOG, query_string={"action": "refused_read", "order": "asc"}))
    assert [r[1:] for r in refused] == [
        [
            "fg@zuid.example",
            "controller user",
            "web",
            "access refused (read)",
            "/portal/incidents/<int:incident_id>",
            world.incident.reference,
            "",
            "",
            "127.0.0.1",
            "refused (404)",
            path,
        ],
        [
            "fg@zuid.example",
            "controller user",
            "web",
            "access refused (read)",
            "/portal/documents/<int:document_id>",
            world.incident.reference,
            str(world.document.id),
            world.controller_name,
            "127.0.0.1",
            "refused (404)",
            f"/portal/documents/{world.document.id}",
        ],
    ]
    everything = admin_client.get(LOG)
    assert f"<code>{path}</code>" in everything.get_data(as_text=True)
    assert {a["data-status"] for a, _cells in table(everything, "access-log").rows} == {"200", "404"}
    _headers, body = read_csv(admin_client.get(CSV, query_string={"action": "refused_read", "order": "asc"}))
    assert body == [[*r] for r in refused] and len(body) == 2

    dutch = admin_client.get(LOG, query_string={"user_id": stranger.id, "lang": "nl"})
    dutch_rows = rows(dutch)
    assert column(dutch_rows, "action") == ["toegang geweigerd (inzien)"] * 2
    assert column(dutch_rows, "outcome") == ["geweigerd (404)"] * 2
    html = dutch.get_data(as_text=True)
    assert "Geweigerde pogingen van gebruikers van verwerkingsverantwoordelijken" in html
    assert '<option value="refused_read">toegang geweigerd (inzien)</option>' in html
    assert '<option value="refused_write">toegang geweigerd (wijzigen)</option>' in html
    assert column(rows(admin_client.get(LOG, query_string={"user_id": world.viewer.id})), "outcome") == ["toegestaan"]
    assert TITLE not in html and SECRET_TEXT not in html


def test_filters_by_user_incident_and_action(admin_client, world):
    viewer_rows = rows(admin_client.get(LOG, query_string={"user_id": world.viewer.id}))
    assert column(viewer_rows, "email") == ["victor@verwerker.example"]
    assert column(viewer_rows, "role") == ["viewer (read-only)"]

    by_id = rows(admin_client.get(LOG, query_string={"incident_id": world.incident.id}))
    assert sorted(column(by_id, "email")) == ["hanna@verwerker.example"] * 2 + ["victor@verwerker.example"]
    assert set(column(by_id, "incident")) == {world.incident.reference}
    by_reference = rows(admin_client.get(LOG, query_string={"incident_id": world.incident.reference.lower()}))
    assert by_reference == by_id

    documents = rows(admin_client.get(LOG, query_string={"action": "open_document"}))
    assert column(documents, "document") == [str(world.document.id)]

    combined = rows(
        admin_client.get(
            LOG, query_string={"incident_id": world.incident.id, "action": "open_incident", "user_id": world.handler.id}
        )
    )
    assert len(combined) == 1 and column(combined, "email") == ["hanna@verwerker.example"]

    nothing = admin_client.get(LOG, query_string={"incident_id": world.other.id, "user_id": world.viewer.id})
    assert rows(nothing) == [] and "No entries in this selection." in nothing.get_data(as_text=True)


def test_date_filters_are_amsterdam_days(admin_client, world):
    person = world.viewer
    winter = [
        add_entry(person, datetime(2026, 1, 14, 22, 59, 59, tzinfo=UTC)),  # 14 Jan 23:59:59 CET
        add_entry(person, datetime(2026, 1, 14, 23, 0, tzinfo=UTC)),  # 15 Jan 00:00 CET
        add_entry(person, datetime(2026, 1, 15, 22, 59, tzinfo=UTC)),  # 15 Jan 23:59 CET
        add_entry(person, datetime(2026, 1, 15, 23, 0, tzinfo=UTC)),
    ]  # 16 Jan 00:00 CET
    summer = add_entry(person, datetime(2026, 7, 1, 22, 30, tzinfo=UTC))  # 2 Jul 00:30 CEST

    def shown(**args) -> list[str]:
        return column(rows(admin_client.get(LOG, query_string={"user_id": person.id, **args})), "at")

    assert shown(**{"from": "2026-01-15", "to": "2026-01-15"}) == ["2026-01-15 23:59:00 CET", "2026-01-15 00:00:00 CET"]
    assert shown(**{"to": "2026-01-14"}) == ["2026-01-14 23:59:59 CET"]
    assert shown(**{"from": "2026-07-02", "to": "2026-07-02"}) == ["2026-07-02 00:30:00 CEST"]
    assert shown(**{"from": "2026-01-16", "to": "2026-07-01"}) == ["2026-01-16 00:00:00 CET"]
    assert len(shown(**{"from": "2026-01-01"})) == len(winter) + 1 + 1  # and the viewer's page view today
    assert summer.id > winter[-1].id


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"from": "15-01-2026"}, "'15-01-2026' is not a date; use YYYY-MM-DD."),
        ({"to": "2026-02-30"}, "'2026-02-30' is not a date; use YYYY-MM-DD."),
        ({"from": "2026-02-01", "to": "2026-01-01"}, "The start date 2026-02-01 lies after the end date 2026-01-01."),
        ({"action": "delete_everything"}, "Unknown action 'delete_everything'; choose one of: open_incident"),
        ({"user_id": "999999"}, "There is no user with id '999999'."),
        ({"user_id": "abc"}, "There is no user with id 'abc'."),
        ({"incident_id": "DL-1999-0001"}, "There is no incident 'DL-1999-0001'."),
        ({"incident_id": "99999999999999999999999"}, "There is no incident '99999999999999999999999'."),
        ({"page": "0"}, "'0' is not a page number."),
        ({"page": "x"}, "'x' is not a page number."),
        ({"order": "newest"}, "Sort order 'newest' is unknown; choose asc or desc."),
    ],
)
def test_bad_filters_are_reported_on_the_page_and_for_the_export(admin_client, args, message):
    for url in (LOG, CSV):
        response = admin_client.get(url, query_string=args)
        assert response.status_code == 400, url
        html = response.get_data(as_text=True).replace("&#39;", "'")
        assert message in html, url
        assert 'id="access-log"' not in html


def test_paging_by_100_newest_first(admin_client, world):
    start = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    for n in range(205):
        add_entry(world.viewer, start + timedelta(minutes=n), route=f"/incidents/{n}")
    args = {"user_id": world.viewer.id, "from": "2026-02-01", "to": "2026-02-01"}
    first = admin_client.get(LOG, query_string=args)
    pages = [
        rows(first),
        rows(admin_client.get(LOG, query_string={**args, "page": 2})),
        rows(admin_client.get(LOG, query_string={**args, "page": 3})),
    ]
    assert [len(p) for p in pages] == [100, 100, 5]
    routes = [r for page in pages for r in column(page, "route")]
    assert routes == [f"/incidents/{n}" for n in range(204, -1, -1)]
    html = first.get_data(as_text=True)
    assert "Entries: 205" in html and "page 1 of 3" in html
    assert 'rel="next"' in html and "page=2" in html and 'rel="prev"' not in html
    assert "1–100 of 205" in html
    beyond = admin_client.get(LOG, query_string={**args, "page": 4})  # past the end: the last page
    assert rows(beyond) == pages[2] and "201–205 of 205" in beyond.get_data(as_text=True)


def test_csv_has_the_same_rows_as_the_page_and_no_incident_text(admin_client, world):
    args = {"incident_id": world.incident.id}
    page = table(admin_client.get(LOG, query_string=args), "access-log")
    headers, body = read_csv(admin_client.get(CSV, query_string=args))
    assert headers == page.headers
    assert body == [cells for _attrs, cells in page.rows] and len(body) == 3
    raw = admin_client.get(CSV, query_string=args).get_data(as_text=True)
    assert TITLE not in raw and SECRET_TEXT not in raw
    assert world.incident.reference in raw


def test_csv_without_filters_lists_the_log_up_to_its_own_download(admin_client, admin, world):
    page_rows = rows(admin_client.get(LOG))  # this view is logged after the page was made
    response = admin_client.get(CSV)
    assert response.headers["Content-Disposition"].startswith('attachment; filename="access-log-')
    headers, body = read_csv(response)
    assert body[1:] == page_rows
    assert body[0][1] == admin.email and body[0][4] == "viewed the access log"
    assert "exported the access log" not in [r[4] for r in body]
    exports = rows(admin_client.get(LOG, query_string={"action": "export_access_log"}))
    assert column(exports, "email") == [admin.email]  # ...and the download itself is logged
    assert not any(TITLE in cell or SECRET_TEXT in cell for r in body for cell in r)


def test_csv_guards_against_spreadsheet_formulas_and_follows_the_language(admin_client, world, make_controller):
    sneaky = make_controller(name='=HYPERLINK("http://x.example")')
    add_entry(
        world.viewer,
        parse_instant("2026-03-01T10:00"),
        action="open_document",
        controller_id=sneaky.id,
        route="/documents/<int:document_id>",
    )
    args = {"user_id": world.viewer.id, "to": "2026-03-01"}
    _headers, body = read_csv(admin_client.get(CSV, query_string=args))
    assert body[0][8] == '\'=HYPERLINK("http://x.example")'
    assert body[0][0] == "2026-03-01 10:00:00 CET"
    english = admin_client.get(CSV, query_string=args).get_data().decode("utf-8-sig")
    assert english.startswith("Time (Amsterdam),User,")
    dutch = admin_client.get(CSV, query_string={**args, "lang": "nl"}).get_data().decode("utf-8-sig")
    assert dutch.splitlines()[0].count(";") == 11 and dutch.endswith("\r\n")


def test_oldest_first_by_the_time_header(admin_client, world):
    start = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    for n in range(105):
        add_entry(world.viewer, start + timedelta(minutes=n), route=f"/incidents/{n}")
    args = {"user_id": world.viewer.id, "from": "2026-02-01", "to": "2026-02-01"}
    newest = admin_client.get(LOG, query_string=args).get_data(as_text=True)
    assert re.search(r'<th [^>]*data-sort="at"[^>]*aria-sort="descending"', newest)
    flip = re.search(r'data-sort="at"[^>]*>\s*<a class="sort" href="([^"]*)"', newest)
    assert flip and "order=asc" in flip.group(1)
    oldest = admin_client.get(unescape(flip.group(1)))
    assert column(rows(oldest), "route")[:3] == ["/incidents/0", "/incidents/1", "/incidents/2"]
    html = oldest.get_data(as_text=True)
    assert re.search(r'<th [^>]*data-sort="at"[^>]*aria-sort="ascending"', html)
    following = re.search(r'<a rel="next" href="([^"]*)"', html)
    assert following and "order=asc" in unescape(following.group(1))
    assert column(rows(admin_client.get(unescape(following.group(1)))), "route") == [
        f"/incidents/{n}" for n in range(100, 105)
    ]
    # The export follows the same order.
    _headers, body = read_csv(admin_client.get(CSV, query_string={**args, "order": "asc"}))
    assert [r[5] for r in body][:2] == ["/incidents/0", "/incidents/1"]


def test_a_log_longer_than_the_count_says_more_than(admin_client, world, monkeypatch):
    # The page counts so far only (100,000 entries in production, pages of 100): here 4, in pages of 2.
    monkeypatch.setattr(access_log, "COUNT_CAP", 4)
    monkeypatch.setattr(access_log, "PAGE_SIZE", 2)
    for n in range(6):
        add_entry(world.viewer, datetime(2026, 2, 1, 9, n, tzinfo=UTC))
    first = admin_client.get(LOG)
    html = first.get_data(as_text=True)
    assert "Entries: more than 4" in html and 'data-more="true"' in html and "1–2 of more than 4" in html
    assert len(rows(first)) == 2
    last = admin_client.get(LOG, query_string={"page": 9})  # as far as the count reaches
    assert "3–4 of more than 4" in last.get_data(as_text=True) and 'rel="next"' not in last.get_data(as_text=True)
    oldest = admin_client.get(LOG, query_string={"order": "asc"})  # the rest: the other way round
    assert column(rows(oldest), "at")[0] == "2026-02-01 10:00:00 CET"
