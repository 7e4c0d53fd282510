"""The feed's hand-written iCalendar text: escaped and folded as RFC 5545 says, read back by the ``icalendar``
library to exactly what went in (and to what the library itself writes for the same events), and answered with
"304 Not Modified" to a client whose copy is current."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Alarm, Calendar, Event, vText

from incidents.breaches import service as breaches
from incidents.breaches.service import FilingInput
from incidents.calendar import feed
from incidents.calendar.feed import FeedEntry, build
from incidents.core.instants import format_local
from incidents.extensions import db

from .conftest import events, fetch, hours_ago, open_obligations, parse, to_second, uid

NOW = datetime(2026, 3, 27, 12, 0, 0, tzinfo=UTC)
TRICKY = [
    "Zorg, Welzijn; Jeugd \\ Noord",  # comma, semicolon, backslash
    'Stichting "Café" Ĳsselmonde — Ærø 🏥 ' * 4,  # long, multi-byte characters to fold between
    "a" * 74 + "é" + "b" * 80,  # a two-byte character right at the fold
    "Regel een\nRegel twee",  # a newline
    "Tab\there, CR\rgone",  # a tab stays; a lone CR is no TEXT character
]


def entry(obligation_id: int, controller: str, **kw) -> FeedEntry:
    values = {
        "kind": "controller_notice",
        "due_at": NOW + timedelta(hours=obligation_id),
        "incident_reference": "DL-2026-0007",
        "controller_name": controller,
        "clause": "Art. 5.2, lid 1; sub a",
        "owner": "processor",
        "sequence": 3,
        "url": "https://desk.example/incidents/7?tab=a,b;c",
    }
    values.update(kw)
    return FeedEntry(obligation_id=obligation_id, **values)


def library_calendar(entries: list[FeedEntry]) -> Calendar:
    """The same events as the icalendar library writes them (how the feed was written before)."""
    calendar = Calendar()
    for name, value in (("prodid", feed.PRODID), ("version", "2.0"), ("calscale", "GREGORIAN"), ("method", "PUBLISH")):
        calendar.add(name, value)
    calendar.add("x-wr-calname", vText("Datalekdesk · Test"))
    for e in entries:
        item = Event()
        item.add("uid", feed.uid(e.obligation_id))
        item.add("sequence", e.sequence)
        item.add("dtstamp", NOW)
        item.add("dtstart", e.due_at.astimezone(UTC))
        item.add("duration", feed.DURATION)
        item.add("summary", feed.summary(e))
        item.add("description", feed.description(e))
        item.add("url", e.url, parameters={"VALUE": "URI"})
        item.add("class", "PRIVATE")
        item.add("transp", "TRANSPARENT")
        item.add("categories", ["Datalekdesk"])
        for before in feed.ALARMS:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"{feed.summary(e)} (nog {int(before.total_seconds() // 3600)} uur)")
            alarm.add("trigger", -before, parameters={"RELATED": "START"})
            item.add_component(alarm)
        calendar.add_component(item)
    return calendar


def decoded(component) -> dict:
    """Every property of a component as the library decodes it, text as plain str."""
    found = {}
    for name, value in component.property_items(recursive=False):
        if name in ("BEGIN", "END"):
            continue
        try:
            found[name] = component.decoded(name)
        except (KeyError, ValueError):
            found[name] = str(value)
        if isinstance(found[name], bytes):
            found[name] = found[name].decode()
    return found


def test_tricky_text_reads_back_exactly_and_as_the_library_writes_it():
    entries = [entry(n, name) for n, name in enumerate(TRICKY, start=1)]
    mine = Calendar.from_ical(build(entries, name="Datalekdesk · Test", now=NOW))
    library = Calendar.from_ical(library_calendar(entries).to_ical())
    for got, expected, e in zip(mine.walk("VEVENT"), library.walk("VEVENT"), entries, strict=True):
        name = e.controller_name.replace("\r", "")  # a lone CR is no TEXT character: dropped
        assert str(got["SUMMARY"]) == f"DL-2026-0007 · Melding aan verwerkingsverantwoordelijke · {name}"
        assert str(got["DESCRIPTION"]) == feed.description(e).replace("\r", "")
        assert f"Bepaling: {e.clause}." in str(got["DESCRIPTION"]) and str(got["URL"]) == e.url
        if "\r" not in e.controller_name:  # everything else exactly as the library writes it
            assert decoded(got) == decoded(expected)
        for alarm_got, alarm_expected in zip(got.walk("VALARM"), expected.walk("VALARM"), strict=True):
            assert decoded(alarm_got)["TRIGGER"] == decoded(alarm_expected)["TRIGGER"]
            assert str(alarm_got["DESCRIPTION"]).startswith(str(got["SUMMARY"]) + " (nog ")
            if "\r" not in e.controller_name:
                assert str(alarm_got["DESCRIPTION"]) == str(alarm_expected["DESCRIPTION"])
    assert str(mine["X-WR-CALNAME"]) == "Datalekdesk · Test"


@pytest.mark.parametrize("name", TRICKY)
def test_every_line_is_at_most_75_octets_and_whole_characters(name):
    body = build([entry(1, name)], name=name, now=NOW)
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    for line in body.split(b"\r\n")[:-1]:
        assert len(line) <= 75, line
        line.decode("utf-8")  # strict: a character split over two lines would fail here
    unfolded = body.replace(b"\r\n ", b"").decode()
    assert "\\;" in unfolded and "\\," in unfolded  # the clause's ; and , escaped
    for line in unfolded.split("\r\n"):
        if line.startswith("SUMMARY:"):
            assert "\n" not in line and "\r" not in line


def test_escaping_and_folding_by_hand():
    assert feed.text("a,b;c\\d\ne\tf\x00g") == "a\\,b\\;c\\\\d\\ne\tfg"
    assert feed.fold("X" * 75) == "X" * 75 + "\r\n"
    assert feed.fold("X" * 76) == "X" * 75 + "\r\n X\r\n"
    assert feed.fold("X" * 74 + "é") == "X" * 74 + "\r\n é\r\n"  # not split: é is two octets
    assert feed.fold("é" * 40) == "é" * 37 + "\r\n " + "é" * 3 + "\r\n"  # 74 octets, then 6
    assert [feed.duration(timedelta(minutes=15)), feed.duration(-timedelta(hours=4))] == ["PT15M", "-PT4H"]
    assert feed.duration(timedelta(days=1, hours=2)) == "P1DT2H" and feed.duration(timedelta(0)) == "PT0S"


def test_the_version_ignores_the_stamp_and_follows_the_content():
    entries = [entry(1, "Kliniek Oost")]
    first = build(entries, name="x", now=NOW)
    later = build(entries, name="x", now=NOW + timedelta(minutes=7))
    assert first != later and feed.version(first, NOW) == feed.version(later, NOW + timedelta(minutes=7))
    moved = build([entry(1, "Kliniek Oost", due_at=NOW + timedelta(hours=5))], name="x", now=NOW)
    overdue = build([entry(1, "Kliniek Oost", overdue=True)], name="x", now=NOW)
    assert len({feed.version(b, NOW) for b in (first, moved, overdue)}) == 3


def test_a_feed_compared_with_the_database(app, user, make_controller, make_contract, user_feed):
    name = "Zorg, Welzijn; Jeugd \\ Noord — Stichting Ĳsselmonde met een heel lange naam 🏥"
    contract = make_contract("boz-72h", make_controller(name=name))
    incident = breaches.create_incident(
        title="Lek", aware_at=hours_ago(5), status="confirmed", contract_ids=[contract.id], actor=user
    )
    db.session.commit()
    response = fetch(app, user_feed(user))
    body = response.data
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    found = events(parse(response))
    expected = open_obligations()
    assert set(found) == {uid(o) for o in expected} and expected
    kinds = {"controller_notice": "Melding aan verwerkingsverantwoordelijke"}
    kinds["controller_consultation"] = "Overleg met verwerkingsverantwoordelijke"
    kinds["investigation_report"] = "Rapportage van het onderzoek"
    for obligation in expected:
        event = found[uid(obligation)]
        assert str(event["SUMMARY"]) == f"{incident.reference} · {kinds[obligation.kind]} · {name}"
        assert event.decoded("DTSTART") == to_second(obligation.due_at)
        description = str(event["DESCRIPTION"])
        # the description in the feed owner's language, as the title
        assert f"voor incident {incident.reference} ({name})." in description
        assert f"Uiterlijk: {format_local(obligation.due_at)} (Amsterdamse tijd)." in description  # Amsterdam time
        assert f"Bepaling: {obligation.clause}." in description


def test_a_client_whose_copy_is_current_gets_304(app, world, user, user_feed):
    token = user_feed(user)
    first = fetch(app, token)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    client = app.test_client(use_cookies=False)
    same = client.get(f"/calendar/{token}.ics", headers={"If-None-Match": etag})
    assert same.status_code == 304 and same.data == b"" and same.headers["ETag"] == etag
    # a change to a deadline (a filing meets one): the full feed again, with another version
    notice = next(
        o for o in open_obligations() if o.incident_id == world["west_only"].id and o.kind == "controller_notice"
    )
    breaches.record_filing(
        world["west_only"],
        FilingInput(kind="controller_notice", contract_id=world["cw2"].id, at=hours_ago(1)),
        actor=user,
    )
    db.session.commit()
    changed = client.get(f"/calendar/{token}.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert uid(notice) not in events(Calendar.from_ical(changed.data))
    assert client.get("/calendar/not-a-token.ics", headers={"If-None-Match": etag}).status_code == 404
