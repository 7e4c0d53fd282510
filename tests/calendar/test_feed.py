"""The feed itself: fetched by token without a session, parsed back with icalendar, compared with the obligations
the real services stored."""

from __future__ import annotations

import hashlib
from datetime import UTC, timedelta

from sqlalchemy import select, text

from incidents.breaches import service as breaches
from incidents.breaches.models import Obligation
from incidents.breaches.service import FilingInput
from incidents.calendar import service as feeds
from incidents.calendar.models import CalendarFeed
from incidents.extensions import db

from .conftest import DESCRIPTION, TITLE, events, fetch, hours_ago, open_obligations, parse, to_second, uid


def test_a_staff_feed_has_one_event_per_open_deadline_of_open_incidents(app, world, user, user_feed):
    response = fetch(app, user_feed(user))
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, max-age=300"
    calendar = parse(response)
    expected = open_obligations()
    # what is expected: every clock that runs, and nothing pending, ended (dismissed) or of another kind
    assert {(o.incident_id, o.kind) for o in expected} == {
        (world["both"].id, "controller_notice"),
        (world["both"].id, "controller_consultation"),
        (world["both"].id, "ap_notification"),  # Noord: citodent, the processor files with the AP
        (world["west_only"].id, "controller_notice"),
        (world["west_only"].id, "controller_consultation"),
        (world["both"].id, "investigation_report"),  # BOZ 5.4 (West)
        (world["west_only"].id, "investigation_report"),
        (world["both"].id, "awareness_notice"),  # citodent 6.2, from awareness
        (world["suspected"].id, "awareness_notice"),  # citodent 6.2: the clock starts on suspicion
    }
    found = events(calendar)
    assert len(calendar.walk("VEVENT")) == len(expected) == len(found)
    assert set(found) == {uid(o) for o in expected}
    for obligation in expected:
        event = found[uid(obligation)]
        start = event.decoded("DTSTART")
        # iCalendar DATE-TIME has whole seconds: the deadline is cut to its second (never later than due_at)
        assert start == to_second(obligation.due_at) and start.utcoffset() == timedelta(0)
        assert event.decoded("DURATION") > timedelta(0) or "DTEND" in event
        assert "DTSTAMP" in event and int(event["SEQUENCE"]) >= 1
        assert str(event["URL"]) == f"{app.config['BASE_URL'].rstrip('/')}/incidents/{obligation.incident_id}"
        alarms = event.walk("VALARM")
        assert sorted(a.decoded("TRIGGER") for a in alarms) == [timedelta(hours=-4), timedelta(hours=-1)]
        assert all(str(a["ACTION"]) == "DISPLAY" and str(a["DESCRIPTION"]) for a in alarms)
    pending = db.session.scalars(select(Obligation).where(Obligation.status.in_(("pending", "ended")))).all()
    assert pending and not {uid(o) for o in pending} & set(found)


def test_the_calendar_says_what_it_is_and_how_often_to_refresh(app, world, user, user_feed):
    body = fetch(app, user_feed(user, name="Werktelefoon")).data
    calendar = parse(fetch(app, user_feed(user, name="Werktelefoon")))
    assert str(calendar["METHOD"]) == "PUBLISH" and str(calendar["VERSION"]) == "2.0"
    assert "Datalekdesk" in str(calendar["PRODID"])
    assert "Werktelefoon" in str(calendar["X-WR-CALNAME"])
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT15M" in body and b"X-PUBLISHED-TTL:PT15M" in body
    assert b"\r\n" in body  # RFC 5545 content lines end in CRLF


def test_summary_and_description_name_reference_kind_and_controller_but_never_the_title(app, world, user, user_feed):
    response = fetch(app, user_feed(user))
    body = response.get_data(as_text=True).replace("\r\n ", "")  # unfolded (RFC 5545 3.1)
    for secret in (TITLE, DESCRIPTION, "Jansen", "123456782", "Pietersen"):
        assert secret not in body
    found = events(parse(response))
    notice = next(
        o
        for o in open_obligations()
        if o.incident_id == world["both"].id and o.kind == "controller_notice" and o.contract_id == world["cw"].id
    )
    event = found[uid(notice)]
    summary, description = str(event["SUMMARY"]), str(event["DESCRIPTION"])
    assert world["both"].reference in summary and "Ziekenhuis West" in summary
    assert "Melding aan verwerkingsverantwoordelijke" in summary  # Dutch in the title
    # the description in the same language as the title (the feed owner's), with the clause
    assert "Melding aan verwerkingsverantwoordelijke voor incident" in description and "Art. 5.2" in description
    assert "Notice to the controller" not in description

    user.language = "en"  # an English-speaking user's feed says it all in English
    db.session.commit()
    event = events(parse(fetch(app, user_feed(user, name="Phone"))))[uid(notice)]
    assert str(event["SUMMARY"]).startswith(f"{world['both'].reference} · Notice to the controller")
    assert "Notice to the controller for incident" in str(event["DESCRIPTION"])


