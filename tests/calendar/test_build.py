"""feed.build on its own: plain entries in, RFC 5545 out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from icalendar import Calendar

from incidents.calendar.feed import FeedEntry, build

NOW = datetime(2026, 3, 27, 12, 0, 0, tzinfo=UTC)


def entry(obligation_id: int, due_at: datetime, **kw) -> FeedEntry:
    values = {
        "kind": "ap_notification",
        "incident_reference": "DL-2026-0007",
        "controller_name": "Kliniek Oost",
        "clause": "AVG art. 33 lid 1",
        "owner": "controller",
        "sequence": 4,
        "url": "https://desk.example/portal/incidents/7",
    }
    values.update(kw)
    return FeedEntry(obligation_id=obligation_id, due_at=due_at, **values)


def test_events_are_ordered_by_deadline_and_carry_uid_sequence_and_utc_start():
    amsterdam = timezone(timedelta(hours=1))
    later, sooner = entry(2, datetime(2026, 3, 30, 15, 0, tzinfo=amsterdam)), entry(9, NOW + timedelta(hours=2))
    calendar = Calendar.from_ical(build([later, sooner], name="Datalekdesk · Test", now=NOW))
    found = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in found] == ["obligation-9@datalekdesk", "obligation-2@datalekdesk"]
    assert found[1]["DTSTART"].to_ical() == b"20260330T140000Z"  # an offset is turned into UTC
    assert [int(e["SEQUENCE"]) for e in found] == [4, 4]
    assert found[0].decoded("DTSTAMP") == NOW
    assert "Melding aan de AP" in str(found[0]["SUMMARY"]) and "Kliniek Oost" in str(found[0]["SUMMARY"])
    description = str(found[0]["DESCRIPTION"])
    assert (
        "Melding aan de AP voor incident DL-2026-0007" in description
        and "de verwerkingsverantwoordelijke" in description
    )
    assert "Uiterlijk:" in description and " for " not in description  # one language: the title's


def test_an_english_feed_says_everything_in_english():
    found = Calendar.from_ical(build([entry(1, NOW + timedelta(hours=2))], name="x", now=NOW, language="en"))
    event = found.walk("VEVENT")[0]
    assert str(event["SUMMARY"]).startswith("DL-2026-0007 · Notification to the Dutch DPA")
    assert "Owed by the controller." in str(event["DESCRIPTION"])
    first_alarm = event.walk("VALARM")[0]
    assert str(first_alarm["DESCRIPTION"]).endswith("(4 h left)")


def test_the_same_entries_give_the_same_bytes():
    entries = [entry(i, NOW + timedelta(hours=i)) for i in range(1, 4)]
    assert build(entries, name="x", now=NOW) == build(list(reversed(entries)), name="x", now=NOW)


def test_an_overdue_deadline_is_marked_in_title_and_description():
    found = Calendar.from_ical(build([entry(1, NOW - timedelta(hours=3), overdue=True)], name="x", now=NOW))
    event = found.walk("VEVENT")[0]
    assert str(event["SUMMARY"]).startswith("TE LAAT: DL-2026-0007")
    assert "(te laat)" in str(event["DESCRIPTION"])
