"""Calendar feed pages.

- ``calendar.feed``: the public feed itself, ``GET /calendar/<token>.ics``. The token is the capability: no
  session, no cookie (it is in security.PUBLIC, like the acknowledgement link).
- ``account.calendar.*``: a user's own feeds, on "My account". This blueprint is nested in the account blueprint,
  so its endpoints start with ``account.`` and follow the account pages' rules in security.py (controller users
  and viewers may manage their own feeds).
- ``calendar.controller_*``: processor staff make and revoke a feed for a controller, on the controller's page;
  controller users never reach these, and viewers only read (security.py), which the views check again.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..account.views import bp as account_bp
from ..core.instants import utcnow
from ..errors import DomainError
from ..lookup import get_or_404
from ..parties.models import Controller
from ..transaction import refuse
from . import service
from .feed import version as feed_version
from .models import CalendarFeed

bp = Blueprint("calendar", __name__)
own = Blueprint("calendar", __name__, url_prefix="/calendar")
# Nested once, at import, before the account blueprint is first registered (incidents.register_blueprints imports
# this module before it registers anything): endpoints become account.calendar.create / account.calendar.revoke.
account_bp.register_blueprint(own)

CACHE = "private, max-age=300"


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    found = service.active_feed(token)
    if found is None:
        abort(404)
    now = utcnow()
    body = service.render(found, now)
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Cache-Control"] = CACHE
    response.headers["Content-Disposition"] = 'inline; filename="datalekdesk.ics"'
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    # Weak: the same events, written at another moment (DTSTAMP). Unchanged since the client's copy: 304, no body.
    response.set_etag(feed_version(body, now), weak=True)
    return response.make_conditional(request)


@bp.app_template_global()
def calendar_feeds_of_user(user_id: int) -> list[CalendarFeed]:
    return service.feeds_of_user(user_id)


@bp.app_template_global()
def calendar_feeds_of_controller(controller_id: int) -> list[CalendarFeed]:
    return service.feeds_of_controller(controller_id)


def _created(feed: CalendarFeed, token: str, back: str):
    return render_template("calendar/created.html", feed=feed, url=service.feed_url(token), back=back)


def _refused(exc: DomainError, back: str):
    refuse()
    flash(_("The calendar feed was not made: %(reason)s", reason=exc.translated()), "error")
    return redirect(back)


# --- a user's own feeds ---


@own.post("/")
def create():
    back = url_for("account.index") + "#calendar"
    try:
        me = current_user._get_current_object()  # the user, not the proxy
        made, token = service.create_feed(name=request.form.get("name"), user=me, actor=me)
    except DomainError as exc:
        return _refused(exc, back)
    return _created(made, token, back)


@own.post("/<int:feed_id>/revoke")
def revoke(feed_id: int):
    found = get_or_404(CalendarFeed, feed_id, lambda f: f.user_id == current_user.id)
    service.revoke_feed(found)
    flash(_("Calendar feed revoked: its address no longer works."), "success")
    return redirect(url_for("account.index") + "#calendar")


# --- a controller's feeds, made by processor staff ---


def _controller(controller_id: int) -> Controller:
    if not current_user.is_authenticated or current_user.role == "controller":
        abort(403)  # security.py refuses these already; checked here too
    if not current_user.can_write:
        abort(403)
    return get_or_404(Controller, controller_id)


@bp.post("/controllers/<int:controller_id>/calendar-feeds")
def controller_create(controller_id: int):
    controller = _controller(controller_id)
    back = url_for("parties.edit_controller", controller_id=controller.id) + "#calendar"
    try:
        made, token = service.create_feed(
            name=request.form.get("name"), controller=controller, actor=current_user._get_current_object()
        )
    except DomainError as exc:
        return _refused(exc, back)
    return _created(made, token, back)


@bp.post("/controllers/<int:controller_id>/calendar-feeds/<int:feed_id>/revoke")
def controller_revoke(controller_id: int, feed_id: int):
    controller = _controller(controller_id)
    found = get_or_404(CalendarFeed, feed_id, lambda f: f.controller_id == controller.id)
    service.revoke_feed(found)
    flash(_("Calendar feed revoked: its address no longer works."), "success")
    return redirect(url_for("parties.edit_controller", controller_id=controller.id) + "#calendar")