def test_a_deadline_passed_without_filing_stays_in_the_feed_marked_late(app, user, make_contract, user_feed):
    contract = make_contract("boz-24h")
    late = breaches.create_incident(
        title=TITLE, aware_at=hours_ago(30), status="confirmed", contract_ids=[contract.id], actor=user
    )
    db.session.commit()
    notice = db.session.scalar(
        select(Obligation).where(Obligation.incident_id == late.id, Obligation.kind == "controller_notice")
    )
    assert notice.status == "running" and notice.due_at < hours_ago(0)  # stored running, effectively missed
    event = events(parse(fetch(app, user_feed(user))))[uid(notice)]
    assert event.decoded("DTSTART") == to_second(notice.due_at)
    assert str(event["SUMMARY"]).startswith("TE LAAT")


def test_a_met_deadline_leaves_the_feed(app, world, user, user_feed):
    token = user_feed(user)
    notice = next(
        o for o in open_obligations() if o.incident_id == world["west_only"].id and o.kind == "controller_notice"
    )
    assert uid(notice) in events(parse(fetch(app, token)))
    breaches.record_filing(
        world["west_only"],
        FilingInput(kind="controller_notice", contract_id=world["cw2"].id, at=hours_ago(1)),
        actor=user,
    )
    db.session.commit()
    db.session.refresh(notice)
    assert notice.status == "met"
    after = events(parse(fetch(app, token)))
    assert uid(notice) not in after
    assert set(after) == {uid(o) for o in open_obligations()}


def test_a_moved_deadline_keeps_its_uid_with_a_higher_sequence_and_the_new_time(
    app, user, make_controller, make_contract, user_feed
):
    """The controller's AP clock starts at the first notice to it. A notice recorded afterwards for its other
    contract, sent earlier, pulls the deadline *back*: a sequence read off the deadline would fall."""
    controller = make_controller(name="Ziekenhuis Zuid")
    first = make_contract("boz-72h", controller, reference="VO-Z-1")
    second = make_contract("boz-72h", controller, reference="VO-Z-2")
    incident = breaches.create_incident(
        title=TITLE, aware_at=hours_ago(20), status="confirmed", contract_ids=[first.id, second.id], actor=user
    )
    db.session.commit()
    token = user_feed(user)

    def ap_clock():
        db.session.expire_all()
        return db.session.scalar(
            select(Obligation).where(Obligation.incident_id == incident.id, Obligation.kind == "ap_notification")
        )

    assert ap_clock().status == "pending" and uid(ap_clock()) not in events(parse(fetch(app, token)))
    breaches.record_filing(
        incident, FilingInput(kind="controller_notice", contract_id=first.id, at=hours_ago(2)), actor=user
    )
    db.session.commit()
    before_move = ap_clock()
    assert before_move.status == "running"
    old_due = before_move.due_at
    event = events(parse(fetch(app, token)))[uid(before_move)]
    assert event.decoded("DTSTART") == to_second(old_due)
    old_sequence = int(event["SEQUENCE"])

    breaches.record_filing(
        incident, FilingInput(kind="controller_notice", contract_id=second.id, at=hours_ago(10)), actor=user
    )
    db.session.commit()
    moved = ap_clock()
    assert moved.id == before_move.id and moved.status == "running" and moved.due_at < old_due
    event = events(parse(fetch(app, token)))[uid(moved)]
    assert event.decoded("DTSTART") == to_second(moved.due_at) != to_second(old_due)
    assert int(event["SEQUENCE"]) > old_sequence


def test_confirming_a_suspected_incident_brings_its_clocks_into_the_feed(app, world, user, user_feed):
    token = user_feed(user)
    before = events(parse(fetch(app, token)))
    breaches.confirm(world["suspected"], confirmed_at=hours_ago(1), actor=user)
    db.session.commit()
    after = events(parse(fetch(app, token)))
    new = {uid(o) for o in open_obligations() if o.incident_id == world["suspected"].id}
    assert new - set(before) and new <= set(after)
    citodent_notice = next(
        o for o in open_obligations() if o.incident_id == world["suspected"].id and o.contract_id == world["cn"].id
    )
    # the clock that already ran keeps its UID; confirmation is a revision of the incident
    assert int(after[uid(citodent_notice)]["SEQUENCE"]) > int(before[uid(citodent_notice)]["SEQUENCE"])
    assert after[uid(citodent_notice)].decoded("DTSTART") == to_second(citodent_notice.due_at)


