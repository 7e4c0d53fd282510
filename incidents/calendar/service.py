"""Calendar feeds: make, revoke and list them, and work out what a feed shows.

A feed belongs either to a user (their own feed, scoped by their role at the time of each fetch) or to a
controller (made by processor staff to hand to that customer). The token is shown once; only its SHA-256 is kept.

What a feed shows: every *open* deadline, that is an obligation stored as ``running`` (which includes one whose
deadline has passed without a filing: effectively missed, still owed) of an open incident (suspected or
confirmed). A pending obligation has no deadline yet and is left out; met, missed-with-a-late-filing, ended and
not-required ones are settled and leave the feed.

- a staff user's feed (admin, handler, viewer): every open deadline;
- a controller user's feed: only the deadlines of their own controller, linking to the portal;
- a controller feed: only that controller's deadlines, linking to the portal.

SEQUENCE (RFC 5545 3.8.7.4) must rise whenever an event is revised, in particular when a deadline moves. It is
*not* derived from the deadline itself: in this clock engine a running deadline moves *earlier* (the controller's
AP clock starts at the first notice to that controller, so a notice recorded later for another of its contracts
with an earlier time pulls the start, and so the deadline, back), and a changed profile target could move one
either way, so any number read off ``due_at`` would fall as often as it rose. Instead it is the number of timeline
events of the incident. Every change that recomputes obligations (intake, contracts added, confirmation,
dismissal, filing, decision, an e-mail accepted by the server) appends a timeline event in the same transaction,
and the timeline is append-only (ORM guard and database triggers), so the count never falls and rises with every
recomputation. It also rises for changes that do not move a deadline (an edit, a question); such a revision with
the same time is harmless to clients, whereas a move without a rise would leave an old time on someone's phone.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from ..auth.models import STAFF_ROLES, User
from ..authorities import Established, authority_names
from ..breaches.models import Incident, Obligation, TimelineEvent
from ..core.clock import effective_status
from ..core.instants import utcnow
from ..errors import N_, ValidationFailed
from ..extensions import db
from ..links import base_url
from ..parties.models import Controller
from ..validation import required_text
from . import feed as ical
from .models import CalendarFeed

OPEN_INCIDENTS = ("suspected", "confirmed")
MAX_NAME = 100
TOKEN_BYTES = 32
CALENDAR_PREFIX = "Datalekdesk"


@dataclass(frozen=True)
class Scope:
    """Which deadlines a feed shows: every controller's (None) or one controller's, and where links go."""

    controller_id: int | None
    portal: bool
    title: str
    language: str = "nl"  # the feed owner's: a calendar's events are in one language


# --- making, revoking, listing ---


def create_feed(
    *,
    name: object,
    user: User | None = None,
    controller: Controller | None = None,
    actor: User | None = None,
    now: datetime | None = None,
) -> tuple[CalendarFeed, str]:
    """A new feed for exactly one user or one controller; returns it and its token (shown once, never stored)."""
    if (user is None) == (controller is None):
        raise ValueError("a feed belongs to exactly one user or one controller")
    name = required_text(name, "name", MAX_NAME, "name")
    if user is not None and not user.active:
        raise ValidationFailed(N_("this user is deactivated"), "user_id", "inactive")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = CalendarFeed(
        token_hash=CalendarFeed.hash(token),
        name=name,
        user_id=user.id if user is not None else None,
        controller_id=controller.id if controller is not None else None,
        created_at=now or utcnow(),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(feed)
    db.session.flush()
    return feed, token


def revoke_feed(feed: CalendarFeed, now: datetime | None = None) -> None:
    if feed.revoked_at is None:
        feed.revoked_at = now or utcnow()
    db.session.flush()


def feeds_of_user(user_id: int) -> list[CalendarFeed]:
    return list(
        db.session.scalars(
            select(CalendarFeed)
            .where(CalendarFeed.user_id == user_id)
            .order_by(CalendarFeed.created_at.desc(), CalendarFeed.id.desc())
        )
    )


def feeds_of_controller(controller_id: int) -> list[CalendarFeed]:
    return list(
        db.session.scalars(
            select(CalendarFeed)
            .where(CalendarFeed.controller_id == controller_id)
            .order_by(CalendarFeed.created_at.desc(), CalendarFeed.id.desc())
        )
    )


def feed_url(token: str) -> str:
    """The absolute address to subscribe to (BASE_URL, so it is right behind a proxy and in e-mails)."""
    path = current_app.url_map.bind("").build("calendar.feed", {"token": token})
    return f"{base_url()}{path}"


# --- serving ---


def active_feed(token: object) -> CalendarFeed | None:
    """The feed a token opens, or None: unknown, revoked, or of a user who is deactivated or no longer fits."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == CalendarFeed.hash(token)))
    if feed is None or feed.revoked_at is not None or scope_of(feed) is None:
        return None
    return feed


