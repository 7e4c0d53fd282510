"""Making and revoking feeds through the pages: CSRF, who may do what, and the address shown once."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from incidents.calendar.models import CalendarFeed
from incidents.extensions import db

from ..support.forms import csrf_token
from .conftest import PASSWORD, events, fetch, log_in, open_obligations, parse, text_of, uid

FEED_URL = re.compile(r'id="calendar-feed-url"[^>]*>([^<]+)<')


def feed_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(CalendarFeed))


def shown_url(response) -> str:
    assert response.status_code == 200, response.status_code
    match = FEED_URL.search(response.get_data(as_text=True))
    assert match, "the new feed's address is not on the page"
    return match.group(1)


def make_own(client, name="Telefoon"):
    return client.post("/account/calendar/", data={"name": name, "csrf_token": csrf_token(client, "/account/")})


def test_a_user_makes_a_feed_on_the_account_page_sees_its_address_once_and_revokes_it(app, client, world, user):
    log_in(client, user.email, "correct horse battery")
    page = client.get("/account/").get_data(as_text=True)
    assert 'id="calendar"' in page and 'id="calendar-feed-form"' in page
    url = shown_url(make_own(client, "Werktelefoon"))
    assert url.startswith(app.config["BASE_URL"].rstrip("/") + "/calendar/") and url.endswith(".ics")
    calendar = parse(fetch(app, url))
    assert set(events(calendar)) == {uid(o) for o in open_obligations()}

    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    page = client.get("/account/").get_data(as_text=True)
    assert "Werktelefoon" in page and token not in page  # listed by name; the address is never shown again
    feed = db.session.scalar(select(CalendarFeed))
    assert feed.user_id == user.id and feed.controller_id is None and feed.created_by_id == user.id

    revoked = client.post(f"/account/calendar/{feed.id}/revoke", data={"csrf_token": csrf_token(client, "/account/")})
    assert revoked.status_code == 302
    assert fetch(app, url).status_code == 404
    assert 'data-state="revoked"' in client.get("/account/").get_data(as_text=True)


def test_making_or_revoking_a_feed_needs_the_csrf_token(app, client, world, user, user_feed):
    log_in(client, user.email, "correct horse battery")
    assert client.post("/account/calendar/", data={"name": "x"}).status_code == 400
    assert feed_count() == 0
    token = user_feed(user)
    feed = db.session.scalar(select(CalendarFeed))
    assert client.post(f"/account/calendar/{feed.id}/revoke").status_code == 400
    assert fetch(app, token).status_code == 200


def test_a_feed_needs_a_name(client, world, user):
    log_in(client, user.email, "correct horse battery")
    response = make_own(client, "   ")
    assert response.status_code == 302 and feed_count() == 0


def test_nobody_revokes_another_users_feed(app, client, world, user, make_user, user_feed):
    other = make_user("collega@verwerker.example", "handler")
    token = user_feed(other)
    feed = db.session.scalar(select(CalendarFeed))
    log_in(client, user.email, "correct horse battery")
    response = client.post(f"/account/calendar/{feed.id}/revoke", data={"csrf_token": csrf_token(client, "/account/")})
    assert response.status_code == 404
    assert fetch(app, token).status_code == 200
    # nor through the controller pages
    response = client.post(
        f"/controllers/{world['west'].id}/calendar-feeds/{feed.id}/revoke",
        data={"csrf_token": csrf_token(client, "/account/")},
    )
    assert response.status_code == 404 and fetch(app, token).status_code == 200


def test_a_handler_makes_a_controller_feed_on_the_controller_page_and_revokes_it(app, client, world, user):
    west = world["west"]
    log_in(client, user.email, "correct horse battery")
    page = client.get(f"/controllers/{west.id}").get_data(as_text=True)
    assert 'id="calendar"' in page and 'id="calendar-feed-form"' in page
    url = shown_url(
        client.post(
            f"/controllers/{west.id}/calendar-feeds",
            data={"name": "FG Ziekenhuis West", "csrf_token": csrf_token(client, "/account/")},
        )
    )
    response = fetch(app, url)
    found = events(parse(response))
    assert set(found) == {uid(o) for o in open_obligations(west.id)}
    assert all("/portal/incidents/" in str(e["URL"]) for e in found.values())
    assert "Kliniek Noord" not in text_of(response)
    feed = db.session.scalar(select(CalendarFeed))
    assert feed.controller_id == west.id and feed.user_id is None and feed.created_by_id == user.id
    assert "FG Ziekenhuis West" in client.get(f"/controllers/{west.id}").get_data(as_text=True)

    # revoking through another controller's address does nothing
    wrong = client.post(
        f"/controllers/{world['noord'].id}/calendar-feeds/{feed.id}/revoke",
        data={"csrf_token": csrf_token(client, "/account/")},
    )
    assert wrong.status_code == 404 and fetch(app, url).status_code == 200
    done = client.post(
        f"/controllers/{west.id}/calendar-feeds/{feed.id}/revoke", data={"csrf_token": csrf_token(client, "/account/")}
    )
    assert done.status_code == 302 and fetch(app, url).status_code == 404


def test_a_viewer_sees_controller_feeds_but_cannot_make_one(app, client, world, make_user, controller_feed):
    controller_feed(world["west"], name="Bestaande feed")
    make_user("audit@verwerker.example", "viewer")
    log_in(client, "audit@verwerker.example", PASSWORD)
    page = client.get(f"/controllers/{world['west'].id}").get_data(as_text=True)
    assert "Bestaande feed" in page and 'id="calendar-feed-form"' not in page
    feed = db.session.scalar(select(CalendarFeed))
    token = csrf_token(client, "/account/")
    made = client.post(f"/controllers/{world['west'].id}/calendar-feeds", data={"name": "x", "csrf_token": token})
    revoked = client.post(
        f"/controllers/{world['west'].id}/calendar-feeds/{feed.id}/revoke", data={"csrf_token": token}
    )
    assert made.status_code == 403 and revoked.status_code == 403 and feed_count() == 1
    db.session.refresh(feed)
    assert feed.revoked_at is None
    # a viewer reads everything, so their own feed is allowed
    url = shown_url(make_own(client, "Audit"))
    assert set(events(parse(fetch(app, url)))) == {uid(o) for o in open_obligations()}


def test_a_controller_user_makes_only_their_own_feed(app, client, world, make_user):
    make_user("fg@noord.example", "controller", world["noord"])
    log_in(client, "fg@noord.example", PASSWORD)
    token = csrf_token(client, "/account/")
    # another controller's page, and its feed routes, are not theirs
    assert client.get(f"/controllers/{world['west'].id}").status_code == 403
    response = client.post(f"/controllers/{world['west'].id}/calendar-feeds", data={"name": "x", "csrf_token": token})
    assert response.status_code == 403
    response = client.post(f"/controllers/{world['noord'].id}/calendar-feeds", data={"name": "x", "csrf_token": token})
    assert response.status_code == 403 and feed_count() == 0
    # their own feed ignores any controller it is told about: it is scoped to their organisation
    url = shown_url(
        client.post(
            "/account/calendar/", data={"name": "Agenda FG", "controller_id": world["west"].id, "csrf_token": token}
        )
    )
    feed = db.session.scalar(select(CalendarFeed))
    assert feed.controller_id is None and feed.user_id is not None
    response = fetch(app, url)
    assert set(events(parse(response))) == {uid(o) for o in open_obligations(world["noord"].id)}
    assert "Ziekenhuis West" not in text_of(response)