def test_a_controller_feed_shows_only_that_controller_and_links_to_the_portal(app, world, controller_feed):
    west = world["west"]
    calendar = parse(fetch(app, controller_feed(west)))
    expected = open_obligations(west.id)
    assert expected and len(expected) < len(open_obligations())
    found = events(calendar)
    assert set(found) == {uid(o) for o in expected}
    base = app.config["BASE_URL"].rstrip("/")
    for obligation in expected:
        assert str(found[uid(obligation)]["URL"]) == f"{base}/portal/incidents/{obligation.incident_id}"
    body = fetch(app, controller_feed(west)).get_data(as_text=True)
    assert "Kliniek Noord" not in body and "Ziekenhuis West" in body


def test_a_controller_users_own_feed_shows_only_their_controller(app, world, make_user, user_feed):
    noord_user = make_user("fg@noord.example", "controller", world["noord"])
    response = fetch(app, user_feed(noord_user))
    found = events(parse(response))
    expected = open_obligations(world["noord"].id)
    assert expected and set(found) == {uid(o) for o in expected}
    assert "Ziekenhuis West" not in response.get_data(as_text=True)
    assert all("/portal/incidents/" in str(e["URL"]) for e in found.values())


def test_a_viewer_feed_is_a_staff_feed(app, world, make_user, user_feed):
    viewer = make_user("audit@verwerker.example", "viewer")
    assert set(events(parse(fetch(app, user_feed(viewer))))) == {uid(o) for o in open_obligations()}


def test_revoked_and_unknown_tokens_and_deactivated_users_get_404(
    app, world, user, make_user, user_feed, controller_feed
):
    token = user_feed(user)
    assert fetch(app, token).status_code == 200
    assert fetch(app, "not-a-token").status_code == 404
    assert fetch(app, token[:-1] + ("A" if token[-1] != "A" else "B")).status_code == 404
    found = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == CalendarFeed.hash(token)))
    feeds.revoke_feed(found)
    db.session.commit()
    assert fetch(app, token).status_code == 404

    viewer = make_user("audit@verwerker.example", "viewer")
    viewer_token = user_feed(viewer)
    assert fetch(app, viewer_token).status_code == 200
    viewer.active = False
    db.session.commit()
    assert fetch(app, viewer_token).status_code == 404

    for_controller = controller_feed(world["west"])
    assert fetch(app, for_controller).status_code == 200
    row = db.session.scalar(select(CalendarFeed).where(CalendarFeed.controller_id == world["west"].id))
    feeds.revoke_feed(row)
    db.session.commit()
    assert fetch(app, for_controller).status_code == 404


def test_only_the_hash_of_the_token_is_stored(app, world, user, user_feed):
    token = user_feed(user)
    assert len(token) >= 43  # secrets.token_urlsafe(32)
    rows = db.session.execute(text("SELECT * FROM calendar_feeds")).all()
    assert len(rows) == 1
    assert token not in repr(rows)
    assert rows[0]._mapping["token_hash"] == hashlib.sha256(token.encode()).hexdigest()


def test_the_feed_needs_no_session_and_sets_no_cookie(app, world, user, user_feed):
    response = fetch(app, user_feed(user))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert app.test_client(use_cookies=False).head(response.request.path).status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_deadlines_are_in_utc_whatever_the_database_returns(app, world, user, user_feed):
    for event in parse(fetch(app, user_feed(user))).walk("VEVENT"):
        assert event["DTSTART"].to_ical().endswith(b"Z")
        assert event.decoded("DTSTART").astimezone(UTC) == event.decoded("DTSTART")


def test_a_processor_customers_feed_has_no_ap_deadline_of_its_own(app, world, user, controller_feed):
    """A customer that is itself a processor: its controllers' 72 hours run from when it informs them, so its feed
    shows no AP deadline as its own; the same feed had it while the customer was an ordinary controller."""
    incident = world["both"]
    west_contract = next(a.contract for a in incident.affected if a.contract.controller.name == "Ziekenhuis West")
    west = west_contract.controller
    breaches.record_filing(
        incident, FilingInput(kind="controller_notice", contract_id=west_contract.id, at=hours_ago(1)), actor=user
    )
    db.session.commit()
    token = controller_feed(west)

    def ap_events() -> list[str]:
        summaries = [str(e["SUMMARY"]) for e in parse(fetch(app, token)).walk("VEVENT")]
        return [s for s in summaries if "Melding aan de AP" in s]  # calendar/words.py

    assert ap_events()  # its own AP clock runs from the notice
    west.is_processor = True
    db.session.commit()
    assert ap_events() == []
