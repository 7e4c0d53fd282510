"""The iCalendar document (RFC 5545) of a feed: one VEVENT per open deadline, with two alarms.

Pure: plain entries in, bytes out; no Flask, no database. The caller (service.py) decides which deadlines a feed
shows and works out each entry's sequence and link.

The text is written by hand, line by line, as RFC 5545 prescribes it (3.1 content lines folded at 75 octets,
never inside a UTF-8 character; 3.3.11 TEXT with backslash, semicolon, comma and newline escaped), at a few
microseconds per line: a feed of 10,000 deadlines takes a fraction of a second, where building an ``icalendar``
object per property took half a minute. The tests read every feed back with the ``icalendar`` library.

What an event says: the incident's reference, the kind of deadline, the controller's name, the clause and the
time. Never the incident's title or description, which may hold personal data: a calendar is synced to phones
and to third-party calendar services.

Identity and updates (RFC 5545 3.8.4.7, 3.8.7.4): the UID is stable per obligation, so a client replaces an event
rather than adding a second one, and the SEQUENCE rises whenever the deadline may have moved (see service.py for
where the number comes from). A deadline that is met, ended or no longer required simply leaves the feed: a
subscribed calendar mirrors the feed, so the event disappears at the next refresh.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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
    # The controller's authority in Dutch and English when it is not the AP (an AP clock of a Belgian controller is
    # its clock towards the GBA/APD); None: the words of calendar/words.py.
    authority: tuple[str, str] | None = None


def uid(obligation_id: int) -> str:
    return f"obligation-{obligation_id}@{UID_DOMAIN}"


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("deadlines must be aware datetimes")
    return value.astimezone(UTC).replace(microsecond=0)


def _kind(entry: FeedEntry, w: dict, language: str) -> str:
    if entry.kind == "ap_notification" and entry.authority:
        return w["authority_kind"].format(authority=entry.authority[1 if language == "en" else 0])
    return w["kinds"].get(entry.kind, entry.kind)


def summary(entry: FeedEntry, language: str = "nl") -> str:
    w = words(language)
    text = f"{entry.incident_reference} · {_kind(entry, w, language)} · {entry.controller_name}"
    return f"{w['overdue']}: {text}" if entry.overdue else text


def description(entry: FeedEntry, language: str = "nl") -> str:
    w = words(language)
    kind = _kind(entry, w, language)
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


# --- RFC 5545 text ---

# Control characters other than tab are not allowed in TEXT (RFC 5545 3.3.11, TSAFE-CHAR): dropped.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
FOLD = 75  # octets per line, CRLF not counted (RFC 5545 3.1)


def text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newline escaped; other control characters
    (a lone CR among them) dropped."""
    value = value.replace("\r\n", "\n")
    if _CONTROL.search(value):
        value = _CONTROL.sub("", value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line with its CRLF, folded (CRLF and a space) so that no line exceeds 75 octets of UTF-8 and no
    character is split between two lines."""
    if len(line) <= FOLD and (line.isascii() or len(line.encode("utf-8")) <= FOLD):
        return line + "\r\n"
    data = line.encode("utf-8")
    parts, start, room = [], 0, FOLD
    while len(data) - start > room:
        end = start + room
        while data[end] & 0xC0 == 0x80:  # a continuation byte: cut before the character it belongs to
            end -= 1
        parts.append(data[start:end])
        start, room = end, FOLD - 1  # a continuation line starts with the space
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8") + "\r\n"


def stamp(value: datetime) -> str:
    """A UTC DATE-TIME (RFC 5545 3.3.5, form 2): 20260330T140000Z."""
    return _utc(value).strftime("%Y%m%dT%H%M%SZ")


def duration(value: timedelta) -> str:
    """A DURATION (RFC 5545 3.3.6) of whole minutes, hours or days: PT15M, -PT4H, P1D."""
    seconds = int(value.total_seconds())
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    if not days and not clock:
        return "PT0S"
    return f"{sign}P{f'{days}D' if days else ''}{f'T{clock}' if clock else ''}"


_DURATION = duration(DURATION)
_TRIGGERS = tuple((int(before.total_seconds() // 3600), duration(-before)) for before in ALARMS)


def event(entry: FeedEntry, dtstamp: str, language: str = "nl") -> str:
    """The VEVENT of one deadline, with its two alarms, as folded content lines, its words in `language`. Only the
    texts can be longer than a line; the rest is short ASCII by construction."""
    title = summary(entry, language)
    alarm = words(language)["alarm"]
    alarms = "".join(
        f"BEGIN:VALARM\r\nACTION:DISPLAY\r\n{fold('DESCRIPTION:' + text(alarm.format(summary=title, hours=hours)))}"
        f"TRIGGER;RELATED=START:{trigger}\r\nEND:VALARM\r\n"
        for hours, trigger in _TRIGGERS
    )
    return (
        f"BEGIN:VEVENT\r\nUID:{uid(entry.obligation_id)}\r\nSEQUENCE:{entry.sequence}\r\nDTSTAMP:{dtstamp}\r\n"
        f"DTSTART:{stamp(entry.due_at)}\r\nDURATION:{_DURATION}\r\n"
        + fold(f"SUMMARY:{text(title)}")
        + fold(f"DESCRIPTION:{text(description(entry, language))}")
        + fold(f"URL;VALUE=URI:{entry.url}")
        # TRANSPARENT: a deadline does not make anyone busy
        + f"CLASS:PRIVATE\r\nTRANSP:TRANSPARENT\r\nCATEGORIES:Datalekdesk\r\n{alarms}END:VEVENT\r\n"
    )


def build(entries: Iterable[FeedEntry], *, name: str, now: datetime, language: str = "nl") -> bytes:
    """The whole VCALENDAR, events ordered by deadline (then obligation id) so equal data gives equal output; its
    words in `language` (the feed owner's)."""
    refresh = duration(REFRESH)
    head = [
        "BEGIN:VCALENDAR",
        f"PRODID:{text(PRODID)}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{text(name)}",
        f"NAME:{text(name)}",  # RFC 7986
        f"REFRESH-INTERVAL;VALUE=DURATION:{refresh}",  # RFC 7986
        f"X-PUBLISHED-TTL:{refresh}",  # the same, for Outlook and older Apple clients
    ]
    dtstamp = stamp(now)
    out = [fold(line) for line in head]
    out.extend(event(e, dtstamp, language) for e in sorted(entries, key=lambda e: (_utc(e.due_at), e.obligation_id)))
    out.append("END:VCALENDAR\r\n")
    return "".join(out).encode("utf-8")


def version(body: bytes, now: datetime) -> str:
    """What a feed says apart from when it was written (its DTSTAMPs, ``now``): equal content, equal version, so
    a calendar app that asks again with If-None-Match gets "304 Not Modified" instead of the whole feed. A
    deadline that becomes overdue changes its title, and so the version."""
    return hashlib.sha256(body.replace(f"DTSTAMP:{stamp(now)}\r\n".encode(), b"")).hexdigest()[:32]
