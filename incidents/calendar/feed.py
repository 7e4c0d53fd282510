"""The iCalendar document (RFC 5545) of a feed: one VEVENT per open deadline, with two alarms.

Pure apart from the ``icalendar`` package: plain entries in, bytes out; no Flask, no database. The caller
(service.py) decides which deadlines a feed shows and works out each entry's sequence and link.

What an event says: the incident's reference, the kind of deadline, the controller's name, the clause and the
time. Never the incident's title or description, which may hold personal data: a calendar is synced to phones
and to third-party calendar services.

Identity and updates (RFC 5545 3.8.4.7, 3.8.7.4): the UID is stable per obligation, so a client replaces an event
rather than adding a second one, and the SEQUENCE rises whenever the deadline may have moved (see service.py for
where the number comes from). A deadline that is met, ended or no longer required simply leaves the feed: a
subscribed calendar mirrors the feed, so the event disappears at the next refresh.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event, vDuration, vText

from ..core.instants import format_local
from .words import words

PRODID = "-//Datalekdesk//Deadlines//NL"
UID_DOMAIN = "datalekdesk"
REFRESH = timedelta(minutes=15)
DURATION = timedelta(minutes=15)  # a deadline is an instant; a short block keeps it visible in day views
ALARMS = (timedelta(hours=4), timedelta(hours=1))


@dataclass(frozen=True)
class FeedEntry:
    """One open deadline as the feed shows it."""

    obligation_id: int
    kind: str
    due_at: datetime  # aware
    incident_reference: str
    controller_name: str
    clause: str
    owner: str
    sequence: int
    url: str
    overdue: bool = False  # stored running, but due_at has passed: effectively missed


def uid(obligation_id: int) -> str:
    return f"obligation-{obligation_id}@{UID_DOMAIN}"


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("deadlines must be aware datetimes")
    return value.astimezone(UTC).replace(microsecond=0)


def summary(entry: FeedEntry, language: str = "nl") -> str:
    w = words(language)
    text = f"{entry.incident_reference} · {w['kinds'].get(entry.kind, entry.kind)} · {entry.controller_name}"
    return f"{w['overdue']}: {text}" if entry.overdue else text


def description(entry: FeedEntry, language: str = "nl") -> str:
    w = words(language)
    kind = w["kinds"].get(entry.kind, entry.kind)
    lines = [
        w["about"].format(kind=kind, reference=entry.incident_reference, controller=entry.controller_name),
        w["due"].format(due=format_local(entry.due_at)),
        w["clause"].format(clause=entry.clause),
        w["owed"].format(owner=w["owners"].get(entry.owner, entry.owner)),
    ]
    if entry.overdue:
        lines.append(w["missed"])
    lines.append(entry.url)
    return "\n".join(lines)


def _alarm(entry: FeedEntry, before: timedelta, language: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    hours = int(before.total_seconds() // 3600)
    alarm.add("description", words(language)["alarm"].format(summary=summary(entry, language), hours=hours))
    alarm.add("trigger", -before, parameters={"RELATED": "START"})
    return alarm


def event(entry: FeedEntry, stamp: datetime, language: str = "nl") -> Event:
    item = Event()
    item.add("uid", uid(entry.obligation_id))
    item.add("sequence", entry.sequence)
    item.add("dtstamp", _utc(stamp))
    item.add("dtstart", _utc(entry.due_at))
    item.add("duration", DURATION)
    item.add("summary", summary(entry, language))
    item.add("description", description(entry, language))
    item.add("url", entry.url, parameters={"VALUE": "URI"})
    item.add("class", "PRIVATE")
    item.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    item.add("categories", ["Datalekdesk"])
    for before in ALARMS:
        item.add_component(_alarm(entry, before, language))
    return item


def build(entries: Iterable[FeedEntry], *, name: str, now: datetime, language: str = "nl") -> bytes:
    """The whole VCALENDAR, events ordered by deadline (then obligation id) so equal data gives equal output; its
    words in `language` (the feed owner's)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", vText(name))
    calendar.add("name", vText(name))  # RFC 7986
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})  # RFC 7986
    calendar.add("x-published-ttl", vDuration(REFRESH))  # the same, for Outlook and older Apple clients
    for entry in sorted(entries, key=lambda e: (_utc(e.due_at), e.obligation_id)):
        calendar.add_component(event(entry, now, language))
    return calendar.to_ical()