def scope_of(feed: CalendarFeed) -> Scope | None:
    """What the feed may show now (a user's role and organisation are read at every fetch, not at creation)."""
    if feed.controller_id is not None:
        controller = db.session.get(Controller, feed.controller_id)
        if controller is None:
            return None
        return Scope(controller.id, True, f"{CALENDAR_PREFIX} · {controller.name} · {feed.name}", controller.language)
    user = db.session.get(User, feed.user_id) if feed.user_id is not None else None
    if user is None or not user.active:
        return None
    if user.role in STAFF_ROLES:
        return Scope(None, False, f"{CALENDAR_PREFIX} · {feed.name}", user.language)
    if user.role == "controller" and user.controller_id is not None:
        return Scope(user.controller_id, True, f"{CALENDAR_PREFIX} · {feed.name}", user.language)
    return None


def entries(scope: Scope, now: datetime) -> list[ical.FeedEntry]:
    """The open deadlines the scope shows, each with its sequence and link."""
    # The sequence of the open incidents only (an index walk per open incident), not a count over all history.
    events = (
        select(TimelineEvent.incident_id, func.count().label("n"))
        .join(Incident, Incident.id == TimelineEvent.incident_id)
        .where(Incident.status.in_(OPEN_INCIDENTS))
        .group_by(TimelineEvent.incident_id)
        .subquery()
    )
    query = (
        select(
            Obligation.id,
            Obligation.kind,
            Obligation.due_at,
            Obligation.clause,
            Obligation.owner,
            Obligation.status,
            Obligation.incident_id,
            Incident.reference,
            Controller.name,
            func.coalesce(events.c.n, 0),
            Controller.country,
            Controller.main_establishment,
        )
        .join(Incident, Incident.id == Obligation.incident_id)
        .join(Controller, Controller.id == Obligation.controller_id)
        .outerjoin(events, events.c.incident_id == Obligation.incident_id)
        .where(Obligation.status == "running", Obligation.due_at.is_not(None), Incident.status.in_(OPEN_INCIDENTS))
        .order_by(Obligation.due_at, Obligation.id)
    )
    if scope.controller_id is not None:
        query = query.where(Obligation.controller_id == scope.controller_id)
        controller = db.session.get(Controller, scope.controller_id)
        if controller is not None and controller.is_processor:
            # itself a processor: no AP deadline of its own (its controllers' 72 hours run from when it tells them)
            query = query.where(~((Obligation.kind == "ap_notification") & (Obligation.owner == "controller")))
    base = base_url()
    urls = current_app.url_map.bind("")
    endpoint = "portal.incident" if scope.portal else "incidents.show"
    links: dict[int, str] = {}  # an incident's link, built once for all its deadlines

    def link(incident_id: int) -> str:
        if incident_id not in links:
            links[incident_id] = base + urls.build(endpoint, {"incident_id": incident_id})
        return links[incident_id]

    rows = db.session.connection().execute(query)  # columns only: no ORM bookkeeping for thousands of rows
    return [
        ical.FeedEntry(
            obligation_id=oid,
            kind=kind,
            due_at=due_at,
            incident_reference=reference,
            controller_name=controller,
            clause=clause,
            owner=owner,
            sequence=sequence,
            url=link(incident_id),
            overdue=effective_status(status, due_at, now) == "missed",
            authority=authority_names(Established(country, main)) if kind == "ap_notification" else None,
        )
        for (
            oid,
            kind,
            due_at,
            clause,
            owner,
            status,
            incident_id,
            reference,
            controller,
            sequence,
            country,
            main,
        ) in rows
    ]


def render(feed: CalendarFeed, now: datetime | None = None) -> bytes:
    now = now or utcnow()
    scope = scope_of(feed)
    if scope is None:
        raise ValueError("this feed shows nothing any more")
    return ical.build(entries(scope, now), name=scope.title, now=now, language=scope.language)
