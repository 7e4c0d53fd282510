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

PRODID = "-//Datalekdesk//Deadlines//NL"
UID_DOMAIN = "datalekdesk"
REFRESH = timedelta(minutes=15)
DURATION = timedelta(minutes=15)  # a deadline is an instant; a short block keeps it visible in day views
ALARMS = (timedelta(hours=4), timedelta(hours=1))
# The kind of deadline: Dutch for the title, English in the description.
KINDS = {
    "controller_notice": ("Melding aan verwerkingsverantwoordelijke", "Notice to the controller"),
    "controller_consultation": ("Overleg met verwerkingsverantwoordelijke", "Consultation with the controller"),
    "ap_notification": ("Melding aan de AP", "Notification to the Dutch DPA (Autoriteit Persoonsgegevens)"),
}
OWNERS = {"processor": "the processor", "controller": "the controller"}


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


def summary(entry: FeedEntry) -> str:
    dutch, _ = KINDS.get(entry.kind, (entry.kind, entry.kind))
    text = f"{entry.incident_reference} · {dutch} · {entry.controller_name}"
    return f"TE LAAT: {text}" if entry.overdue else text


def description(entry: FeedEntry) -> str:
    _, english = KINDS.get(entry.kind, (entry.kind, entry.kind))
    lines = [
        f"{english} for incident {entry.incident_reference} ({entry.controller_name}).",
        f"Due: {format_local(entry.due_at)} (Europe/Amsterdam).",
        f"Clause: {entry.clause}.",
        f"Owed by {OWNERS.get(entry.owner, entry.owner)}.",
    ]
    if entry.overdue:
        lines.append("Status: the deadline has passed without a filing (missed).")
    lines.append(entry.url)
    return "\n".join(lines)


def _alarm(entry: FeedEntry, before: timedelta) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    hours = int(before.total_seconds() // 3600)
    alarm.add("description", f"{summary(entry)} (nog {hours} uur)")
    alarm.add("trigger", -before, parameters={"RELATED": "START"})
    return alarm


def event(entry: FeedEntry, stamp: datetime) -> Event:
    item = Event()
    item.add("uid", uid(entry.obligation_id))
    item.add("sequence", entry.sequence)
    item.add("dtstamp", _utc(stamp))
    item.add("dtstart", _utc(entry.due_at))
    item.add("duration", DURATION)
    item.add("summary", summary(entry))
    item.add("description", description(entry))
    item.add("url", entry.url, parameters={"VALUE": "URI"})
    item.add("class", "PRIVATE")
    item.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    item.add("categories", ["Datalekdesk"])
    for before in ALARMS:
        item.add_component(_alarm(entry, before))
    return item


def build(entries: Iterable[FeedEntry], *, name: str, now: datetime) -> bytes:
    """The whole VCALENDAR, events ordered by deadline (then obligation id) so equal data gives equal output."""
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
        calendar.add_component(event(entry, now))
    return calendar.to_ical()
